/**
 * Scenario runs started from the Scenarios panel (issue 18): run in the host on the scenario runner, polled by the
 * page, stoppable, stopped when the app quits. Each run keeps its connections' events (within a budget), so a step
 * links to its rows: the page opens them read-only, as it opens a recording. Electron-free.
 */
import { randomUUID } from 'node:crypto'
import { parseScenario, type ParseContext } from '../../scenario/parse'
import { bareMessage } from '../../scenario/problems'
import { runScenario } from '../../scenario/runner'
import { ScenarioInputError } from '../../scenario/types'
import type { ScenarioRunConnection, ScenarioRunLog, ScenarioRunState, ScenarioStep } from '../../shared/api'
import type { SockEvent } from '../../shared/events'

/** Finished runs kept for polling: a page that polls late still gets the end of its run, without runs piling up. */
const KEPT_RUNS = 20
/** Runs whose events are kept, newest: older ones keep their steps only. */
const RUNS_WITH_LOGS = 5
/** Payload bytes of events one run keeps; later events are counted, not kept. */
const LOG_BUDGET_BYTES = 16 * 1024 * 1024

interface RunLog {
  name: string
  url: string
  events: SockEvent[]
}

interface Run {
  steps: ScenarioStep[]
  done: boolean
  status?: 'passed' | 'failed'
  stopped?: boolean
  /** The step under way. */
  running?: { path: string; name: string }
  stop: AbortController
  finished: Promise<void>
  /** By connection id; `current` maps an `as:` name to its latest connection (a name may be connected again). */
  logs: Map<string, RunLog> | null
  current: Map<string, string>
  heldBytes: number
  notKept: number
}

const sizeOf = (e: SockEvent): number => (e.type === 'message' ? (typeof e.data === 'string' ? e.data.length * 2 : e.data.byteLength) : 200)

export class ScenarioRuns {
  private readonly runs = new Map<string, Run>()

  /** `parseContext`: what a scenario may refer to (the app's saved profiles, as held this session). */
  constructor(readonly parseContext: () => ParseContext) {}

  /** Starts a scenario's text (`file` names it in messages); a text that does not parse is refused with where and what. */
  start(text: string, file: string): { runId: string } {
    let scenario
    try {
      scenario = parseScenario(text, file, this.parseContext())
    } catch (e) {
      if (e instanceof ScenarioInputError)
        throw new Error(`${file} cannot run: ${e.line ? `line ${e.line}, column ${e.column ?? 1}: ` : ''}${bareMessage(e)}`, { cause: e })
      throw e
    }
    const runId = randomUUID()
    const stop = new AbortController()
    const run: Run = {
      steps: [],
      done: false,
      stop,
      finished: Promise.resolve(),
      logs: new Map(),
      current: new Map(),
      heldBytes: 0,
      notKept: 0
    }
    this.runs.set(runId, run)
    this.forgetOld()
    run.finished = runScenario(scenario, {
      ...this.parseContext(),
      interrupt: stop.signal,
      onEvent: (name, e) => this.keep(run, name, e),
      onProgress: (p) => {
        if (p.type === 'step-start') run.running = { path: p.path, name: p.name }
        if (p.type !== 'step') return
        run.running = undefined
        // The step's rows are on the connection its name stands for now (steps run one at a time).
        const id = p.result.connection ? run.current.get(p.result.connection) : undefined
        run.steps.push({ ...p.result, ...(id ? { connectionId: id } : {}) })
      }
    })
      .then((result) => {
        run.status = result.status
      })
      .catch((e: unknown) => {
        // The runner reports failures as steps; anything thrown is a bug, shown as a failed run rather than lost.
        run.steps.push({
          path: '-',
          name: 'the run stopped',
          kind: 'run',
          status: 'failed',
          durationMs: 0,
          actual: String((e as Error)?.message ?? e)
        })
        run.status = 'failed'
      })
      .finally(() => {
        run.done = true
      })
    return { runId }
  }

  private forgetOld(): void {
    while (this.runs.size > KEPT_RUNS) this.runs.delete(this.runs.keys().next().value as string)
    const ids = [...this.runs.keys()]
    for (const id of ids.slice(0, Math.max(0, ids.length - RUNS_WITH_LOGS))) this.runs.get(id)!.logs = null
  }

  private keep(run: Run, name: string, e: SockEvent): void {
    if (!run.logs) return
    let log = run.logs.get(e.id)
    if (!log) {
      log = { name, url: '', events: [] }
      run.logs.set(e.id, log)
      run.current.set(name, e.id)
    }
    if (e.type === 'handshake' && !log.url) log.url = e.url
    const size = sizeOf(e)
    if (run.heldBytes + size > LOG_BUDGET_BYTES) {
      run.notKept++
      return
    }
    run.heldBytes += size
    log.events.push(e)
  }

  /** A run's steps from index `since` on, and its connections; an unknown (or long-finished) run reads as done. */
  state(runId: string, since: number): ScenarioRunState {
    const run = this.runs.get(runId)
    if (!run) return { steps: [], done: true, connections: [] }
    const connections: ScenarioRunConnection[] = [...(run.logs?.entries() ?? [])].map(([id, l]) => ({ id, name: l.name, url: l.url }))
    return {
      steps: run.steps.slice(since),
      done: run.done,
      connections,
      ...(run.status ? { status: run.status } : {}),
      ...(run.running && !run.done ? { running: run.running } : {}),
      ...(run.stopped ? { stopped: true } : {})
    }
  }

  /** One connection's events in a run, for the page to show read-only; notes say what was not kept. */
  log(runId: string, connectionId: string): ScenarioRunLog {
    const run = this.runs.get(runId)
    if (!run) throw new Error('That run is no longer kept (the panel keeps the latest 20): run the scenario again.')
    const log = run.logs?.get(connectionId)
    if (!log) throw new Error(`The events of that run are no longer kept (the latest ${RUNS_WITH_LOGS} runs keep theirs): run it again.`)
    const notes = run.notKept
      ? [`${run.notKept} later events of this run were not kept: a run keeps ${LOG_BUDGET_BYTES / 1024 / 1024} MiB of messages.`]
      : []
    return { name: log.name, url: log.url, events: log.events, notes }
  }

  /** Stops a run: the step under way fails saying so, the rest are skipped, its connections close. */
  async stop(runId: string, why = 'stopped from the Scenarios panel'): Promise<void> {
    const run = this.runs.get(runId)
    if (!run || run.done) return
    run.stopped = true
    run.stop.abort(why)
    await run.finished
  }

  /** At quit: every run still going is stopped and its connections closed. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.runs.keys()].map((id) => this.stop(id, 'stopped because Sockscope is quitting')))
  }
}
