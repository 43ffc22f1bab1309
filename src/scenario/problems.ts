/**
 * Everything wrong with a scenario's text, for the app's editor (issue 18): a YAML that cannot be read says where;
 * otherwise every place that does not fit the schema, in document order; once it fits, the first problem the full
 * parse finds (variables, profiles, expressions). The command line stops at the first (parse.ts); an editor shows all.
 */
import { readYaml } from './document'
import { parseScenario, type ParseContext } from './parse'
import { schemaProblems } from './schemaCheck'
import { ScenarioInputError } from './types'

export interface TextProblem {
  line: number
  column: number
  message: string
}

/** The message of a ScenarioInputError without the "file:line:column: " the command line prints before it. */
export function bareMessage(e: ScenarioInputError): string {
  const prefix = e.line ? `${e.file}:${e.line}${e.column ? `:${e.column}` : ''}: ` : `${e.file}: `
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message
}

const fromError = (e: ScenarioInputError): TextProblem => ({ line: e.line ?? 1, column: e.column ?? 1, message: bareMessage(e) })

export function scenarioProblems(text: string, file: string, ctx: ParseContext = {}): TextProblem[] {
  try {
    const yaml = readYaml(text, file)
    if (yaml.value && typeof yaml.value === 'object' && !Array.isArray(yaml.value)) {
      const found = schemaProblems(yaml.value, (p) => yaml.sourceText(p)).map((p) => {
        const at = yaml.locate(p.docPath)
        return { line: at?.line ?? 1, column: at?.column ?? 1, message: p.message }
      })
      if (found.length) return found.sort((a, b) => a.line - b.line || a.column - b.column)
    }
    parseScenario(text, file, ctx)
    return []
  } catch (e) {
    if (e instanceof ScenarioInputError) return [fromError(e)]
    throw e
  }
}
