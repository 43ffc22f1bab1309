/**
 * `{{variables}}` as the composer and the URL field show them (issue 18): one wording for defined, not defined and
 * dynamic names, where they sit in a text, and which names complete a `{{partial`. Pure, so both editors say the same.
 */
import { COUNTER, DYNAMIC_VARIABLES } from '../../../shared/variables'

/** What a secret variable's value shows as, wherever a value would be shown (the environments editor masks it too). */
export const SECRET_MASK = '••••••'

/** Values are long sometimes (a token): a hint shows the start. */
export const shownValue = (v: string): string => (v.length > 80 ? `${v.slice(0, 79)}…` : v)

export interface VariableWords {
  /** Names whose value is secret: shown as SECRET_MASK. */
  secrets?: ReadonlySet<string>
  /** When a dynamic value is made: at each send (composer) or at each connect (URL). */
  madeAt?: 'send' | 'connect'
  /** `{{$counter}}` has a value here (the composer's Repeat run); elsewhere it is reported as having none. */
  counter?: boolean
}

export function describeVariable(name: string, vars: Map<string, string>, words: VariableWords = {}): { known: boolean; title: string } {
  const { secrets, madeAt = 'send', counter = true } = words
  const v = vars.get(name)
  if (v !== undefined) return { known: true, title: `${name} = ${secrets?.has(name) ? SECRET_MASK : shownValue(v)}` }
  if (DYNAMIC_VARIABLES[name]) return { known: true, title: `${name}: ${DYNAMIC_VARIABLES[name].describe}, made at each ${madeAt}` }
  if (name === COUNTER)
    return counter
      ? { known: true, title: `${name}: the count of a Repeat run (1, 2, 3…)` }
      : { known: false, title: `${name} counts the sends of a Repeat run: it has no value here` }
  return { known: false, title: `${name} is not defined in the active environment: it would not be sent` }
}

/** The same pattern as src/shared/variables.ts resolves, so what is marked is what would be replaced. */
const VARIABLE = /\{\{\s*(\$?[\w.-]+)\s*\}\}/g

/** A text cut into plain runs and `{{name}}` runs, in order; joined, the pieces give the text back. */
export interface TextPiece {
  text: string
  /** The variable's name for a `{{name}}` run, null for plain text. */
  name: string | null
  from: number
}

export function variablePieces(text: string): TextPiece[] {
  const pieces: TextPiece[] = []
  let at = 0
  for (const m of text.matchAll(VARIABLE)) {
    if (m.index > at) pieces.push({ text: text.slice(at, m.index), name: null, from: at })
    pieces.push({ text: m[0], name: m[1], from: m.index })
    at = m.index + m[0].length
  }
  if (at < text.length) pieces.push({ text: text.slice(at), name: null, from: at })
  return pieces
}

/** The `{{partial` just before the caret, if any: `from` is where the name starts (what a completion replaces). */
export function completionAt(text: string, caret: number): { from: number; partial: string } | null {
  const m = /\{\{\s*(\$?[\w.-]*)$/.exec(text.slice(0, caret))
  return m ? { from: caret - m[1].length, partial: m[1] } : null
}

export interface VariableChoice {
  name: string
  /** The value (masked when secret) or what a dynamic variable makes. */
  detail: string
}

/** The defined names, then the dynamic ones, that hold `partial` (any case); those that start with it come first. */
export function variableChoices(partial: string, vars: Map<string, string>, words: VariableWords = {}): VariableChoice[] {
  const all: VariableChoice[] = [
    ...[...vars.keys()].map((name) => ({ name, detail: words.secrets?.has(name) ? SECRET_MASK : shownValue(vars.get(name) ?? '') })),
    ...Object.entries(DYNAMIC_VARIABLES).map(([name, d]) => ({ name, detail: d.describe })),
    ...(words.counter === false ? [] : [{ name: COUNTER, detail: 'the count of a Repeat run' }])
  ]
  const want = partial.toLowerCase()
  const matching = all.filter((c) => c.name.toLowerCase().includes(want))
  const starts = (c: VariableChoice): boolean => c.name.toLowerCase().startsWith(want) || c.name.toLowerCase().startsWith(`$${want}`)
  return [...matching.filter(starts), ...matching.filter((c) => !starts(c))]
}

/**
 * The text once `name` is chosen at `from` with the caret at `caret`: the partial becomes `name}}`, and a name and
 * `}}` already after the caret (completing inside `{{ho|st}}`) are replaced rather than doubled.
 */
export function acceptChoice(text: string, from: number, caret: number, name: string): { text: string; caret: number } {
  const rest = /^[$\w.-]*\s*\}\}/.exec(text.slice(caret))?.[0].length ?? 0
  const inserted = `${name}}}`
  return { text: text.slice(0, from) + inserted + text.slice(caret + rest), caret: from + inserted.length }
}
