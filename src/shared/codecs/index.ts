/**
 * Codec chains over a payload: decode step by step (`gzip → json`), encode for the composer, sniff the likely chain.
 * Every step's output is bounded by the limits, and a failing step says which, where and why.
 */
import { base64 } from '../wire'
import { compress, inflate, unbrotli } from './compression'
import { decodeProtobufWire } from './protobufWire'
import { decodeCbor, decodeMsgpack, encodeCbor, encodeMsgpack } from './structured'
import { decodeProto, encodeProto, type ProtoSchemaDoc } from './protobufSchema'
import {
  BYTE_STEPS,
  CodecError,
  DEFAULT_CODEC_LIMITS,
  protoTypeOf,
  stepName,
  type CodecLimits,
  type CodecStep,
  type DecodeResult
} from './types'

export * from './types'
export { sniffCodec, type Sniffed } from './sniff'
export { summarizeValue, toJsonText, toJsonValue } from './summary'
export { importProtoFiles, messageTypes, schemaTypes, type ProtoSchemaDoc } from './protobufSchema'

const utf8 = new TextDecoder('utf-8', { fatal: true })
const encoder = new TextEncoder()

/** `schema` is the connection's imported Protobuf schema, which `protobuf:Type` steps read. */
export function decodeChain(
  payload: Uint8Array | string,
  chain: CodecStep[],
  limits: CodecLimits = DEFAULT_CODEC_LIMITS,
  schema: ProtoSchemaDoc | null = null
): DecodeResult {
  let current: Uint8Array | string = payload
  for (let i = 0; i < chain.length; i++) {
    const step = chain[i]
    try {
      const out = decodeStep(step, current, limits, schema)
      if (i < chain.length - 1 && !BYTE_STEPS.has(step))
        throw new CodecError(`${stepName(step)} gives a value, so it must be the chain's last step`)
      if (i === chain.length - 1) return { ok: true, chain, value: out }
      current = out as Uint8Array
    } catch (e) {
      const err = e instanceof CodecError ? e : new CodecError(`not valid ${stepName(step)}: ${(e as Error).message}`)
      return { ok: false, chain, step, offset: err.offset, error: err.message }
    }
  }
  return { ok: true, chain, value: current }
}

function decodeStep(step: CodecStep, input: Uint8Array | string, limits: CodecLimits, schema: ProtoSchemaDoc | null): unknown {
  if (step === 'base64') return fromBase64(typeof input === 'string' ? input : latin1(input), limits)
  const bytes = typeof input === 'string' ? encoder.encode(input) : input
  const type = protoTypeOf(step)
  if (type) return decodeProto(bytes, schema, type)
  switch (step) {
    case 'gzip':
    case 'zlib':
    case 'deflate':
      return inflate(step, bytes, limits)
    case 'brotli':
      return unbrotli(bytes, limits)
    case 'utf8':
      return typeof input === 'string' ? input : text(bytes, 'UTF-8 text')
    case 'json':
      return parseJson(typeof input === 'string' ? input : text(bytes, 'JSON'))
    case 'msgpack':
      return decodeMsgpack(bytes)
    case 'cbor':
      return decodeCbor(bytes)
    case 'protobuf':
      return decodeProtobufWire(bytes)
  }
}

/** Encodes a value (JSON-like, as the composer parsed it) through the chain: a value step, then byte steps. */
export function encodeChain(value: unknown, chain: CodecStep[], schema: ProtoSchemaDoc | null = null): Uint8Array | string {
  if (!chain.length) throw new Error('The codec chain is empty.')
  // The chain is read back to front: the last step encodes the value, the ones before wrap its bytes.
  const last = chain[chain.length - 1]
  const type = protoTypeOf(last)
  let out: Uint8Array | string
  if (type) out = encodeProto(value, schema, type)
  else if (last === 'json') out = JSON.stringify(value)
  else if (last === 'msgpack') out = encodeMsgpack(value)
  else if (last === 'cbor') out = encodeCbor(value)
  else if (last === 'utf8') out = typeof value === 'string' ? value : JSON.stringify(value)
  else throw new Error(`${stepName(last)} cannot encode a value here: end the chain with json, msgpack, cbor or a Protobuf type.`)
  for (let i = chain.length - 2; i >= 0; i--) {
    const step = chain[i]
    const bytes = typeof out === 'string' ? encoder.encode(out) : out
    if (step === 'base64') out = base64.encode(bytes)
    else if (step === 'gzip' || step === 'zlib' || step === 'deflate') out = compress(step, bytes)
    else if (step === 'brotli') throw new Error('brotli is read only here: compress with gzip, zlib or deflate to send.')
    else throw new Error(`${stepName(step)} can only be the last step of a chain.`)
  }
  return out
}

function fromBase64(s: string, limits: CodecLimits): Uint8Array {
  // RFC 4648 §4 and §5: the standard and the URL-safe alphabet, padding optional, whitespace ignored.
  const clean = s.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/')
  const bad = /[^A-Za-z0-9+/=]/.exec(clean)
  if (bad) throw new CodecError(`not valid base64 at character ${bad.index}: "${bad[0]}" is not in the alphabet`, bad.index)
  if (clean.length % 4 === 1) throw new CodecError('not valid base64: its length leaves one character over')
  if ((clean.length * 3) / 4 > limits.maxOutputBytes) throw new CodecError('the decoded size passed the limit; the message was not decoded')
  return base64.decode(clean.replace(/=+$/, '').padEnd(Math.ceil(clean.replace(/=+$/, '').length / 4) * 4, '='))
}

function parseJson(t: string): unknown {
  try {
    return JSON.parse(t)
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message)
    throw new CodecError(`not valid JSON${at ? ` at character ${at[1]}` : ''}: ${(e as Error).message}`, at ? Number(at[1]) : null)
  }
}

function text(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new CodecError(`not valid ${what}: the bytes are not UTF-8`)
  }
}

function latin1(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000))
  return s
}
