/**
 * Model-based tests of the connection lifecycle (issue 10): random sequences of operations against servers with
 * random behaviour, invariants checked after every step. `FUZZ_RUNS` sets how many sequences (npm test runs
 * 120, a fresh seed each time; `npm run fuzz` 2,000); `FUZZ_SEED` (and `FUZZ_PATH`) replay a failure exactly as printed.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { scenario } from './arbitraries'
import { runScenario } from './runScenario'
import { coverage } from './stats'
import { TRANSITIONS } from '../../src/shared/lifecycle'

const runs = Number(process.env.FUZZ_RUNS ?? 120)
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x7fffffff)
const path = process.env.FUZZ_PATH

describe('connection lifecycle, model-based', () => {
  it(
    `holds every invariant over ${runs} random sequences (seed ${seed})`,
    async () => {
      console.info(`lifecycle model: ${runs} sequences, seed ${seed}; replay with FUZZ_SEED=${seed}${path ? ` FUZZ_PATH=${path}` : ''}`)
      await fc.assert(
        fc.asyncProperty(scenario, (sc) => runScenario(sc)),
        { numRuns: runs, seed, ...(path ? { path } : {}), endOnFailure: false, verbose: 1 }
      )
      const edges = Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}→${to}`))
      console.info(
        `lifecycle model covered: ${coverage.sequences} sequences (shrinking included), ${coverage.steps} steps, ` +
          `${coverage.behaviours.size} distinct server behaviours, ${coverage.events} events recorded, ` +
          `transitions ${[...coverage.transitions].sort().join(', ')}; protocols ${[...coverage.protocols].sort().join(', ')} ` +
          `against ${coverage.protocolBehaviours.size} protocol behaviours`
      )
      // The graph is not only obeyed but walked: every legal transition happened in these runs.
      if (runs >= 100) expect([...coverage.transitions].sort()).toEqual(edges.sort())
      if (runs >= 100) expect([...coverage.protocols].sort()).toEqual(['graphql', 'mqtt', 'signalr', 'socketio', 'stomp'])
    },
    Math.max(600_000, runs * 2000)
  )
})
