// `npm test`: type checks and lint, then the build, then two runs side by side: the unit + integration + model tests
// (one worker) followed by the browser-mode suites listed in vitest.config.ts (E2E_BESIDE_UNIT), and the other end-to-end tests (browser mode, the shell
// stand-in, the desktop path). End-to-end tests spend much of their time waiting on sockets and Chromium, so on a
// 2-core machine the two runs fit beside each other and take about as long as each other.
// Each line of the two runs is prefixed with its name; the exit code is the first failure's.
// Runs on a Node >= 22.12 (the machine's, or Node 24 LTS installed once from the npm registry: see node-version.mjs).
import { spawn, spawnSync } from 'node:child_process'
import { createInterface } from 'node:readline'
import { envWithRecentNode } from './node-version.mjs'

const env = envWithRecentNode()
const shell = process.platform === 'win32'
const version = spawnSync('node', ['--version'], { env, encoding: 'utf8', shell }).stdout.trim()
console.log(`npm test on Node ${version}`)

for (const step of [
  ['run', 'typecheck'],
  ['run', 'lint'],
  ['exec', '--', 'electron-vite', 'build']
]) {
  const r = spawnSync('npm', step, { stdio: 'inherit', env, shell })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

/** Runs vitest with `args`, each output line prefixed with `name`; resolves to its exit code. */
function run(name, args) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', ...args], { env, shell, stdio: ['ignore', 'pipe', 'pipe'] })
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => console.log(`[${name}] ${line}`))
    }
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

const started = Date.now()
const codes = await Promise.all([
  run('unit', ['--project', 'unit', '--project', 'e2e-beside-unit', '--maxWorkers=1']),
  run('e2e', ['--project', 'e2e', '--project', 'shell', '--project', 'desktop'])
])
console.log(`npm test: unit exit ${codes[0]}, e2e exit ${codes[1]}, ${Math.round((Date.now() - started) / 1000)} s for both`)
process.exit(codes.find((c) => c !== 0) ?? 0)
