/**
 * Model-based test of the Scenarios panel's runs (issue 18): random sequences of start, stop, poll and pause against
 * a server whose paths behave differently (echo, silent, slow, closing with 1011), with random scenarios, then quit
 * (stop all). After every operation: no uncaught error; each run's steps are reported once each, in order, with legal
 * statuses; a stopped run is done when Stop returns; each connection's kept events have strictly increasing `seq`.
 * After quitting: every run done and no socket left open at the server. `FUZZ_RUNS`/`FUZZ_SEED` as for the lifecycle
 * model (`npm run fuzz -- --model scenarioRuns`); the seed is printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ScenarioRuns } from '../../src/main/service/scenarioRuns'
import type { ScenarioRunState } from '../../src/shared/api'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { until } from '../helpers/time'

const runs = Number(process.env.FUZZ_RUNS_SCENARIOS ?? process.env.FUZZ_RUNS ?? 25)
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x7fffffff)
const path = process.env.FUZZ_PATH

let server: RunningWs
beforeAll(async () => {
  server = await startWsServer({
    onConnection: (ws, req) => {
      const path = req.url ?? '/'
      ws.on('message', (data, binary) => {
        if (path === '/echo') ws.send(data, { binary })
        else if (path === '/slow') setTimeout(() => ws.readyState === ws.OPEN && ws.send(data, { binary }), 80)
        else if (path === '/close') ws.close(1011, 'gone')
        // '/silent' answers nothing
      })
    }
  })
})
afterAll(() => server.close())

const PATHS = ['/echo', '/silent', '/slow', '/close'] as const
const STEP_LINES = [
  '  - send: hi',
  '  - expect: { contains: hi, timeout: 300ms }',
  '  - expect-none: { for: 100ms }',
  '  - wait: 50ms',
  '  - close: { code: 1000, timeout: 300ms }'
]
const scenarioText = fc
  .tuple(fc.constantFrom(...PATHS), fc.array(fc.constantFrom(...STEP_LINES), { minLength: 1, maxLength: 5 }))
  .map(([path, lines]) => `steps:\n  - connect: { url: "{{url}}${path}", timeout: 1s }\n${lines.join('\n')}\n`)

type Op = { start: string } | { stop: number } | { poll: number } | { pause: number }
const op: fc.Arbitrary<Op> = fc.oneof(
  scenarioText.map((start) => ({ start })),
  fc.nat(5).map((stop) => ({ stop })),
  fc.nat(5).map((poll) => ({ poll })),
  fc.integer({ min: 0, max: 120 }).map((pause) => ({ pause }))
)

const STATUSES = new Set(['passed', 'failed', 'skipped'])

/** The invariants one run's state must hold at any moment. */
function checkRun(runs: ScenarioRuns, runId: string): ScenarioRunState {
  const s = runs.state(runId, 0)
  // Each top-level step once, in order (these scenarios have no repeat): 1, 2, 3…
  expect(s.steps.map((x) => x.path)).toEqual(s.steps.map((_, i) => String(i + 1)))
  for (const step of s.steps) expect(STATUSES.has(step.status), `status ${step.status}`).toBe(true)
  // After the first failure only skipped steps follow.
  const firstFailed = s.steps.findIndex((x) => x.status === 'failed')
  if (firstFailed >= 0) for (const later of s.steps.slice(firstFailed + 1)) expect(later.status).toBe('skipped')
  if (s.done) expect(s.status).toBe(s.steps.every((x) => x.status === 'passed') ? 'passed' : 'failed')
  for (const c of s.connections) {
    const seqs = runs.log(runId, c.id).events.map((e) => e.seq)
    for (let i = 1; i < seqs.length; i++) expect(seqs[i], `seq after ${seqs[i - 1]}`).toBeGreaterThan(seqs[i - 1])
  }
  return s
}

async function runSequence(ops: Op[]): Promise<void> {
  const uncaught: unknown[] = []
  const onError = (e: unknown): void => void uncaught.push(e)
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
  const runsUnderTest = new ScenarioRuns(() => ({ vars: { url: server.url } }))
  const ids: string[] = []
  try {
    for (const o of ops) {
      if ('start' in o) ids.push(runsUnderTest.start(o.start, 'model.yaml').runId)
      else if ('stop' in o && ids.length) {
        const id = ids[o.stop % ids.length]
        const before = runsUnderTest.state(id, 0)
        await runsUnderTest.stop(id)
        const after = checkRun(runsUnderTest, id)
        expect(after.done, 'done once Stop returns').toBe(true)
        // Marked stopped when it was still going (state and stop read the run in the same tick); stopping a finished
        // run changes nothing.
        expect(after.stopped ?? false).toBe(before.done ? (before.stopped ?? false) : true)
        if (before.done) expect(after).toEqual(before)
      } else if ('poll' in o && ids.length) checkRun(runsUnderTest, ids[o.poll % ids.length])
      else if ('pause' in o) await new Promise((r) => setTimeout(r, o.pause))
      for (const id of ids) checkRun(runsUnderTest, id)
      expect(uncaught).toEqual([])
    }
  } finally {
    await runsUnderTest.stopAll()
    process.off('uncaughtException', onError)
    process.off('unhandledRejection', onError)
  }
  for (const id of ids) expect(checkRun(runsUnderTest, id).done).toBe(true)
  // Nothing leaked: every connection a run opened is closed at the server.
  await until(() => server.wss.clients.size === 0, 'every connection closed at the server', 3000)
  expect(uncaught).toEqual([])
}

describe('scenario runs, model-based', () => {
  it(
    `hold every invariant over ${runs} random sequences of start, stop, poll and pause (seed ${seed})`,
    async () => {
      console.info(`scenario runs model: ${runs} sequences, seed ${seed}; replay with FUZZ_SEED=${seed}${path ? ` FUZZ_PATH=${path}` : ''}`)
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => runSequence(ops)),
        { numRuns: runs, seed, ...(path ? { path } : {}), endOnFailure: true, verbose: 1 }
      )
    },
    Math.max(300_000, runs * 3000)
  )
})
