/**
 * MessagePack (msgpackr) and CBOR (cbor-x), decoded whole and strictly: trailing bytes are an error, so a sniff
 * that "decodes" the first value of random bytes does not count. Maps come back as `Map` and become plain objects
 * when all their keys are strings; a map with other keys (numbers, byte strings) stays a `Map`, as the tree shows it.
 * Integers past 2^53 stay exact as bigint.
 */
import { Packr, Unpackr } from 'msgpackr'
import { Decoder, Encoder } from 'cbor-x'
import { CodecError } from './types'

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false, int64AsType: 'bigint', moreTypes: true })
const packr = new Packr({ useRecords: false, int64AsType: 'bigint', moreTypes: true, variableMapSize: true })
const cborDecoder = new Decoder({ useRecords: false, mapsAsObjects: false, int64AsNumber: false } as never)
const cborEncoder = new Encoder({ useRecords: false, tagUint8Array: false } as never)

export function decodeMsgpack(bytes: Uint8Array): unknown {
  return whole('MessagePack', bytes, (b) => unpackr.unpackMultiple(b) as unknown[])
}

export function decodeCbor(bytes: Uint8Array): unknown {
  return whole('CBOR', bytes, (b) => cborDecoder.decodeMultiple(b) as unknown[])
}

export function encodeMsgpack(value: unknown): Uint8Array {
  return plainBytes(packr.pack(value))
}

export function encodeCbor(value: unknown): Uint8Array {
  return plainBytes(cborEncoder.encode(value))
}

/** Decodes every value in `bytes`: exactly one is a payload; more mean the bytes are something else. */
function whole(name: string, bytes: Uint8Array, decodeAll: (b: Uint8Array) => unknown[]): unknown {
  if (!bytes.length) throw new CodecError(`not valid ${name}: the payload is empty`, 0)
  let values: unknown[]
  try {
    values = decodeAll(bytes)
  } catch (e) {
    const err = e as Error & { incomplete?: boolean; lastPosition?: number; position?: number }
    const at = err.incomplete ? bytes.length : (err.lastPosition ?? err.position ?? null)
    const why = err.incomplete ? 'the data ends in the middle of a value' : err.message.replace(/\.$/, '')
    throw new CodecError(`not valid ${name}${at === null ? '' : ` at byte ${at}`}: ${why}`, at)
  }
  if (values.length !== 1) throw new CodecError(`not valid ${name}: the payload holds ${values.length} values, not one`, null)
  return normalize(values[0])
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** Maps with only string keys as objects, Node's Buffer as a plain Uint8Array (so Node and the page agree), safe bigints as numbers. */
export function normalize(v: unknown): unknown {
  // A 64-bit integer that a double holds exactly is a number (RFC 8949 Appendix A lists 1000000000000 as one).
  if (typeof v === 'bigint') return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v
  if (v === null || typeof v !== 'object') return v
  if (v instanceof Uint8Array) return plainBytes(v)
  if (v instanceof Date) return v
  if (Array.isArray(v)) return v.map(normalize)
  if (v instanceof Map) {
    const entries = [...v.entries()].map(([k, x]) => [normalize(k), normalize(x)] as const)
    if (entries.every(([k]) => typeof k === 'string')) {
      const o: Record<string, unknown> = {}
      for (const [k, x] of entries) o[k as string] = x
      return o
    }
    return new Map(entries)
  }
  const o: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) o[k] = normalize(x)
  return o
}

function plainBytes(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}
