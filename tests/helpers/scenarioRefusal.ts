/** The error a scenario's text is refused with, for the tests of its messages; a text that parses fails the test. */
import { parseScenario, type ParseContext } from '../../src/scenario/parse'
import { ScenarioInputError } from '../../src/scenario/types'

export function refusal(text: string, ctx: ParseContext = {}): ScenarioInputError {
  try {
    parseScenario(text, 'bad.yaml', ctx)
  } catch (e) {
    if (e instanceof ScenarioInputError) return e
    throw e
  }
  throw new Error('the scenario was accepted')
}
