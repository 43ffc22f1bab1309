/**
 * The Scenarios panel's host side (issue 18): scenario files kept in `<dataDir>/scenarios/`, checked as the user
 * types, and run in the host (the page polls each run's steps, as it polls a mock's log). Electron-free.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseScenario } from '../../scenario/parse'
import { runScenario } from '../../scenario/runner'
import type { ProfileLookup } from '../../scenario/connectionOptions'
import { ScenarioInputError, type StepResult } from '../../scenario/types'
import { writeFileSafely } from '../store/safeWrite'

/** A scenario's file name: letters, digits, spaces, dots, dashes and underscores, ending .yaml or .yml. */
export const SCENARIO_NAME = /^[\w .-]+\.ya?ml$/

/** Finished runs kept for polling: a page that polls late still gets the end of its run, without runs piling up. */
const KEPT_RUNS = 20

export interface ScenarioFileInfo {
  name: string
  modified: string
  size: number
}

export interface ScenarioProblem {
  line: number
  column: number
  message: string
}

interface Run {
  steps: StepResult[]
  done: boolean
  status?: 'passed' | 'failed'
}

/** The message of a ScenarioInputError without the "file:line:column: " the command line prints before it. */
function bare(e: ScenarioInputError): string {
  const prefix = e.line ? `${e.file}:${e.line}${e.column ? `:${e.column}` : ''}: ` : `${e.file}: `
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message
}

export class ScenarioFiles {
  private readonly runs = new Map<string, Run>()

  /** `profiles`: the app's saved profiles, for `connect: { profile: Name }` (their secrets as held this session). */
  constructor(
    private readonly dataDir: string,
    private readonly profiles?: () => ProfileLookup
  ) {}

  private context(): { profiles?: ProfileLookup } {
    return this.profiles ? { profiles: this.profiles() } : {}
  }

  private get folder(): string {
    return join(this.dataDir, 'scenarios')
  }

  /** The path of a scenario file; a name that could leave the folder is refused in words. */
  private pathOf(name: string): string {
    if (!SCENARIO_NAME.test(name) || name.startsWith('.'))
      throw new Error(
        `"${name}" is not a scenario file name: use letters, digits, spaces, dots, dashes or underscores, ending in .yaml or .yml.`
      )
    return join(this.folder, name)
  }

  async list(): Promise<ScenarioFileInfo[]> {
    let names: string[]
    try {
      names = await readdir(this.folder)
    } catch {
      // No folder yet: nothing saved so far (it is made on the first save).
      return []
    }
    const files = names.filter((n) => SCENARIO_NAME.test(n) && !n.startsWith('.')).sort((a, b) => a.localeCompare(b))
    const out: ScenarioFileInfo[] = []
    for (const name of files) {
      const s = await stat(join(this.folder, name)).catch(() => null)
      if (s?.isFile()) out.push({ name, modified: s.mtime.toISOString(), size: s.size })
    }
    return out
  }

  async read(name: string): Promise<string> {
    try {
      return await readFile(this.pathOf(name), 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`There is no scenario named ${name}.`, { cause: e })
      throw e
    }
  }

  async save(name: string, text: string): Promise<void> {
    const path = this.pathOf(name)
    await mkdir(this.folder, { recursive: true })
    // Safe write: a full disk or a crash mid-save never leaves a half-written scenario in place of the good one.
    writeFileSafely(path, text, { mode: 0o644 })
  }

  /** Where the text is not a runnable scenario: the first problem the parser finds, or none. */
  check(text: string): { problems: ScenarioProblem[] } {
    try {
      parseScenario(text, 'scenario', this.context())
      return { problems: [] }
    } catch (e) {
      if (!(e instanceof ScenarioInputError)) throw e
      return { problems: [{ line: e.line ?? 1, column: e.column ?? 1, message: bare(e) }] }
    }
  }

  /** Starts a saved scenario; a file that does not parse is refused with where and what is wrong. */
  async run(name: string): Promise<{ runId: string }> {
    const text = await this.read(name)
    let scenario
    try {
      scenario = parseScenario(text, name, this.context())
    } catch (e) {
      if (e instanceof ScenarioInputError)
        throw new Error(`${name} cannot run: ${e.line ? `line ${e.line}, column ${e.column ?? 1}: ` : ''}${bare(e)}`, { cause: e })
      throw e
    }
    const runId = randomUUID()
    const run: Run = { steps: [], done: false }
    this.runs.set(runId, run)
    while (this.runs.size > KEPT_RUNS) this.runs.delete(this.runs.keys().next().value as string)
    void runScenario(scenario, {
      ...this.context(),
      onProgress: (p) => {
        if (p.type === 'step') run.steps.push(p.result)
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

  /** A run's steps from index `since` on; an unknown (or long-finished) run reads as done with nothing more. */
  state(runId: string, since: number): { steps: StepResult[]; done: boolean; status?: 'passed' | 'failed' } {
    const run = this.runs.get(runId)
    if (!run) return { steps: [], done: true }
    return { steps: run.steps.slice(since), done: run.done, ...(run.status ? { status: run.status } : {}) }
  }
}
