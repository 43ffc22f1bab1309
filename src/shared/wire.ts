/**
 * The browser-mode bridge speaks JSON text frames. JSON has no bytes, so every Uint8Array travels as
 * { $b: base64 }. Events are encoded field by field (the hot path); other values are walked generically.
 */
import type { SockEvent } from './events'
import type { MethodName } from './api'

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

const isWireBytes = (v: unknown): v is WireBytes =>
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

export type ClientFrame = { t: 'hello'; session?: string } | { t: 'call'; n: number; m: MethodName; a: unknown[] }

export interface WireError {
  message: string
  name?: string
  field?: string
  code?: string
}

export type ServerFrame =
  | { t: 'welcome'; session: string }
  | { t: 'ret'; n: number; ok: true; v: unknown }
  | { t: 'ret'; n: number; ok: false; e: WireError }
  | { t: 'ev'; b: unknown[] }

export function errorToWire(err: unknown): WireError {
  const e = err as { message?: string; name?: string; field?: string; code?: unknown }
  return {
    message: e?.message ?? String(err),
    ...(e?.name ? { name: e.name } : {}),
    ...(e?.field ? { field: e.field } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {})
  }
}
