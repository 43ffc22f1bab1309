/**
 * Runs scenarios (parse.ts reads them): steps in order on fresh connections, the first failure ending the scenario
 * and the steps after it reported as skipped; every connection is closed at the end, pass or fail. Electron-free:
 * the command line (src/cli/run.ts) and, later, the app's Scenarios panel both run scenarios through here.
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { REPEAT_DETAIL_RUNS, formatDuration, type RepeatStep, type Scenario, type Step } from './format'
import { parseScenario, type ParseContext } from './parse'
import { ConnectionPool, type RunEventObserver } from './live'
import { runStep, type StepContext } from './steps'
import { stepTitle } from './titles'
import { RunVariables, StepFailure } from './variables'
import type { ProfileLookup } from './connectionOptions'
import { ScenarioInputError, type RunProgress, type RunResult, type ScenarioResult, type StepResult } from './types'

export interface RunOptions {
  /** Variables from --env or --env-file (over the file's `env`). */
  vars?: Record<string, string>
  profiles?: ProfileLookup
  /** Stop after the first scenario that fails. */
  bail?: boolean
  onProgress?: (p: RunProgress) => void
  /**
   * Ctrl+C, or Stop in the app: the step under way fails at once, the rest are skipped, and no further scenario
   * starts. A string `reason` says who stopped it, in the failed step's words.
   */
  interrupt?: AbortSignal
  /** Sees every event of the run's connections (the app keeps them so a step links to its rows). */
  onEvent?: RunEventObserver
}

export async function runScenario(scenario: Scenario, opts: RunOptions = {}): Promise<ScenarioResult> {
  const started = performance.now()
  const emit = opts.onProgress ?? (() => undefined)
  emit({ type: 'scenario-start', file: scenario.file, name: scenario.name })
  const pool = new ConnectionPool(opts.interrupt, opts.onEvent)
  const ctx: StepContext = {
    ...(opts.interrupt ? { interrupt: opts.interrupt } : {}),
    scenario,
    pool,
    vars: new RunVariables({ ...scenario.env, ...opts.vars }),
    ...(opts.profiles ? { profiles: opts.profiles } : {})
  }
  const results: StepResult[] = []
  const sink: ResultSink = {
    add(r) {
      results.push(r)
      emit({ type: 'step', file: scenario.file, result: r })
    },
    reserve: (r) => results.push(r),
    done: (r) => emit({ type: 'step', file: scenario.file, result: r }),
    starting: (path, name) => emit({ type: 'step-start', file: scenario.file, path, name })
  }
  // Whatever happens, the connections are closed before the result is told.
  const ok = await runBlock(scenario.steps, ctx, sink, undefined).finally(() => pool.shutdown())
  const result: ScenarioResult = {
    file: scenario.file,
    name: scenario.name,
    status: ok ? 'passed' : 'failed',
    durationMs: performance.now() - started,
    steps: results
  }
  emit({ type: 'scenario-end', result })
  return result
}

/**
 * Where step results go: `add` reports one now; a repeat `reserve`s its place before its block's results (so the
 * list reads in order) and reports itself with `done` when its runs are over.
 */
interface ResultSink {
  add(r: StepResult): void
  reserve(r: StepResult): void
  done(r: StepResult): void
  /** A step is under way (the app shows it as running). */
  starting(path: string, name: string): void
}

/** Runs steps in order; after a failure the rest are reported as skipped. True when all passed. */
async function runBlock(steps: Step[], ctx: StepContext, sink: ResultSink, run: number | undefined): Promise<boolean> {
  const report = (r: StepResult): void => sink.add(r)
  let failed = false
  for (const step of steps) {
    const base = { path: step.path, name: stepTitle(step), kind: step.kind, line: step.line, ...(run !== undefined ? { run } : {}) }
    const on = 'on' in step ? { connection: step.on } : step.kind === 'connect' ? { connection: step.as } : {}
    if (failed || ctx.interrupt?.aborted) {
      failed = true
      report({ ...base, ...on, status: 'skipped', durationMs: 0 })
      continue
    }
    if (step.kind === 'repeat') {
      failed = !(await runRepeat(step, base, ctx, sink))
      continue
    }
    const started = performance.now()
    sink.starting(step.path, base.name)
    try {
      const outcome = await runStep(step, ctx)
      report({ ...base, ...on, status: 'passed', durationMs: performance.now() - started, ...(outcome.seqs ? { seqs: outcome.seqs } : {}) })
    } catch (e) {
      failed = true
      const f =
        e instanceof StepFailure
          ? e
          : new StepFailure('the step to run', `Sockscope failed inside it: ${(e as Error).message ?? String(e)}`)
      const conn = 'on' in step ? ctx.pool.get(step.on) : step.kind === 'connect' ? ctx.pool.get(step.as) : undefined
      report({
        ...base,
        ...on,
        status: 'failed',
        durationMs: performance.now() - started,
        expected: f.expected,
        actual: f.actual,
        ...(f.diff ? { diff: f.diff } : {}),
        ...(conn ? { lastMessages: [...conn.recent] } : {})
      })
    }
  }
  return !failed
}

