/**
 * `{{name}}` variables from the active environment, resolved before connect or send; never sent literally. Names that
 * start with `$` are dynamic: a fresh value at each resolution (`{{$uuid}}`), or one the caller gives (`{{$counter}}`
 * is the Repeat run's count).
 */
import type { KeyValue } from './options'

const VAR = /\{\{\s*(\$?[\w.-]+)\s*\}\}/g

/** The dynamic variables every `{{…}}` knows, as the field's tools name them (Postman, Insomnia, Bruno). */
export const DYNAMIC_VARIABLES: Record<string, { describe: string; value: () => string }> = {
  $timestamp: { describe: 'Unix time in seconds', value: () => String(Math.floor(Date.now() / 1000)) },
  $isoTimestamp: { describe: 'the time now, ISO 8601 (UTC)', value: () => new Date().toISOString() },
  $uuid: { describe: 'a random UUID (v4)', value: () => globalThis.crypto.randomUUID() },
  $randomInt: { describe: 'a random whole number from 0 to 1000', value: () => String(Math.floor(Math.random() * 1001)) }
}

/** Given by the caller, not made up: `$counter` is the count of a Repeat run (1, 2, 3…). */
export const COUNTER = '$counter'

export function variableMap(vars: KeyValue[] | undefined): Map<string, string> {
  return new Map((vars ?? []).filter((v) => v.enabled !== false && v.name).map((v) => [v.name, v.value]))
}

export function resolveText(text: string, vars: Map<string, string>, missing: Set<string>): string {
  return text.replace(VAR, (whole, name: string) => {
    const v = vars.get(name) ?? DYNAMIC_VARIABLES[name]?.value()
    if (v === undefined) {
      missing.add(name)
      return whole
    }
    return v
  })
}

/** Resolves every string inside `value` (deeply). `missing` lists the names no variable answered. */
export function resolveDeep<T>(value: T, vars: Map<string, string>): { value: T; missing: string[] } {
  const missing = new Set<string>()
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return resolveText(v, vars, missing)
    if (Array.isArray(v)) return v.map(walk)
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
    return v
  }
  return { value: walk(value) as T, missing: [...missing] }
}

export function unresolvedMessage(missing: string[], where: string): string {
  if (missing.includes(COUNTER))
    return `${where} uses {{$counter}}, which counts the sends of a Repeat run: send it with Repeat…, or use another variable.`
  const names = missing.map((m) => `{{${m}}}`).join(', ')
  return `${where} uses ${names}, which the active environment does not define. Choose an environment that has ${missing.length > 1 ? 'them' : 'it'}, or define ${missing.length > 1 ? 'them' : 'it'}.`
}
