/**
 * Scenarios in the contract (issue 18): one step of a run as it is reported (by the runner, the command line and the
 * app's Scenarios panel), and what the panel's methods in api.ts take and give.
 */
import type { SockEvent } from './events'

export type StepStatus = 'passed' | 'failed' | 'skipped'

export interface StepResult {
  /** Where the step is: "3", or "4.2" for the second step of the block of step 4 (a `repeat`), run by run. */
  path: string
  /** The step's own `name`, else a name made from it (`expect on alice: $.type == "ack"`). */
  name: string
  /** The step kind: connect, close, wait, send, expect, expect-none, expect-close, expect-pong, extract, repeat. */
  kind: string
  status: StepStatus
  durationMs: number
  /** The step's line in its file (1-based), for messages and editor links. */
  line?: number
  /** The connection it ran on (`as:` name). */
  connection?: string
  /** In the app: the id of that connection in the run, for the run's log (`scenarioRunLog`). */
  connectionId?: string
  /** A failure: what was expected, in words. */
  expected?: string
  /** A failure: what happened instead, in words. */
  actual?: string
  /** A failed `json:` or `equals:` match: what was expected and the message received, side by side, marked where they part. */
  diff?: StepDiff
  /** A failure: the last messages seen on that connection, newest last, one line each (`↓ {"type":"hello"}`). */
  lastMessages?: string[]
  /** The `seq` of the events the step sent or matched, so the app can link a step to its rows. */
  seqs?: number[]
  /** Inside a `repeat`: which run of its block this is (1-based). */
  run?: number
}

/** One side of a StepDiff: pretty-printed JSON or the text's lines; `mark` is the index in `lines` where it parts (-1: none). */
export interface StepDiffSide {
  lines: string[]
  mark: number
  /** False when this side has nothing at the path (or has fewer lines): `mark` is then the nearest line it has. */
  exact: boolean
  /** A text diff: where in the marked line the two first differ (a long line is shown as a window around it). */
  column?: number
  /** The index of `lines[0]` in the whole printout, and that printout's length (a long one is cut to a window). */
  from: number
  total: number
}

export interface StepDiff {
  /** `json`: the expected subset against the received value; `text`: an `equals:` text against the received text. */
  kind: 'json' | 'text'
  /** Where they part: a path in the value (`$.args[0].ok`), or in the text (`line 2, column 7`). */
  at: string
  expected: StepDiffSide
  received: StepDiffSide
}

export interface ScenarioProblem {
  line: number
  column: number
  message: string
}

/** A scenario file: in the data folder's scenarios/ (`folder` null), or a path inside a folder the user opened. */
export interface ScenarioRef {
  folder: string | null
  /** The file's name, or its path inside the opened folder with `/` between folders. */
  name: string
}

export interface ScenarioFileInfo {
  name: string
  modified: string
  size: number
}

export interface ScenarioFolder {
  /** null: the data folder's scenarios/. */
  path: string | null
  label: string
  files: ScenarioFileInfo[]
  /** Why the folder shows fewer files than it has, or none (it was moved away). */
  problem?: string
}

export interface ScenarioRunConnection {
  id: string
  /** The `as:` name in the scenario. */
  name: string
  url: string
}

export interface ScenarioRunState {
  steps: StepResult[]
  done: boolean
  status?: 'passed' | 'failed'
  /** The run was stopped (from the panel, or by quitting). */
  stopped?: boolean
  /** The step under way, while the run goes on. */
  running?: { path: string; name: string }
  connections: ScenarioRunConnection[]
}

export interface ScenarioRunLog {
  name: string
  url: string
  events: SockEvent[]
  notes: string[]
}
