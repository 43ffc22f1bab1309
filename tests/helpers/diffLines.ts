/** What the command line prints under a failed step for its diff (the lines after where, expected and actual). */
import { failureLines } from '../../src/cli/reporters'
import type { ScenarioResult } from '../../src/scenario/types'
import type { StepDiff } from '../../src/shared/scenarioSteps'

export function diffLines(diff: StepDiff): string[] {
  const result = { file: 'chat.yaml', name: 'chat' } as ScenarioResult
  const step = {
    path: '2',
    name: 'expect on main',
    kind: 'expect',
    status: 'failed',
    durationMs: 3,
    expected: 'x',
    actual: 'y',
    diff
  } as const
  return failureLines(result, step).slice(3)
}
