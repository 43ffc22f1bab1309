/**
 * How the mock server (mock.ts) tells whether a client's message is "the same" as one in the recording, ignoring
 * the values that differ on every run, and how it carries the client's new values into the recorded replies.
 *
 * The rule, for `--match content` (and for the "differs" notes of `--match order`):
 * - Binary messages are equal when their bytes are.
 * - JSON text (or text that is a prefix followed by JSON, such as Socket.IO's `42["event",{…}]`) is compared as a
 *   tree: the same member names, arrays of the same length, and equal values, except that a volatile value only
 *   needs the same JSON type on both sides (a number for a number, a string for a string). A value is volatile
 *   when its member name says it is an id or a time (`id`, `uuid`, `nonce`, `seq`, `ts`, `time`, `timestamp`,
 *   `date`, `token`, or a name ending in `Id`, `_id`, `At`, `_at`, `Ts`, `Time`, `Timestamp`, `Date`), or when the value
 *   itself looks like one: a UUID, an ISO 8601 date-time, 16 or more hex digits, or an epoch time (a number or a
 *   string of digits between 10^9 and 10^10 seconds, or 10^12 and 10^13 ms).
 * - Other text is equal when it is once UUIDs, ISO date-times, hex runs of 16+ and digit runs of 10+ are masked.
 *
 * Carrying over: when a recorded client message had `"id": 1` and the client now sends `"id": 7`, the replies that
 * followed it in the recording have their volatile values equal to 1 replaced by 7 (JSON values at volatile places
 * only, so a `"count": 1` stays 1); in text replies, volatile strings (UUIDs, hex, date-times) are replaced wherever
 * they appear. A client that correlates replies by its own request id therefore gets replies it recognises.
 */

import { isVolatileName, isVolatileValue } from './volatile'
import { childPath } from './jsonDiff'

export { isVolatileName, isVolatileValue } from './volatile'

export type Payload = string | Uint8Array

/** Recorded value → the value the live client used instead. */
export type Carry = Map<string | number, string | number>

export interface Comparison {
  equal: boolean
  /** Why not, in words: the first place they differ. */
  why?: string
  /** The volatile values the client changed (collected even when the messages differ elsewhere). */
  carry: Carry
}

/** Masks for text that is not JSON: the same shapes as volatile values, found anywhere in the text. */
const TEXT_MASKS: Array<[RegExp, string]> = [
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '\u0000uuid'],
  [/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g, '\u0000time'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{16,}\b/gi, '\u0000hex'],
  [/\d{10,}/g, '\u0000digits']
]

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)

