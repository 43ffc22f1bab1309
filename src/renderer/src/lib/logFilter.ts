/**
 * Filtering a message log: a filter compiled once into bit masks and a text test, and the index of matching
 * rows kept current as rows come and go. Setting a filter scans the held rows newest first, in slices, so the
 * rows at the end (where the view usually is) show first and a million rows never block the page for long.
 */
import { toHex } from './format'
import { BINARY, DIRS, KINDS, TEXT, dirBits, kindBits, type LogRows } from './logRows'
import { describeFrame, type ProtocolKind } from '../../../shared/protocols'
import { textOf } from './textBytes'
import type { EntryDir, EntryKind } from '../stores/messageLog'
import { bytesMayMatch, compileFieldExpr, looksLikeFieldExpr, mustContain, type FieldExpr } from '../../../shared/fieldExpr'
import { decodeChain, parseChain, sniffCodec, type CodecStep, type ProtoSchemaDoc } from '../../../shared/codecs'
import type { DecodeSetup } from './decodeSetup'

export interface FilterSpec {
  text: string
  caseSensitive: boolean
  dirs: Set<EntryDir>
  kinds: Set<EntryKind>
  /** The connection's decode settings per direction: a field expression reads payloads through a pinned chain. */
  decode?: { in: DecodeSetup; out: DecodeSetup }
  /** Hide the keep-alive of the protocol the connection speaks (pings, heart-beats, PINGREQ). */
  hideKeepAlive?: { protocol: ProtocolKind; subprotocol: string | null }
}

/** A direction's pinned chain, parsed, with the schema its Protobuf steps read. */
interface PinnedDecode {
  chain: CodecStep[]
  schema: ProtoSchemaDoc | null
}

export interface Matcher {
  /** One bit per direction / kind code that passes. */
  dirs: number
  kinds: number
  test: ((s: string) => boolean) | null
  /** Could a binary payload's hex text (`de ad be ef`) match? If not, it is never formatted. */
  hex: boolean
  /** A field expression (`$.type == "trade"`) tested on the decoded payload instead of the text. */
  field: FieldExpr | null
  /** Per direction (in, out): the chain the connection pins, which a field expression decodes through. */
  pinned?: [PinnedDecode | null, PinnedDecode | null]
  /** Is this message payload the protocol's keep-alive? Such rows are hidden. */
  keepAlive?: (frame: string | Uint8Array) => boolean
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const mask = <T>(all: T[], on: Set<T>): number => all.reduce((m, x, i) => (on.has(x) ? m | (1 << i) : m), 0)

/** Builds the filter; `/.../flags` is a regular expression, anything else a substring. Throws on a bad regex. */
export function compileFilter(spec: FilterSpec): Matcher | null {
  const dirs = mask(DIRS, spec.dirs)
  const kinds = mask(KINDS, spec.kinds)
  const text = spec.text
  const hide = spec.hideKeepAlive?.protocol !== 'raw' ? spec.hideKeepAlive : undefined
  const keepAlive = hide && { keepAlive: (d: string | Uint8Array) => !!describeFrame(hide.protocol, d, hide.subprotocol)?.keepAlive }
  if (!text && dirs === 7 && kinds === 255 && !keepAlive) return null
  if (looksLikeFieldExpr(text)) {
    const pin = (s: DecodeSetup | undefined): PinnedDecode | null => (s?.pinned ? { chain: parseChain(s.pinned), schema: s.schema } : null)
    const pinned: Matcher['pinned'] = [pin(spec.decode?.in), pin(spec.decode?.out)]
    return { dirs, kinds, test: null, hex: false, field: compileFieldExpr(text), pinned, ...keepAlive }
  }
  const rx = /^\/(.+)\/([a-z]*)$/.exec(text)
  let test: ((s: string) => boolean) | null = null
  if (rx) {
    const re = new RegExp(rx[1], rx[2].replace(/[gy]/g, '') + (spec.caseSensitive || rx[2].includes('i') ? '' : 'i'))
    test = (s) => re.test(s)
  } else if (text && spec.caseSensitive) {
    test = (s) => s.includes(text)
  } else if (text) {
    // A case-insensitive literal regex scans several times faster than lower-casing every payload.
    const re = new RegExp(escapeRegExp(text), 'i')
    test = (s) => re.test(s)
  }
  // Hex text is lower-case hex digits, spaces and a final ellipsis: a literal with anything else cannot match it.
  const hex = !!rx || !text || (spec.caseSensitive ? /^[0-9a-f …]+$/ : /^[0-9a-f …]+$/i).test(text)
  return { dirs, kinds, test, hex, field: null, ...keepAlive }
}

/**
 * Does one row pass? Binary payloads are matched by their hex (first 256 bytes), as the row shows them; text that
 * came as bytes is decoded for the test and not kept (see textBytes.ts).
 */
export function rowMatches(m: Matcher, f: number, d: string | Uint8Array | undefined): boolean {
  if (!((m.dirs >> dirBits(f)) & 1) || !((m.kinds >> kindBits(f)) & 1)) return false
  if (m.keepAlive && d !== undefined && kindBits(f) <= BINARY && m.keepAlive(kindBits(f) === TEXT && typeof d !== 'string' ? textOf(d) : d))
    return false
  if (m.field) {
    const pinned = m.pinned?.[dirBits(f)] ?? null
    return d !== undefined && (pinned ? pinnedMatches(m.field, pinned, d) : fieldMatches(m.field, kindBits(f) === TEXT, d))
  }
  if (!m.test) return true
  if (typeof d === 'string') return m.test(d)
  if (d === undefined) return false
  if (kindBits(f) === TEXT) return m.test(textOf(d))
  return m.hex && m.test(toHex(d, 256))
}

/** Binary payloads up to this size are decoded for a field filter; bigger ones never match one. */
const FIELD_DECODE_MAX = 64 * 1024
const FIELD_LIMITS = { maxOutputBytes: 1024 * 1024 }

/** A field expression on a payload: JSON text parsed (after a cheap test of its member names), binary decoded. */
function fieldMatches(expr: FieldExpr, text: boolean, d: string | Uint8Array): boolean {
  if (typeof d === 'string' || text) {
    const t = typeof d === 'string' ? d : textOf(d)
    // `{` or `[` after any whitespace: anything else is not a JSON document.
    let i = 0
    while (i < t.length && t.charCodeAt(i) <= 0x20) i++
    const c = t.charCodeAt(i)
    if ((c !== 0x7b && c !== 0x5b) || !mustContain(expr, t)) return false
    try {
      return expr.test(JSON.parse(t))
    } catch {
      return false
    }
  }
  if (d.byteLength > FIELD_DECODE_MAX || !bytesMayMatch(expr, d)) return false
  // A log is usually one encoding throughout: try the chain that decoded the last row before sniffing again.
  const last = lastChain.get(expr)
  let r = last ? decodeChain(d, last, FIELD_LIMITS) : null
  if (!r?.ok) {
    const sniffed = sniffCodec(d)
    r = sniffed && decodeChain(d, sniffed.chain, FIELD_LIMITS)
    if (r?.ok) lastChain.set(expr, r.chain)
  }
  return !!r && r.ok && expr.test(r.value)
}
const lastChain = new WeakMap<FieldExpr, CodecStep[]>()

/** A field expression on a payload of a direction whose chain the connection pins: decoded through that chain. */
function pinnedMatches(expr: FieldExpr, pinned: PinnedDecode, d: string | Uint8Array): boolean {
  if ((typeof d === 'string' ? d.length : d.byteLength) > FIELD_DECODE_MAX) return false
  // The raw-bytes test knows MessagePack's maps only: a Protobuf payload, say, never holds its field names.
  if (typeof d !== 'string' && pinned.chain.length === 1 && pinned.chain[0] === 'msgpack' && !bytesMayMatch(expr, d)) return false
  const r = decodeChain(d, pinned.chain, FIELD_LIMITS, pinned.schema)
  return r.ok && expr.test(r.value)
}

/** Rows tested between two looks at the clock. */
const CHUNK = 4096

/**
 * The absolute indices of matching rows. While a scan runs, the older part found so far is in `found` (newest
 * first) and rows pushed since the scan began are in `newer`; once it is done, everything is in `newer`, oldest
 * first.
 */
export class MatchIndex {
  matcher: Matcher | null = null
  private found: number[] = []
  private newer: number[] = []
  private head = 0
  /** The next row the scan tests, going down; below `rows.first` the scan is done. */
  private next = -1
  scanning = false

