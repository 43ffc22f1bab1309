/** `{{name}}` variables from the active environment, resolved before connect or send; never sent literally. */
import type { KeyValue } from './options'

const VAR = /\{\{\s*([\w.-]+)\s*\}\}/g

export function variableMap(vars: KeyValue[] | undefined): Map<string, string> {
  return new Map((vars ?? []).filter((v) => v.enabled !== false && v.name).map((v) => [v.name, v.value]))
}

export function resolveText(text: string, vars: Map<string, string>, missing: Set<string>): string {
  return text.replace(VAR, (whole, name: string) => {
    const v = vars.get(name)
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
  const names = missing.map((m) => `{{${m}}}`).join(', ')
  return `${where} uses ${names}, which the active environment does not define. Choose an environment that has ${missing.length > 1 ? 'them' : 'it'}, or define ${missing.length > 1 ? 'them' : 'it'}.`
}
