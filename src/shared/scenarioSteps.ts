/** One step of a scenario run as it is reported (issue 18): by the runner, the command line and the app's Scenarios panel. */

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
  /** A failure: what was expected, in words. */
  expected?: string
  /** A failure: what happened instead, in words. */
  actual?: string
  /** A failure: the last messages seen on that connection, newest last, one line each (`↓ {"type":"hello"}`). */
  lastMessages?: string[]
  /** The `seq` of the events the step sent or matched, so the app can link a step to its rows. */
  seqs?: number[]
  /** Inside a `repeat`: which run of its block this is (1-based). */
  run?: number
}
