/**
 * Decoded values as text: one line for a log row (`summarizeValue`), and JSON for copying (`toJsonText`), with the
 * leaves JSON has no word for written so that they read as what they are: bytes as `<bytes 16: 01 02 …>` in a row and
 * `{"$bytes": base64}` in JSON, big integers as `123n` / a decimal string, dates as ISO text, maps with non-string
 * keys as `Map{1: "a"}` / an array of [key, value] pairs.
 */
import { base64 } from '../wire'

export function summarizeValue(value: unknown, maxChars: number): string {
  const out: string[] = []
  let length = 0
  const put = (s: string): boolean => {
    out.push(s)
    length += s.length
    return length < maxChars
  }
  const walk = (v: unknown): boolean => {
    if (v === null || typeof v === 'boolean' || typeof v === 'number') return put(String(v))
    if (typeof v === 'bigint') return put(`${v}n`)
    if (typeof v === 'string') return put(JSON.stringify(v.length > maxChars ? v.slice(0, maxChars) : v))
    if (v instanceof Uint8Array) return put(bytesText(v))
    if (v instanceof Date) return put(isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString())
    if (Array.isArray(v))
      return seq(
        '[',
        ']',
        v.map((x) => [null, x] as const)
      )
    if (v instanceof Map) return seq('Map{', '}', [...v.entries()])
    if (typeof v === 'object') return seq('{', '}', Object.entries(v as object))
    return put(String(v))
  }
  const seq = (open: string, close: string, items: ReadonlyArray<readonly [unknown, unknown]>): boolean => {
    if (!put(open)) return false
    for (let i = 0; i < items.length; i++) {
      if (i && !put(',')) return false
      const [k, x] = items[i]
      if (k !== null && !(typeof k === 'string' ? put(`${JSON.stringify(k)}:`) : walk(k) && put(':'))) return false
      if (!walk(x)) return false
    }
    return put(close)
  }
  walk(value)
  const text = out.join('')
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text
}

/** Bytes as a row shows them: `<bytes 16: 01 02 … >`, the first 8 in hex. */
export function bytesText(b: Uint8Array): string {
  const shown = Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join(' ')
  return `<bytes ${b.length}${b.length ? `: ${shown}${b.length > 8 ? ' …' : ''}` : ''}>`
}

/** The decoded value as JSON text (2-space indent), for "Copy decoded" and the decoded tree. */
export function toJsonText(value: unknown, indent = 2): string {
  return JSON.stringify(toJsonValue(value), null, indent)
}

/** A JSON-compatible copy: the leaves above in their JSON form. */
export function toJsonValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'bigint')
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
    return v === undefined ? null : v
  }
  if (v instanceof Uint8Array) return { $bytes: base64.encode(v) }
  if (v instanceof Date) return isNaN(v.getTime()) ? null : v.toISOString()
  if (Array.isArray(v)) return v.map(toJsonValue)
  if (v instanceof Map) {
    const entries = [...v.entries()]
    return entries.every(([k]) => typeof k === 'string' || typeof k === 'number')
      ? Object.fromEntries(entries.map(([k, x]) => [String(k), toJsonValue(x)]))
      : entries.map(([k, x]) => [toJsonValue(k), toJsonValue(x)])
  }
  const o: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) o[k] = toJsonValue(x)
  return o
}
