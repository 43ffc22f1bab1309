/**
 * Protobuf without a schema: the wire format read as it is (https://protobuf.dev/programming-guides/encoding/).
 * A message is a run of records `tag = (field_number << 3) | wire_type`, then the value: VARINT (0), I64 (1),
 * LEN (2), SGROUP/EGROUP (3, 4; deprecated groups), I32 (5). Without the schema a LEN value could be a string, bytes
 * or a nested message: it is shown as a nested message when it parses wholly as one, as text when it is printable
 * UTF-8, and as bytes otherwise. Fields are keyed `#n`; a field seen more than once becomes an array.
 */
import { CodecError } from './types'

const utf8 = new TextDecoder('utf-8', { fatal: true })
const MAX_DEPTH = 32

export function decodeProtobufWire(bytes: Uint8Array): Record<string, unknown> {
  return message(bytes, 0, 0, true)
}

function message(b: Uint8Array, base: number, depth: number, strict: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  let at = 0
  const fail = (why: string): never => {
    throw new CodecError(`not valid Protobuf at byte ${base + at}: ${why}`, base + at)
  }
  while (at < b.length) {
    const start = at
    const [tag, afterTag] = varint(b, at) ?? fail('the data ends inside a field tag')
    at = afterTag
    const field = Number(tag >> 3n)
    const wire = Number(tag & 7n)
    if (field < 1 || field > 536_870_911) {
      at = start
      fail(`field number ${field} is out of range (1 to 2^29-1)`)
    }
    let value: unknown
    if (wire === 0) {
      const [v, next] = varint(b, at) ?? fail('the data ends inside a varint')
      value = v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
      at = next
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4
      if (at + n > b.length) fail(`the data ends inside a ${n * 8}-bit value`)
      const dv = new DataView(b.buffer, b.byteOffset + at, n)
      value = n === 4 ? dv.getUint32(0, true) : wide(dv.getBigUint64(0, true))
      at += n
    } else if (wire === 2) {
      const [len, next] = varint(b, at) ?? fail('the data ends inside a length')
      if (len > BigInt(b.length - next)) fail(`a length of ${len} bytes runs past the end`)
      const body = b.subarray(next, next + Number(len))
      value = lengthDelimited(body, base + next, depth)
      at = next + Number(len)
    } else {
      at = start
      fail(wire === 3 || wire === 4 ? 'groups (wire types 3 and 4) are not supported' : `wire type ${wire} does not exist`)
    }
    const key = `#${field}`
    // Wire values are never arrays, so an array here is a field seen more than once.
    const had = out[key]
    if (had === undefined) out[key] = value
    else if (Array.isArray(had)) had.push(value)
    else out[key] = [had, value]
  }
  if (strict && at !== b.length) fail('trailing bytes')
  return out
}

function lengthDelimited(body: Uint8Array, base: number, depth: number): unknown {
  if (body.length && depth < MAX_DEPTH && plausibleMessage(body)) {
    try {
      return message(body, base, depth + 1, true)
    } catch {
      // not a message after all: text or bytes
    }
  }
  try {
    const text = utf8.decode(body)
    // eslint-disable-next-line no-control-regex
    if (!/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text)) return text
  } catch {
    // not UTF-8
  }
  return body.slice()
}

/** A first tag with a real wire type and field number: cheap to ask before trying a nested parse. */
function plausibleMessage(b: Uint8Array): boolean {
  const t = varint(b, 0)
  if (!t) return false
  const wire = Number(t[0] & 7n)
  return t[0] >> 3n >= 1n && (wire <= 2 || wire === 5)
}

/** A base-128 varint at `at`: its value and where the next byte is, or null when the data ends inside it. */
function varint(b: Uint8Array, at: number): [bigint, number] | null {
  let v = 0n
  for (let shift = 0n, i = at; i < b.length && shift < 70n; i++, shift += 7n) {
    v |= BigInt(b[i] & 0x7f) << shift
    if (!(b[i] & 0x80)) return [v & 0xffff_ffff_ffff_ffffn, i + 1]
  }
  return null
}

function wide(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
}
