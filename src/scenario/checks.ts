/**
 * The checks a scenario passes before it runs (parse.ts calls them): variables defined, saved profiles there,
 * regular expressions, field expressions and codec chains that compile. Each failure goes to `fail` with the place
 * in the document, which says it as a ScenarioInputError with the line and column.
 */
import { compileFieldExpr } from '../shared/fieldExpr'
import { parseChain } from '../shared/codecs/types'
import type { ScenarioDocument } from './document'
import type { ProfileLookup } from './connectionOptions'
import { placeName, type DocPath } from './schemaCheck'

export type Fail = (message: string, path: DocPath) => never

type Raw = Record<string, unknown>

/** `{{name}}` anywhere in text; `$`-names are the dynamic ones (src/shared/variables.ts). */
const VAR = /\{\{\s*(\$?[\w.-]+)\s*\}\}/g

export function extractedNames(steps: Raw[]): string[] {
  return steps.flatMap((s) => {
    const extract = s.extract as Raw | undefined
    const repeat = s.repeat as Raw | undefined
    return [...(extract ? [String(extract.into)] : []), ...(repeat ? extractedNames(repeat.steps as Raw[]) : [])]
  })
}

/** Every `{{name}}` used must be defined somewhere: env, --env/--env-file, an extract step, or a dynamic `$` one. */
export function checkVariables(yaml: ScenarioDocument, known: Set<string>, fail: Fail): void {
  for (const under of [['connections'], ['steps']]) {
    for (const { path, value } of yaml.strings(under)) {
      for (const m of value.matchAll(VAR)) {
        if (m[1].startsWith('$') || known.has(m[1])) continue
        fail(
          `${placeName(path)} uses {{${m[1]}}}, which is defined nowhere: add it to the file's env, pass it with --var NAME=VALUE, --env NAME or --env-file FILE, or set it with an extract step before this one.`,
          path
        )
      }
    }
  }
}

export function checkProfile(name: string, profiles: ProfileLookup | undefined, path: DocPath, fail: Fail): void {
  if (!profiles)
    return fail(`${placeName(path)} names the saved profile "${name}", but no data folder was given to read profiles from.`, path)
  let names: string[]
  try {
    if (profiles.find(name)) return
    names = profiles.names()
  } catch (e) {
    return fail(`${placeName(path)} names the saved profile "${name}", but ${(e as Error).message}`, path)
  }
  fail(
    `${placeName(path)} names the saved profile "${name}", which ${profiles.where} does not have. ${
      names.length ? `Its profiles: ${names.map((n) => `"${n}"`).join(', ')}.` : 'It has no profiles.'
    } Choose another data folder with --data-dir, or fix the name.`,
    path
  )
}

export function readRegex(fail: Fail, source: string, at: DocPath): RegExp {
  // `/…/flags` for flags; otherwise the whole text is the pattern.
  const slashed = /^\/(.*)\/([dgimsuvy]*)$/s.exec(source)
  try {
    return slashed ? new RegExp(slashed[1], slashed[2].replace(/[gy]/g, '')) : new RegExp(source)
  } catch (e) {
    return fail(`${placeName(at)} is not a valid regular expression: ${(e as Error).message}.`, at)
  }
}

/** Checks a field expression (`$.type == "ack"`) as written; throws where it is with the expression's own sentence. */
export function checkFieldExpr(fail: Fail, source: string, at: DocPath, shown = source): void {
  try {
    // Variables are filled in when the step runs; any JSON value stands in for them here.
    compileFieldExpr(source.replace(VAR, '0'))
  } catch (e) {
    const message = (e as Error).message.replace(/^The field filter "[^"]*"/, `The field expression "${shown}"`)
    fail(`${placeName(at)}: ${message}`, at)
  }
}

export function readChain(fail: Fail, text: string, at: DocPath): string[] {
  try {
    return parseChain(text)
  } catch (e) {
    return fail(`${placeName(at)}: ${(e as Error).message}`, at)
  }
}

/** How many capturing groups a regular expression has (an empty alternative makes it match ''). */
export function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`).exec('')!.length - 1
}
