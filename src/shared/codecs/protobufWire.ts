/**
 * Protobuf without a schema: the wire format read as it is (https://protobuf.dev/programming-guides/encoding/).
 * A message is a run of records `tag = (field_number << 3) | wire_type`, then the value: VARINT (0), I64 (1),
 * LEN (2), SGROUP/EGROUP (3, 4; deprecated groups), I32 (5). Without the schema a LEN value could be a string, bytes
 * or a nested message: it is shown as a nested message when it parses wholly as one, as text when it is printable
 * UTF-8, and as bytes otherwise. Fields are keyed `#n`; a field seen more than once becomes an array. The wire type
 * shows in the value (a number is a VARINT; text, bytes or a message a LEN) except for the fixed-width ones, whose
 * keys say it: `#n·i64` (read as an unsigned 64-bit integer), `#n·i32` (unsigned 32-bit).
 * Varints are read as numbers (bigint only past 2^53), and the nested-message guess is a scan that allocates
 * nothing, so a wrong guess costs no exception.
 */
import { CodecError } from './types'

const utf8 = new TextDecoder('utf-8', { fatal: true })
const MAX_DEPTH = 32
const TWO_53 = 2 ** 53

export function decodeProtobufWire(bytes: Uint8Array): Record<string, unknown> {
  const bad = firstProblem(bytes, 0)
  if (bad) throw new CodecError(`not valid Protobuf at byte ${bad.at}: ${bad.why}`, bad.at)
  return message(bytes, 0)
}

/** Where a varint ends (the index after it), or -1 when the data ends inside it or it is longer than 10 bytes. */
function varintEnd(b: Uint8Array, at: number): number {
  for (let i = at; i < b.length && i < at + 10; i++) if (b[i] < 0x80) return i + 1
  return -1
}

/** A varint's value: a number when exact, else a bigint (its low 64 bits). */
function varintValue(b: Uint8Array, at: number, end: number): number | bigint {
  let v = 0
  let scale = 1
  for (let i = at; i < end; i++, scale *= 128) v += (b[i] & 0x7f) * scale
  if (v < TWO_53) return v
  let big = 0n
  for (let i = end - 1; i >= at; i--) big = (big << 7n) | BigInt(b[i] & 0x7f)
  return big & 0xffff_ffff_ffff_ffffn
}

/** A small varint (tags, lengths) as a number; lengths past 2^53 are impossible in a payload anyway. */
const smallVarint = (b: Uint8Array, at: number, end: number): number => {
  const v = varintValue(b, at, end)
  return typeof v === 'number' ? v : Number.MAX_SAFE_INTEGER
}

/** The first thing wrong with `b` as a message (absolute offset from `base`), or null when it parses wholly. */
function firstProblem(b: Uint8Array, base: number): { at: number; why: string } | null {
  let at = 0
  while (at < b.length) {
    const start = at
    const tagEnd = varintEnd(b, at)
    if (tagEnd < 0) return { at: base + at, why: 'the data ends inside a field tag' }
    const tag = smallVarint(b, at, tagEnd)
    const field = Math.floor(tag / 8)
    const wire = tag % 8
    if (field < 1 || field > 536_870_911) return { at: base + start, why: `field number ${field} is out of range (1 to 2^29-1)` }
    at = tagEnd
    if (wire === 0) {
      const end = varintEnd(b, at)
      if (end < 0) return { at: base + at, why: 'the data ends inside a varint' }
      at = end
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4
      if (at + n > b.length) return { at: base + at, why: `the data ends inside a ${n * 8}-bit value` }
      at += n
    } else if (wire === 2) {
      const end = varintEnd(b, at)
      if (end < 0) return { at: base + at, why: 'the data ends inside a length' }
      const len = smallVarint(b, at, end)
      if (len > b.length - end) return { at: base + at, why: `a length of ${len} bytes runs past the end` }
      at = end + len
    } else {
      return {
        at: base + start,
        why: wire === 3 || wire === 4 ? 'groups (wire types 3 and 4) are not supported' : `wire type ${wire} does not exist`
      }
    }
  }
  return null
}

/** Builds the fields of a message already known to parse. */
function message(b: Uint8Array, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  let at = 0
  while (at < b.length) {
    const tagEnd = varintEnd(b, at)
    const tag = smallVarint(b, at, tagEnd)
    const wire = tag % 8
    at = tagEnd
    let value: unknown
    if (wire === 0) {
      const end = varintEnd(b, at)
      value = varintValue(b, at, end)
      at = end
    } else if (wire === 5) {
      value = new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0, true)
      at += 4
    } else if (wire === 1) {
      const v = new DataView(b.buffer, b.byteOffset + at, 8).getBigUint64(0, true)
      value = v < BigInt(TWO_53) ? Number(v) : v
      at += 8
    } else {
      const end = varintEnd(b, at)
      const len = smallVarint(b, at, end)
      value = lengthDelimited(b.subarray(end, end + len), depth)
      at = end + len
    }
    // Wire values are never arrays, so an array here is a field seen more than once.
    const key = `#${Math.floor(tag / 8)}${wire === 1 ? '·i64' : wire === 5 ? '·i32' : ''}`
    const had = out[key]
    if (had === undefined) out[key] = value
    else if (Array.isArray(had)) had.push(value)
    else out[key] = [had, value]
  }
  return out
}

function lengthDelimited(body: Uint8Array, depth: number): unknown {
  if (body.length && depth < MAX_DEPTH && !firstProblem(body, 0)) return message(body, depth + 1)
  if (!hasControlBytes(body)) {
    try {
      return utf8.decode(body)
    } catch {
      // not UTF-8: bytes
    }
  }
  return body.slice()
}

/** C0 controls other than tab, newline and carriage return, or DEL: not text a person wrote. */
function hasControlBytes(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true
  }
  return false
}
