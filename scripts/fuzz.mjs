// `npm run fuzz`: the model-based tests (lifecycle, sessions, scenario runs, the mock server) with 2,000 sequences each, where `npm test` runs
// 25-120 (a fresh seed each time). Flags: --runs N (default 2000), --model lifecycle|sessions|scenarioRuns|mock (default all), and --seed S --path P to replay a
// failure exactly as it was printed (with --model naming the model that printed it).
import { spawn } from 'node:child_process'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2000' },
    model: { type: 'string' },
    seed: { type: 'string' },
    path: { type: 'string' }
  }
})
const env = { ...process.env, FUZZ_RUNS: values.runs }
if (values.seed) env.FUZZ_SEED = values.seed
if (values.path) env.FUZZ_PATH = values.path
const started = Date.now()
const child = spawn(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', values.model ? `tests/model/${values.model}.model.test.ts` : 'tests/model'],
  {
    env,
    stdio: 'inherit'
  }
)
child.on('exit', (code) => {
  console.log(`fuzz: ${values.runs} sequences per model, ${Math.round((Date.now() - started) / 1000)} s, exit ${code}`)
  process.exit(code ?? 1)
})
