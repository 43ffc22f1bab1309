/**
 * The variables of one scenario run: the file's `env`, then --env/--env-file, then what `extract` steps keep, and
 * the dynamic `{{$…}}` ones of src/shared/variables.ts (`{{$counter}}` is the run of the innermost repeat).
 */
import { COUNTER, resolveText } from '../shared/variables'
import { ANY_VALUE } from './matchers'
import type { StepDiff } from '../shared/scenarioSteps'

/** A step cannot go on; the runner reports it as the step's failure. */
export class StepFailure extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
    /** A failed `json:` match, side by side. */
    readonly diff?: StepDiff
  ) {
    super(`${expected}: ${actual}`)
  }
}

const ONLY_VAR = /^\{\{\s*([\w.-]+)\s*\}\}$/

export class RunVariables {
  private readonly text = new Map<string, string>()
  /** Extracted values as they were (a number stays a number when `"{{id}}"` is the whole of a JSON string). */
  private readonly typed = new Map<string, unknown>()

  constructor(initial: Record<string, string>) {
    for (const [k, v] of Object.entries(initial)) this.text.set(k, v)
  }

  set(name: string, value: unknown): void {
    this.typed.set(name, value)
    this.text.set(name, typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)))
  }

  setCounter(run: number | undefined): void {
    if (run === undefined) this.text.delete(COUNTER)
    else this.text.set(COUNTER, String(run))
  }

  /** Fills in `text`; a name nothing defines fails the step (`where` says what used it). */
  fill(text: string, where: string): string {
    const missing = new Set<string>()
    const out = resolveText(text, this.text, missing)
    if (missing.size) throw this.undefinedFailure([...missing], where)
    return out
  }

  /** Fills in every string inside a JSON value; `"{{name}}"` alone becomes the extracted value with its type. */
  fillJson(value: unknown, where: string): unknown {
    if (typeof value === 'string') {
      if (value === ANY_VALUE) return value
      const only = ONLY_VAR.exec(value)
      if (only && this.typed.has(only[1])) return this.typed.get(only[1])
      return this.fill(value, where)
    }
    if (Array.isArray(value)) return value.map((v) => this.fillJson(v, where))
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.fillJson(v, where)]))
    return value
  }

  private undefinedFailure(missing: string[], where: string): StepFailure {
    const names = missing.map((m) => `{{${m}}}`).join(', ')
    const why = missing.includes(COUNTER)
      ? '{{$counter}} counts the runs of a repeat, and this step is not inside one'
      : `no env value, --env/--env-file variable or earlier extract defines ${missing.length > 1 ? 'them' : 'it'} at this point`
    return new StepFailure(`${where} with every variable defined`, `it uses ${names}, but ${why}`)
  }
}
