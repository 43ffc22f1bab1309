// `npm run examples`: the four example scenarios against mocks of their recordings. Builds if needed, starts
// `sockscope mock` for each recording (127.0.0.1, a free port), runs `sockscope run examples/scenarios` with the
// JUnit reporter into examples/results/junit.xml, stops the mocks, and exits with the run's code.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { buildIfStale } from './build-if-stale.mjs'

buildIfStale()
const CLI = 'out/main/cli.js'
const MOCKS = { echoUrl: 'echo', ordersUrl: 'orders', tickerUrl: 'ticker', chatUrl: 'chat' }

/** Starts a mock and resolves with the URL it prints on its first line. */
function startMock(recording) {
  const child = spawn(
    process.execPath,
    [CLI, 'mock', `examples/recordings/${recording}.ndjson`, '--timing', 'original', '--match', 'content'],
    {
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the mock of ${recording} exited with ${code}`)))
    createInterface({ input: child.stdout }).once('line', (url) => resolve({ child, url: url.trim() }))
  })
}

const mocks = {}
let code
try {
  for (const [variable, recording] of Object.entries(MOCKS)) mocks[variable] = await startMock(recording)
  mkdirSync('examples/results', { recursive: true })
  const vars = Object.entries(mocks).flatMap(([name, m]) => ['--var', `${name}=${m.url}`])
  const run = spawn(
    process.execPath,
    [CLI, 'run', 'examples/scenarios', ...vars, '--reporter', 'junit', '--out', 'examples/results/junit.xml'],
    {
      stdio: 'inherit'
    }
  )
  code = await new Promise((r) => run.on('exit', (c) => r(c ?? 1)))
  console.log(`examples/results/junit.xml written; sockscope run exited with ${code}`)
} finally {
  for (const m of Object.values(mocks)) {
    m.child.removeAllListeners('exit')
    m.child.kill('SIGINT')
  }
}
process.exit(code ?? 1)