/** Text as a prefix and the JSON value that ends it (the whole text when it is JSON), or null. */
export function splitJson(text: string): { prefix: string; value: unknown } | null {
  const at = text.search(/[[{]/)
  if (at < 0 || at > 32) return null
  try {
    return { prefix: text.slice(0, at), value: JSON.parse(text.slice(at)) as unknown }
  } catch {
    return null
  }
}

export function maskText(text: string): string {
  return TEXT_MASKS.reduce((t, [re, mask]) => t.replace(re, mask), text)
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 60 ? `${s.slice(0, 57)}…` : s
}

/**
 * Walks both trees to the end: the first difference is the answer, and the volatile values are collected all the
 * same (an order-mode message that differs is still answered, with the client's ids carried over).
 */
function compareTrees(r: unknown, l: unknown, path: string, name: string | number | undefined, carry: Carry): string | null {
  const rt = typeOf(r)
  const lt = typeOf(l)
  if (rt !== 'object' && rt !== 'array' && (isVolatileName(name) || isVolatileValue(r))) {
    if (rt !== lt) return `at ${path}: the recording has a ${rt} (${show(r)}), the client sent a ${lt} (${show(l)})`
    if (r !== l && (typeof r === 'string' || typeof r === 'number')) carry.set(r, l as string | number)
    return null
  }
  if (rt !== lt) return `at ${path}: the recording has ${show(r)}, the client sent ${show(l)}`
  let first: string | null = null
  const step = (why: string | null): void => void (first ??= why)
  if (rt === 'array') {
    const ra = r as unknown[]
    const la = l as unknown[]
    if (ra.length !== la.length) step(`at ${path}: the recording has ${ra.length} items, the client sent ${la.length}`)
    for (let i = 0; i < Math.min(ra.length, la.length); i++) step(compareTrees(ra[i], la[i], `${path}[${i}]`, i, carry))
    return first
  }
  if (rt === 'object') {
    const ro = r as Record<string, unknown>
    const lo = l as Record<string, unknown>
    for (const k of Object.keys(ro)) if (!(k in lo)) step(`at ${path}: the client's message has no "${k}"`)
    for (const k of Object.keys(lo)) if (!(k in ro)) step(`at ${path}: the client's message has "${k}", which the recording does not`)
    for (const k of Object.keys(ro)) {
      if (k in lo) step(compareTrees(ro[k], lo[k], childPath(path, k), k, carry))
    }
    return first
  }
  return r === l ? null : `at ${path}: the recording has ${show(r)}, the client sent ${show(l)}`
}

/** Whether `live` is the recorded message `recorded`, by the rule above, and which volatile values it changed. */
export function compareMessages(recorded: Payload, live: Payload): Comparison {
  const carry: Carry = new Map()
  if (typeof recorded !== 'string' || typeof live !== 'string') {
    if (typeof recorded === 'string' || typeof live === 'string') {
      return { equal: false, why: `the recording has a ${typeof recorded === 'string' ? 'text' : 'binary'} message here`, carry }
    }
    const same = recorded.byteLength === live.byteLength && Buffer.from(recorded).equals(Buffer.from(live))
    return same ? { equal: true, carry } : { equal: false, why: 'the bytes differ', carry }
  }
  const r = splitJson(recorded)
  const l = r && splitJson(live)
  if (r && l && maskText(r.prefix) === maskText(l.prefix)) {
    const why = compareTrees(r.value, l.value, '$', undefined, carry)
    return why ? { equal: false, why, carry } : { equal: true, carry }
  }
  if (maskText(recorded) === maskText(live)) {
    carryText(recorded, live, carry)
    return { equal: true, carry }
  }
  return { equal: false, why: `the recording has ${show(recorded)}`, carry }
}

/** In text that matched once masked, the masked pieces pair up in order: the recorded one maps to the live one. */
function carryText(recorded: string, live: string, carry: Carry): void {
  const pieces = (t: string): string[] => TEXT_MASKS.flatMap(([re]) => t.match(re) ?? [])
  const rp = pieces(recorded)
  const lp = pieces(live)
  rp.forEach((p, i) => lp[i] !== undefined && p !== lp[i] && carry.set(p, lp[i]))
}

/** A recorded reply with the client's new volatile values put in (see the rule above). */
export function carryOver(reply: Payload, carry: Carry): Payload {
  if (!carry.size || typeof reply !== 'string') return reply
  const parsed = splitJson(reply)
  if (parsed) {
    let changed = false
    const walk = (v: unknown, name: string | number | undefined): unknown => {
      if (Array.isArray(v)) return v.map((x, i) => walk(x, i))
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]))
      if ((typeof v === 'string' || typeof v === 'number') && carry.has(v) && (isVolatileName(name) || isVolatileValue(v))) {
        changed = true
        return carry.get(v)
      }
      return v
    }
    const value = walk(parsed.value, undefined)
    // Untouched replies go out byte for byte as recorded (their spacing and key order kept).
    return changed ? parsed.prefix + JSON.stringify(value) : reply
  }
  let out = reply
  for (const [from, to] of carry)
    if (typeof from === 'string' && isVolatileValue(from) && from.length >= 8) out = out.split(from).join(String(to))
  return out
}

/** One line of a message for the log: text cut at `max` characters, binary as its size. */
export function preview(p: Payload, max = 120): string {
  if (typeof p !== 'string') return `[binary, ${p.byteLength} bytes]`
  const one = p.replace(/\r?\n/g, '⏎')
  return one.length > max ? `${one.slice(0, max - 1)}…` : one
}
