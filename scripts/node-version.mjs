// The Node the project's tools need (vitest 5, electron-vite's toolchain, Electron 45 itself ship on Node 22.12+),
// and a Node 24 LTS from the npm registry's `node` package where the machine's is older: nothing is downloaded
// from outside the registry, and the machine's Node is left alone.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'

export const MINIMUM = [22, 12]

export function recentEnough(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number)
  return major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1])
}

/** An environment whose PATH starts with a Node >= 22.12: the machine's, or Node 24 installed once into `dir`. */
export function envWithRecentNode(dir = 'node_modules/.cache/node24') {
  if (recentEnough()) return process.env
  const bin = resolve(dir, 'node_modules', '.bin')
  if (!existsSync(join(bin, process.platform === 'win32' ? 'node.cmd' : 'node'))) {
    console.log(
      `Node ${process.version} is older than ${MINIMUM.join('.')}: installing Node 24 LTS from the npm registry into ${dir} (once).`
    )
    const r = spawnSync('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', 'node@24'], {
      stdio: 'inherit',
      shell: process.platform === 'win32'
    })
    if (r.status !== 0)
      throw new Error('Could not install Node 24 from the npm registry: install Node 24 LTS yourself, then run npm test again.')
  }
  return { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` }
}
