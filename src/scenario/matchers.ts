/**
 * How a step matches a message: substring, whole text, regular expression, JSON subset, field expression
 * (src/shared/fieldExpr.ts), each after the payload is read as text or decoded through a codec chain. Pure.
 */
import { compileFieldExpr } from '../shared/fieldExpr'
import { decodeChain, parseChain, sniffCodec, toJsonValue } from '../shared/codecs'
import type { MessageMatch } from './format'
import { messageValue, withArticle, type ProtocolMessage } from './protocolViews'
import { childPath, jsonDiff } from './jsonDiff'
import { textDiff } from './textDiff'
import type { StepDiff } from '../shared/scenarioSteps'

/** A received (or sent) message as the runner keeps it. */
export interface Payload {
  kind: 'text' | 'binary'
  data: string | Uint8Array
}

/** In `json:`, this string matches any value (the member must still be there). */
export const ANY_VALUE = '{{*}}'

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

/** The text a matcher reads: text as it is; binary as UTF-8 when it is valid UTF-8, else hex. */
export function payloadText(p: Payload): string {
  if (typeof p.data === 'string') return p.data
  try {
    return strictUtf8.decode(p.data)
  } catch {
    return hex(p.data)
  }
}

/**
 * The value `json` and `match` compare with: through `codec` when given; text parsed as JSON; binary through the
 * codec it looks like (sniffCodec). An error says why it has none.
 */
export function payloadValue(p: Payload, codec?: string): { ok: true; value: unknown } | { ok: false; why: string } {
  if (codec) {
    const r = decodeChain(p.data, parseChain(codec))
    return r.ok ? { ok: true, value: r.value } : { ok: false, why: `it does not decode as ${codec}: ${r.error}` }
  }
  if (typeof p.data === 'string') {
    try {
      return { ok: true, value: JSON.parse(p.data) }
    } catch {
      return { ok: false, why: 'it is not JSON' }
    }
  }
  const sniffed = sniffCodec(p.data)
  if (!sniffed) {
    const text = payloadText(p)
    try {
      return { ok: true, value: JSON.parse(text) }
    } catch {
      return { ok: false, why: 'it is binary in no format Sockscope recognises; say which with codec:' }
    }
  }
  const r = decodeChain(p.data, sniffed.chain)
  return r.ok ? { ok: true, value: r.value } : { ok: false, why: `it looked like ${sniffed.chain.join(' → ')} but ${r.error}` }
}

/**
 * Where `actual` departs from the subset `expected`, or null when it contains it: objects need every member given
 * (more are fine), arrays the same length with each item a subset, other values equal. `"{{*}}"` accepts any value.
 */
export function jsonSubsetMismatch(expected: unknown, actual: unknown, at = '$'): string | null {
  return jsonSubsetMiss(expected, actual, at)?.why ?? null
}

/** jsonSubsetMismatch with the path where it parts (`at`) kept apart from the sentence (`why`, which names it too). */
export function jsonSubsetMiss(expected: unknown, actual: unknown, at = '$'): { at: string; why: string } | null {
  const miss = (why: string): { at: string; why: string } => ({ at, why: `${at} ${why}` })
  if (expected === ANY_VALUE) return null
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return miss(`should be a list, but is ${brief(actual)}`)
    if (actual.length !== expected.length) return miss(`should have ${expected.length} items, but has ${actual.length}`)
    for (let i = 0; i < expected.length; i++) {
      const r = jsonSubsetMiss(expected[i], actual[i], `${at}[${i}]`)
      if (r) return r
    }
    return null
  }
  if (expected !== null && typeof expected === 'object') {
    const obj = asObject(actual)
    if (!obj) return miss(`should be an object, but is ${brief(actual)}`)
    for (const [k, v] of Object.entries(expected)) {
      const child = childPath(at, k)
      if (!Object.hasOwn(obj, k)) return { at: child, why: `${child} is missing` }
      const r = jsonSubsetMiss(v, obj[k], child)
      if (r) return r
    }
    return null
  }
  const a = typeof actual === 'bigint' ? Number(actual) : actual
  return Object.is(a, expected) || a === expected ? null : miss(`should be ${brief(expected)}, but is ${brief(actual)}`)
}

function asObject(v: unknown): Record<string, unknown> | null {
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), x]))
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as Record<string, unknown>) : null
}

function brief(v: unknown): string {
  if (v === undefined) return 'missing'
  const s = JSON.stringify(toJsonValue(v)) ?? String(v)
  return s.length > 80 ? `${s.slice(0, 79)}…` : s
}

export interface CompiledMatch {
  /**
   * Null when the message matches; else why not, in words. `messages`: on a protocol connection, the protocol
   * messages the frame carries, which `json` and `match` read instead of the frame (one that holds is enough).
   */
  mismatch(p: Payload, messages?: ProtocolMessage[]): string | null
  /**
   * For a match with `equals:` or `json:` that a message misses (checked in that order, as `mismatch` does): the
   * expected text or subset and the message's, side by side.
   */
  diff(p: Payload, messages?: ProtocolMessage[]): StepDiff | null
  /** What is expected, in words: `a message containing "hi" and where $.type == "ack"`. */
  describe: string
}

type Value = ReturnType<typeof payloadValue>