/**
 * Runs a repeat's block `times` times or until `for` has passed (at least once). The steps of the first
 * REPEAT_DETAIL_RUNS runs are reported; after that only a failing run's, so a long `for:` does not flood the report.
 */
async function runRepeat(
  step: RepeatStep,
  base: Omit<StepResult, 'status' | 'durationMs'>,
  ctx: StepContext,
  sink: ResultSink
): Promise<boolean> {
  const started = performance.now()
  const own: StepResult = { ...base, status: 'passed', durationMs: 0 }
  sink.reserve(own)
  let runs = 0
  let ok = true
  while (ok && (step.times !== undefined ? runs < step.times : runs === 0 || performance.now() - started < (step.forMs ?? 0))) {
    runs++
    ctx.vars.setCounter(runs)
    const held: StepResult[] = []
    const holding: ResultSink = { add: (r) => held.push(r), reserve: (r) => held.push(r), done: () => undefined, starting: sink.starting }
    ok = await runBlock(step.steps, ctx, runs <= REPEAT_DETAIL_RUNS ? sink : holding, runs)
    if (!ok) held.forEach((r) => sink.add(r))
    // A block of steps that never wait (extract only) must still let the sockets' events in.
    await new Promise((r) => setImmediate(r))
  }
  ctx.vars.setCounter(undefined)
  own.durationMs = performance.now() - started
  own.name = `${own.name} (${runs} run${runs === 1 ? '' : 's'}${runs > REPEAT_DETAIL_RUNS ? `, steps shown for the first ${REPEAT_DETAIL_RUNS}${ok ? '' : ' and the failing one'}` : ''})`
  if (!ok) {
    own.status = 'failed'
    own.expected = step.times !== undefined ? `all ${step.times} runs to pass` : `every run for ${formatDuration(step.forMs ?? 0)} to pass`
    own.actual = `run ${runs} failed`
  }
  sink.done(own)
  return ok
}

export async function runScenarios(scenarios: Scenario[], opts: RunOptions = {}): Promise<RunResult> {
  const started = performance.now()
  const results: ScenarioResult[] = []
  for (const s of scenarios) {
    const r = await runScenario(s, opts)
    results.push(r)
    if ((opts.bail && r.status === 'failed') || opts.interrupt?.aborted) break
  }
  return {
    scenarios: results,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    durationMs: performance.now() - started
  }
}

/**
 * The scenario files named: files as they are, folders searched (with their subfolders) for *.yaml and *.yml, in
 * name order. Paths are given back relative to `cwd` when inside it, as reports show them.
 */
export async function findScenarioFiles(inputs: string[], cwd: string): Promise<string[]> {
  const out: string[] = []
  for (const input of inputs) {
    const full = resolve(cwd, input)
    const info = await stat(full).catch(() => null)
    if (!info) throw new ScenarioInputError('no such file or folder; check the path (it is read from the current folder).', input)
    if (info.isDirectory()) {
      const found = (await listYaml(full)).sort()
      if (!found.length) throw new ScenarioInputError('this folder holds no scenario files (*.yaml, *.yml).', input)
      out.push(...found)
    } else out.push(full)
  }
  return [...new Set(out)].map((f) => {
    const rel = relative(cwd, f)
    return rel && !rel.startsWith('..') ? rel : f
  })
}

async function listYaml(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map(async (e) => {
      const p = join(dir, e.name)
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') return listYaml(p)
      return e.isFile() && /\.ya?ml$/i.test(e.name) ? [p] : []
    })
  )
  return nested.flat()
}

/** Reads and checks every file before any runs: one bad file is bad input, and nothing is half run. */
export async function loadScenarios(
  files: string[],
  cwd: string,
  ctx: ParseContext
): Promise<{ scenarios: Scenario[]; errors: ScenarioInputError[] }> {
  const scenarios: Scenario[] = []
  const errors: ScenarioInputError[] = []
  for (const file of files) {
    try {
      const text = await readFile(resolve(cwd, file), 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw new ScenarioInputError(`cannot be read: ${e.code === 'EISDIR' ? 'it is a folder' : e.message}`, file)
      })
      scenarios.push(parseScenario(text, file, ctx))
    } catch (e) {
      if (e instanceof ScenarioInputError) errors.push(e)
      else throw e
    }
  }
  return { scenarios, errors }
}
