#!/usr/bin/env node
// `sockscope …` (the package's bin). From a clone it builds out/ first when out/main/cli.js is missing or older than
// the sources, as `npm run web` does, but with everything the build prints sent to stderr: stdout belongs to the
// command (replies, NDJSON, the mock's URL) and must stay clean for pipes. Then it runs the command in this process,
// so signals (Ctrl+C) and the exit status need no passing on.
// Node reads `--env-file F` itself even after the script name (nodejs/node#54232, still in Node 20.20 and 24.21): a
// missing F ends it with "node: F: not found" (exit 9), and NODE_OPTIONS in F apply to this process, all before this
// file runs, so nothing here can catch it. `node -- bin/sockscope.mjs …` and the installed app's `sockscope` are immune.
import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { spawnSync } from 'node:child_process'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const entry = join(root, 'out', 'main', 'cli.js')

async function stale() {
  if (!existsSync(entry)) return true
  // A shipped package has out/ and no sources: nothing to rebuild from (nor scripts/).
  if (!existsSync(join(root, 'src'))) return false
  const { newest } = await import(pathToFileURL(join(root, 'scripts', 'build-if-stale.mjs')).href)
  const sources = ['src', 'electron.vite.config.ts', 'package.json'].map((p) => join(root, p)).filter(existsSync)
  return Math.max(...sources.map(newest)) > statSync(entry).mtimeMs
}

if (await stale()) {
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite')
  if (!existsSync(bin)) {
    if (!existsSync(entry)) {
      process.stderr.write(
        'sockscope: out/main/cli.js is not built and electron-vite is not installed here: run npm install, then try again.\n'
      )
      process.exit(1)
    }
  } else {
    process.stderr.write('sockscope: building first (electron-vite build)…\n')
    // The build's stdout goes to our stderr (fd 2), never to our stdout.
    const r = spawnSync(bin, ['build'], { cwd: root, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' })
    if (r.status !== 0) {
      process.stderr.write('sockscope: the build failed; see the errors above.\n')
      process.exit(r.status ?? 1)
    }
  }
}

const { runProcess } = await import(pathToFileURL(entry).href)
await runProcess(process.argv.slice(2))