/**
 * Compiles a match whose variables are already filled in. `decodeIn` is the connection's own chain for `in`;
 * `protocol` names the protocol of a connection that speaks one (`Socket.IO`), for the description.
 */
export function compileMatch(m: MessageMatch, decodeIn?: string, protocol?: string): CompiledMatch {
  const expr = m.match ? compileFieldExpr(m.match) : null
  const codec = m.codec ?? decodeIn
  const textChecks: Array<(text: string) => string | null> = []
  const valueChecks: Array<(value: unknown) => string | null> = []
  if (m.contains !== undefined) {
    const needle = m.contains
    textChecks.push((text) => (text.includes(needle) ? null : `it does not contain ${JSON.stringify(needle)}`))
  }
  if (m.equals !== undefined) {
    const whole = m.equals
    textChecks.push((text) => (text === whole ? null : `it is not exactly ${JSON.stringify(whole)}`))
  }
  if (m.regex) {
    const re = m.regex
    textChecks.push((text) => (re.test(text) ? null : `it does not match ${String(re)}`))
  }
  if (m.json !== undefined) {
    const expected = m.json
    valueChecks.push((value) => jsonSubsetMismatch(expected, value))
  }
  if (expr) valueChecks.push((value) => (expr.test(value) ? null : `${m.match} is not true of it`))
  const valueMismatch = (v: Value): string | null => {
    if (!v.ok) return v.why
    for (const check of valueChecks) {
      const why = check(v.value)
      if (why) return why
    }
    return null
  }
  return {
    describe: describeMatch(m, protocol),
    mismatch(p, messages) {
      if (textChecks.length) {
        const text = payloadText(p)
        for (const check of textChecks) {
          const why = check(text)
          if (why) return why
        }
      }
      if (!valueChecks.length) return null
      if (!messages?.length) return valueMismatch(payloadValue(p, codec))
      let first: string | null = null
      for (const x of messages) {
        const why = valueMismatch(messageValue(x, codec))
        if (why === null) return null
        first ??= why
      }
      return first
    },
    diff(p, messages) {
      if (m.equals !== undefined) {
        const text = payloadText(p)
        if (text !== m.equals) return textDiff(m.equals, text)
      }
      if (m.json === undefined) return null
      const values = messages?.length ? messages.map((x) => messageValue(x, codec)) : [payloadValue(p, codec)]
      for (const v of values) {
        const miss = v.ok ? jsonSubsetMiss(m.json, v.value) : null
        if (v.ok && miss) return jsonDiff(m.json, toJsonValue(v.value), miss.at)
      }
      return null
    }
  }
}

export function describeMatch(m: MessageMatch, protocol?: string): string {
  const parts = [
    m.contains !== undefined ? `containing ${JSON.stringify(m.contains)}` : '',
    m.equals !== undefined ? `equal to ${JSON.stringify(m.equals)}` : '',
    m.regex ? `matching ${String(m.regex)}` : '',
    m.json !== undefined ? `with the JSON ${brief(m.json)}` : '',
    m.match ? `where ${m.match}` : ''
  ].filter(Boolean)
  const through = m.codec ? ` (decoded as ${m.codec})` : ''
  const message = protocol ? `${protocol} message` : 'message'
  return parts.length ? `${withArticle(message)} ${parts.join(' and ')}${through}` : `any ${message}`
}

/** One line for a message in a failure report: `↓ {"type":"hello"}`, `↑ [binary 12 B] 0a0b…`. */
export function messageLine(dir: 'in' | 'out', p: Payload, max = 160): string {
  const arrow = dir === 'in' ? '↓' : '↑'
  let body: string
  if (typeof p.data === 'string') body = p.data
  else {
    const text = payloadText(p)
    body = `[binary ${p.data.length} B] ${text}`
  }
  // One line whatever the payload holds: line breaks shown as ⏎, other control characters as \xNN.
  body = body.replace(/[\r\n]+/g, '⏎').replace(/\p{Cc}/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  return `${arrow} ${body.length > max ? `${body.slice(0, max - 1)}…` : body}`
}

/**
 * The value at a path (`$.a.b[0]["x y"]`, the field expressions' grammar) in a decoded message, or `found: false`.
 * Objects, Maps (MessagePack, CBOR) and arrays.
 */
export function readPath(value: unknown, path: string): { found: true; value: unknown } | { found: false } {
  const re = /\.([^.[\]\s]+)|\[\s*(\d+)\s*\]|\[\s*("(?:[^"\\]|\\.)*")\s*\]/y
  re.lastIndex = 1
  let v = value
  for (let m = re.exec(path); m; m = re.exec(path)) {
    const step: string | number = m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]) as string))
    if (Array.isArray(v) && typeof step === 'number') {
      if (step >= v.length) return { found: false }
      v = v[step]
    } else if (v instanceof Map) {
      const key = [step, String(step), Number(step)].find((k) => (v as Map<unknown, unknown>).has(k))
      if (key === undefined) return { found: false }
      v = v.get(key)
    } else {
      const obj = asObject(v)
      if (!obj || !Object.hasOwn(obj, String(step))) return { found: false }
      v = obj[String(step)]
    }
    if (re.lastIndex === path.length) return { found: true, value: v }
  }
  return path === '$' ? { found: true, value } : { found: false }
}
