// `npm start`: the desktop app. Where the Electron runtime is missing and cannot be downloaded, say so in
// one line and start browser mode instead.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawn, spawnSync } from 'node:child_process'
import { buildIfStale } from './build-if-stale.mjs'
import { MINIMUM, recentEnough } from './node-version.mjs'

if (!recentEnough()) {
  console.log(
    `sockscope: Node ${process.version} is past its end of life; the app runs, but install Node 24 LTS (${MINIMUM.join('.')} at least) for development (npm test fetches one for itself).`
  )
}

const root = process.cwd()
const electronDir = join(root, 'node_modules', 'electron')

function electronBinary() {
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const bin = join(electronDir, 'dist', readFileSync(pathFile, 'utf8'))
  return existsSync(bin) ? bin : null
}

function tryDownload() {
  if (!existsSync(join(electronDir, 'install.js'))) return
  // Electron fetches its binary on first use; bound the attempt so an offline machine falls back quickly.
  spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore', timeout: 120_000 })
}

buildIfStale(root)
let bin = electronBinary()
if (!bin) {
  tryDownload()
  bin = electronBinary()
}
const run = (cmd, args) => {
  const child = spawn(cmd, args, { stdio: 'inherit' })
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code) => process.exit(code ?? 0))
}
if (bin) run(bin, [root, ...process.argv.slice(2)])
else {
  console.log('sockscope: the Electron runtime is not installed and could not be downloaded here; starting browser mode instead.')
  run(process.execPath, [join(root, 'out', 'main', 'web.js'), ...process.argv.slice(2)])
}
