/**
 * What a scenario run reports (issue 18): per scenario file, per step. Shared by the runner (./runner.ts), the
 * command line's reporters (src/cli) and, later, the app's Scenarios panel. Electron-free.
 */

export type { StepResult, StepStatus } from '../shared/scenarioSteps'
import type { StepResult } from '../shared/scenarioSteps'

export interface ScenarioResult {
  file: string
  name: string
  status: 'passed' | 'failed'
  durationMs: number
  steps: StepResult[]
}

export interface RunResult {
  scenarios: ScenarioResult[]
  passed: number
  failed: number
  durationMs: number
}

/** Bad input: a file that is not a scenario. The command line exits 2 and says where and what is wrong. */
export class ScenarioInputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number
  ) {
    super(line ? `${file}:${line}${column ? `:${column}` : ''}: ${message}` : `${file}: ${message}`)
  }
}

export type RunProgress =
  | { type: 'scenario-start'; file: string; name: string }
  | { type: 'step-start'; file: string; path: string; name: string }
  | { type: 'step'; file: string; result: StepResult }
  | { type: 'scenario-end'; result: ScenarioResult }
