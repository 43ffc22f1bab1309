/**
 * "New scenario from selection" (issue 18): messages picked in the log (or a recording) become a scenario that replays
 * the sends and expects the replies. Replies that are JSON are expected as subsets; their volatile members (ids,
 * timestamps, UUIDs, nonces) become `"{{*}}"` wildcards, and where a later send repeats such a value the reply gets an
 * `extract` and the send uses the variable. Pure (no Node, no DOM): the page and the command line share it.
 */
import { stringify } from 'yaml'
import { isVolatileName, isVolatileValue } from './volatile'

export interface SelectedMessage {
  dir: 'in' | 'out'
  kind: 'text' | 'binary'
  data: string | Uint8Array
}

export interface SelectionSource {
  /** The connection's URL as the user sees it (secrets masked), or a saved profile's name (preferred). */
  url: string
  profile?: string
  /** When the selection was taken, for the file's opening comment. */
  at: Date
}

/** A leaf that differs between runs, by the one rule the mock server uses too (./volatile.ts). */
export function isVolatile(name: string, value: unknown): boolean {
  if (value === null || typeof value === 'object') return false
  return isVolatileName(name) || isVolatileValue(value)
}

const hexOf = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
/** Text as it is; bytes as the runner's matchers read them: UTF-8 when valid, else hex (src/scenario/matchers.ts). */
function asText(m: SelectedMessage): string {
  if (typeof m.data === 'string') return m.data
  if (m.kind === 'text') return new TextDecoder().decode(m.data)
  try {
    return strictUtf8.decode(m.data)
  } catch {
    return hexOf(m.data)
  }
}

const json = (s: string): unknown => {
  try {
    const v = JSON.parse(s) as unknown
    return typeof v === 'object' && v !== null ? v : undefined
  } catch {
    return undefined
  }
}

interface Volatile {
  value: string | number | boolean
  path: string
  /** The variable it is extracted into, once a later send uses it. */
  variable?: string
}

/** Walks a reply: volatile leaves become wildcards and are noted with their `$.a.b[0]` path. */
function expectedShape(v: unknown, path: string, found: Volatile[], name = ''): unknown {
  if (Array.isArray(v)) return v.map((x, i) => expectedShape(x, `${path}[${i}]`, found))
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, expectedShape(x, /^[A-Za-z_]\w*$/.test(k) ? `${path}.${k}` : `${path}["${k}"]`, found, k)])
    )
  if (isVolatile(name, v)) {
    found.push({ value: v as string | number | boolean, path })
    return '{{*}}'
  }
  return v
}

/** A send's values that repeat a volatile value of an earlier reply become that reply's variable. */
function withVariables(v: unknown, earlier: Volatile[], names: Set<string>): unknown {
  if (Array.isArray(v)) return v.map((x) => withVariables(x, earlier, names))
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withVariables(x, earlier, names)]))
  const hit = [...earlier].reverse().find((e) => e.value === v && (typeof v !== 'string' || v.length > 3))
  if (!hit) return v
  if (!hit.variable) {
    const base = hit.path.replace(/.*[.[]/, '').replace(/\W/g, '') || 'value'
    let name = base
    for (let n = 2; names.has(name); n++) name = `${base}${n}`
    names.add(name)
    hit.variable = name
  }
  return `{{${hit.variable}}}`
}

type Step = Record<string, unknown>

export function scenarioFromSelection(messages: SelectedMessage[], source: SelectionSource): string {
  const steps: Step[] = [{ connect: source.profile ? { profile: source.profile } : { url: source.url } }]
  const volatiles: Volatile[] = []
  const names = new Set<string>()
  // The extract step goes right after the expect of the reply it reads; placed once a later send needs it.
  const extractsAfter = new Map<Volatile, Step[]>()
  for (const m of messages) {
    const text = asText(m)
    if (m.dir === 'out') {
      const value = m.kind === 'text' ? json(text) : undefined
      if (m.kind === 'binary') steps.push({ send: { binary: typeof m.data === 'string' ? m.data.replace(/\s+/g, '') : hexOf(m.data) } })
      else if (value !== undefined) steps.push({ send: { json: withVariables(value, volatiles, names) } })
      else steps.push({ send: text })
      continue
    }
    const value = m.kind === 'text' ? json(text) : undefined
    const found: Volatile[] = []
    const step: Step = value !== undefined ? { expect: { json: expectedShape(value, '$', found) } } : { expect: { equals: text } }
    steps.push(step)
    const after: Step[] = []
    for (const f of found) extractsAfter.set(f, after)
    volatiles.push(...found)
    steps.push({ __after: after })
  }
  // Lay the extracts out where they belong, now that the sends have said which ones they need.
  for (const v of volatiles) if (v.variable) extractsAfter.get(v)!.push({ extract: { path: v.path, into: v.variable } })
  const flat = steps.flatMap((s) => ('__after' in s ? (s.__after as Step[]) : [s]))
  const doc = { name: `Replay of ${source.profile ?? source.url}`, steps: flat }
  const note = [
    `# Made by Sockscope from ${messages.length} selected message${messages.length === 1 ? '' : 's'}, ${source.at.toISOString()}.`,
    '# Replies are expected as JSON subsets; "{{*}}" stands for a value that changes from run to run.',
    ''
  ].join('\n')
  return note + stringify(doc, { lineWidth: 0 })
}
