/**
 * Which chain a payload probably needs, from its first bytes and the negotiated subprotocol, and how sure that is.
 * Magic numbers are certain (gzip), headers with a checksum likely (zlib), and self-delimiting formats are only
 * believed when they decode the whole payload (MessagePack, CBOR, Protobuf).
 */
import { base64 } from '../wire'
import { inflate, isZlibHeader } from './compression'
import { decodeCbor, decodeMsgpack } from './structured'
import { decodeProtobufWire } from './protobufWire'
import type { CodecLimits, CodecStep } from './types'

export interface Sniffed {
  chain: CodecStep[]
  confidence: 'certain' | 'likely' | 'guess'
  why: string
}

/** Subprotocol names (RFC 6455 §1.9, registered or customary) that say what every message is. */
const BY_SUBPROTOCOL: Array<[RegExp, CodecStep]> = [
  [/(^|[.\-_/])(msgpack|messagepack)($|[.\-_/])/i, 'msgpack'],
  [/(^|[.\-_/])cbor($|[.\-_/])/i, 'cbor'],
  [/(^|[.\-_/])(protobuf|proto)($|[.\-_/])/i, 'protobuf'],
  [/(^|[.\-_/])json($|[.\-_/])/i, 'json']
]

/** Sniffing decodes at most this much (a log row asks for its preview; the detail pane decodes whole). */
const SNIFF_LIMITS: CodecLimits = { maxOutputBytes: 4 * 1024 * 1024 }
/**
 * Payloads up to this size are tried whole (a sniff runs on the UI thread); bigger ones are judged by their first
 * bytes only, and the user picks the rest of the chain.
 */
export const SNIFF_DECODE_MAX = 64 * 1024

export function sniffCodec(payload: Uint8Array | string, subprotocol?: string | null): Sniffed | null {
  if (subprotocol) {
    const hit = BY_SUBPROTOCOL.find(([re]) => re.test(subprotocol))
    if (hit) return { chain: [hit[1]], confidence: 'certain', why: `the subprotocol "${subprotocol}" says ${hit[1]}` }
  }
  if (typeof payload === 'string') return sniffText(payload)
  return sniffBytes(payload, 0)
}

function sniffText(text: string): Sniffed | null {
  if (text.length > (SNIFF_DECODE_MAX * 4) / 3 + 16) return null
  const t = text.trim()
  if (looksJson(t)) return null // plain JSON text is the JSON view's, not a codec's
  // RFC 4648 §4 (base64) and §5 (base64url): only when what it decodes to is itself recognisable.
  if (t.length >= 8 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(t) && t.length % 4 !== 1) {
    let bytes: Uint8Array
    try {
      bytes = base64.decode(t.replace(/-/g, '+').replace(/_/g, '/'))
    } catch {
      return null
    }
    const inner = sniffBytes(bytes, 1)
    if (inner) return { chain: ['base64', ...inner.chain], confidence: 'likely', why: `base64 text; inside, ${inner.why}` }
  }
  return null
}

function sniffBytes(b: Uint8Array, depth: number): Sniffed | null {
  if (b.length < 2) return null
  if (b.length > SNIFF_DECODE_MAX) return sniffHead(b)
  // RFC 1952 §2.3.1: ID1 ID2 = 1f 8b, CM = 8.
  if (b[0] === 0x1f && b[1] === 0x8b) return compressed('gzip', b, depth, 'certain', 'gzip magic bytes 1f 8b')
  if (isZlibHeader(b)) return compressed('zlib', b, depth, 'likely', 'a zlib header (RFC 1950)')
  if (looksJson(textStart(b))) {
    try {
      JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b))
      return { chain: ['json'], confidence: 'certain', why: 'UTF-8 JSON' }
    } catch {
      // not JSON after all
    }
  }
  // RFC 8949 §3.4.6: tag 55799 (d9 d9 f7) marks self-described CBOR.
  if (b[0] === 0xd9 && b[1] === 0xd9 && b[2] === 0xf7) return { chain: ['cbor'], confidence: 'certain', why: 'the CBOR self-describe tag' }
  const mp = wholly(() => decodeMsgpack(b))
  const cb = wholly(() => decodeCbor(b))
  const container = (v: unknown): boolean => v !== null && typeof v === 'object' && !(v instanceof Uint8Array)
  // Both formats read most single bytes as a number: only a map or an array that uses every byte counts.
  if (mp.ok && container(mp.v) && !(cb.ok && container(cb.v)))
    return { chain: ['msgpack'], confidence: 'likely', why: 'decodes wholly as a MessagePack map or array' }
  if (cb.ok && container(cb.v) && !(mp.ok && container(mp.v)))
    return { chain: ['cbor'], confidence: 'likely', why: 'decodes wholly as a CBOR map or array' }
  if (mp.ok && cb.ok && container(mp.v))
    return { chain: ['msgpack'], confidence: 'guess', why: 'decodes wholly as MessagePack and as CBOR; MessagePack is the commoner' }
  if (depth === 0 && wholly(() => decodeProtobufWire(b)).ok)
    return { chain: ['protobuf'], confidence: 'guess', why: 'parses wholly as Protobuf wire format' }
  return null
}

/** A big payload, by its first bytes alone: magic numbers only, nothing decoded. */
function sniffHead(b: Uint8Array): Sniffed | null {
  const big = 'too big to look inside here; pick the rest of the chain under "Decode as"'
  if (b[0] === 0x1f && b[1] === 0x8b) return { chain: ['gzip'], confidence: 'certain', why: `gzip magic bytes 1f 8b; ${big}` }
  if (isZlibHeader(b)) return { chain: ['zlib'], confidence: 'likely', why: `a zlib header (RFC 1950); ${big}` }
  if (b[0] === 0xd9 && b[1] === 0xd9 && b[2] === 0xf7) return { chain: ['cbor'], confidence: 'certain', why: 'the CBOR self-describe tag' }
  if (looksJson(textStart(b))) return { chain: ['json'], confidence: 'guess', why: 'starts like JSON' }
  return null
}

function compressed(kind: 'gzip' | 'zlib', b: Uint8Array, depth: number, confidence: Sniffed['confidence'], why: string): Sniffed {
  if (depth > 1) return { chain: [kind], confidence, why }
  try {
    const inner = sniffBytes(inflate(kind, b, SNIFF_LIMITS), depth + 1)
    if (inner) return { chain: [kind, ...inner.chain], confidence, why: `${why}; inside, ${inner.why}` }
    return { chain: [kind, 'utf8'], confidence, why }
  } catch {
    return { chain: [kind], confidence: 'guess', why: `${why}, but it does not inflate` }
  }
}

function wholly(f: () => unknown): { ok: boolean; v?: unknown } {
  try {
    return { ok: true, v: f() }
  } catch {
    return { ok: false }
  }
}

function looksJson(t: string): boolean {
  return /^\s*[[{]/.test(t)
}

function textStart(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < Math.min(b.length, 8); i++) s += String.fromCharCode(b[i])
  return s
}