  start(m: Matcher | null, rows: LogRows): void {
    this.matcher = m
    this.found = []
    this.newer = []
    this.head = 0
    this.next = rows.end - 1
    this.scanning = m !== null
  }

  /** Scans for up to `sliceMs`; true once the whole log is scanned. */
  step(rows: LogRows, sliceMs: number): boolean {
    const m = this.matcher
    if (!this.scanning || !m) return true
    const t0 = performance.now()
    const { flags, data, capacity } = rows
    const found = this.found
    let a = this.next
    let p = a >= rows.first ? a % capacity : 0
    while (a >= rows.first) {
      const stop = Math.max(rows.first, a - CHUNK)
      for (; a >= stop; a--) {
        if (rowMatches(m, flags[p], data[p])) found.push(a)
        p = p === 0 ? capacity - 1 : p - 1
      }
      if (performance.now() - t0 >= sliceMs) break
    }
    this.next = a
    if (a < rows.first) this.finish()
    return !this.scanning
  }

  private finish(): void {
    this.newer = this.found.reverse().concat(this.head ? this.newer.slice(this.head) : this.newer)
    this.found = []
    this.head = 0
    this.scanning = false
  }

  /** A row was pushed. */
  pushed(rows: LogRows, abs: number): void {
    const p = abs % rows.capacity
    if (this.matcher && rowMatches(this.matcher, rows.flags[p], rows.data[p])) this.newer.push(abs)
  }

  /** Rows below `first` are gone. */
  trim(first: number): void {
    if (!this.matcher) return
    const f = this.found
    while (f.length && f[f.length - 1] < first) f.pop()
    if (this.scanning && this.next < first) this.finish()
    const n = this.newer
    while (this.head < n.length && n[this.head] < first) this.head++
    if (this.head > 4096 && this.head > n.length / 2) {
      this.newer = n.slice(this.head)
      this.head = 0
    }
  }

  get length(): number {
    return this.found.length + this.newer.length - this.head
  }

  abs(i: number): number {
    const f = this.found
    return i < f.length ? f[f.length - 1 - i] : this.newer[this.head + i - f.length]
  }
}
