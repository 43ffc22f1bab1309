/**
 * The browser-mode bridge speaks JSON text frames. JSON has no bytes, so every Uint8Array travels as
 * { $b: base64 }. Events are encoded field by field (the hot path); other values are walked generically.
 */
import * as v from 'valibot'
import type { SockEvent } from './events'
import type { HostNotice, MethodName } from './api'

export interface WireBytes {
  $b: string
}

type B64 = { encode(b: Uint8Array): string; decode(s: string): Uint8Array }

const NodeBuffer = (
  globalThis as { Buffer?: { from(a: Uint8Array | string, enc?: string): Uint8Array & { toString(enc: string): string } } }
).Buffer

export const base64: B64 = NodeBuffer
  ? {
      encode: (b) => NodeBuffer.from(b).toString('base64'),
      decode: (s) => new Uint8Array(NodeBuffer.from(s, 'base64'))
    }
  : {
      encode: (b) => {
        let s = ''
        for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000))
        return btoa(s)
      },
      decode: (s) => {
        const bin = atob(s)
        const out = new Uint8Array(bin.length)
        for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
        return out
      }
    }

export const isWireBytes = (v: unknown): v is WireBytes =>
  typeof v === 'object' && v !== null && typeof (v as WireBytes).$b === 'string' && Object.keys(v).length === 1

/** Deep copy with bytes made JSON-safe. */
export function toWire(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $b: base64.encode(v) }
  if (Array.isArray(v)) return v.map(toWire)
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = toWire(x)
    return out
  }
  return v
}

export function fromWire(v: unknown): unknown {
  if (isWireBytes(v)) return base64.decode(v.$b)
  if (Array.isArray(v)) return v.map(fromWire)
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = fromWire(x)
    return out
  }
  return v
}

/** Only message/ping/pong events carry bytes, and only in `data`; everything else goes as it is. */
export function eventToWire(e: SockEvent): unknown {
  return (e.type === 'message' || e.type === 'ping' || e.type === 'pong') && e.data instanceof Uint8Array
    ? { ...e, data: { $b: base64.encode(e.data) } }
    : e
}

export function eventsToWire(batch: SockEvent[]): unknown[] {
  return batch.map(eventToWire)
}

export function eventsFromWire(batch: unknown[]): SockEvent[] {
  for (const e of batch as Array<{ data?: unknown }>) if (isWireBytes(e.data)) e.data = base64.decode(e.data.$b)
  return batch as SockEvent[]
}

/**
 * Browser mode's event stream carries event batches as binary frames, so that large payloads travel as their bytes,
 * neither JSON-escaped nor base64: a first byte BINARY_BATCH (a JSON frame starts with `{`), a u32 little-endian
 * header length, the header (the batch as JSON, as on the socket), then the payload bytes in event order. In the
 * header a payload of RAW_PAYLOAD_MIN bytes or more is `{ $n: length }`: that many of the following bytes, UTF-8 for
 * a text message. Smaller payloads stay inline: a string costs the page less than an array of bytes would.
 */
export const BINARY_BATCH = 0x00
export const RAW_PAYLOAD_MIN = 1024

export interface RawBytes {
  $n: number
}

const isRawBytes = (v: unknown): v is RawBytes => typeof v === 'object' && v !== null && typeof (v as RawBytes).$n === 'number'
const utf8 = new TextDecoder()

/**
 * A binary batch frame's events. Payloads are views into `frame`, which the caller must own (not a buffer it will
 * reuse). A text message whose payload came as bytes keeps them: the page decodes it when it is shown or searched.
 */
export function eventsFromBinaryFrame(frame: Uint8Array): SockEvent[] {
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(1, true)
  const batch = JSON.parse(utf8.decode(frame.subarray(5, 5 + headerLength))) as Array<{ data?: unknown }>
  let at = 5 + headerLength
  for (const e of batch) {
    const d = e.data
    if (isRawBytes(d)) {
      if (at + d.$n > frame.length) throw new Error('a binary event frame is shorter than its header says')
      e.data = frame.subarray(at, (at += d.$n))
    } else if (isWireBytes(d)) e.data = base64.decode(d.$b)
  }
  return batch as SockEvent[]
}

/**
 * Page → host. `hello` names the session the page had (sessionStorage) to re-attach to it; a second page with the
 * same key (a duplicated tab) gets its own session unless it asks to `takeover`, and the first page is told.
 */
export type ClientFrame =
  { t: 'hello'; session?: string; takeover?: boolean; stream?: boolean } | { t: 'call'; n: number; m: MethodName; a: unknown[] }

const clientFrameSchema = v.variant('t', [
  v.strictObject({
    t: v.literal('hello'),
    session: v.optional(v.pipe(v.string(), v.maxLength(100))),
    takeover: v.optional(v.boolean()),
    stream: v.optional(v.boolean())
  }),
  v.strictObject({
    t: v.literal('call'),
    n: v.pipe(v.number(), v.integer(), v.minValue(0)),
    m: v.pipe(v.string(), v.maxLength(100)),
    a: v.array(v.unknown())
  })
])

/** Parses one bridge frame from the page; every frame is checked, so a bad one is answered, never fatal. */
export function parseClientFrame(text: string): { ok: true; frame: ClientFrame } | { ok: false; n?: number; why: string } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { ok: false, why: 'the frame is not JSON' }
  }
  const r = v.safeParse(clientFrameSchema, raw)
  if (r.success) return { ok: true, frame: r.output as ClientFrame }
  const n = (raw as { n?: unknown } | null)?.n
  const path = v.getDotPath(r.issues[0])
  return { ok: false, ...(Number.isInteger(n) ? { n: n as number } : {}), why: `${path ? `${path}: ` : ''}${r.issues[0].message}` }
}

export interface WireError {
  message: string
  name?: string
  field?: string
  code?: string
}

export type ServerFrame =
  /**
   * `resumed`: the page got back the session it named (its connections are still there). `stream`: the id of the
   * event stream the page asked for (GET /bridge/events?stream=…); events keep coming here until `streamed`.
   */
  | { t: 'welcome'; session: string; resumed: boolean; stream?: string }
  /** The event stream is attached: every later event batch comes on it, none on this socket. */
  | { t: 'streamed' }
  /** Another page took this session over; this bridge is closed next and does not reconnect by itself. */
  | { t: 'taken' }
  | { t: 'notice'; n: HostNotice }
  /** A frame that could not be understood (and had no call number to answer). */
  | { t: 'bad'; why: string }
  | { t: 'ret'; n: number; ok: true; v: unknown }
  | { t: 'ret'; n: number; ok: false; e: WireError }
  | { t: 'ev'; b: unknown[] }

/** What every contract call returns on both transports: the renderer sees the same error everywhere. */
export type CallResult<T = unknown> = { ok: true; v: T } | { ok: false; e: WireError }

/** An error from the host, with the field and code it named (Electron would otherwise wrap it into one string). */
export class ApiError extends Error {
  field?: string
  code?: string
  constructor(e: WireError) {
    super(e.message)
    this.name = e.name ?? 'ApiError'
    this.field = e.field
    this.code = e.code
  }
}

export function unwrapResult<T>(r: CallResult<T>): T {
  if (r && r.ok === true) return r.v
  throw new ApiError(r && r.ok === false ? r.e : { message: 'The host answered a call with something unexpected.' })
}

export function errorToWire(err: unknown): WireError {
  const e = err as { message?: string; name?: string; field?: string; code?: unknown }
  return {
    message: e?.message ?? String(err),
    ...(e?.name ? { name: e.name } : {}),
    ...(e?.field ? { field: e.field } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {})
  }
}
