/**
 * The recording format (version 2, files `*.sockrec`): payloads are stored as their bytes, never JSON-escaped or
 * base64-encoded. Profiled at 1 KiB and 16 KiB messages, the host spent most of its time writing each payload
 * into a JSON line for the recording, while the bridge was already sending the same payload as raw bytes (see
 * BINARY_BATCH in wire.ts). Now both use the same two pieces per event, encoded once:
 *
 *   file    = MAGIC, then records; the first record is the header (seq -1, JSON, no payload)
 *   record  = u32 head length | u32 payload length | f64 seq | head | payload   (little-endian)
 *   head    = the event's JSON. A payload of RAW_PAYLOAD_MIN bytes or more (UTF-8 for text) is `{"$n":length}` in
 *             the head and follows it as bytes; smaller ones stay inline, as in an NDJSON line.
 *
 * `seq` in the prefix lets a reader find an event without parsing heads. A record is appended whole; a crash can
 * only cut the last one short, and readers stop there. NDJSON (version 1, `*.ndjson`) remains what exports write and
 * what older recordings are: `ndjsonLine` rebuilds an event's NDJSON line byte for byte from its record.
 */
import type { SockEvent } from '../../shared/events'
import { RAW_PAYLOAD_MIN, base64, eventToWire } from '../../shared/wire'

export const MAGIC = Buffer.from('SOCKREC\n', 'latin1')
export const PREFIX = 16
export const HEADER_SEQ = -1

export interface EventParts {
  head: Buffer
  payload: Uint8Array | null
}

const lines = new WeakMap<SockEvent, Buffer>()
const parts = new WeakMap<SockEvent, EventParts>()

/** The event's whole NDJSON line (without its newline), payload inline, as UTF-8 bytes. */
export function eventLine(e: SockEvent): Buffer {
  let b = lines.get(e)
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(eventToWire(e)), 'utf8')
    lines.set(e, b)
  }
  return b
}

/** The payload that travels (and is stored) as raw bytes after the head, if this event has one. */
function rawPayload(e: SockEvent): Uint8Array | null {
  if (e.type !== 'message' && e.type !== 'ping' && e.type !== 'pong') return null
  const d = e.data
  if (typeof d !== 'string') return d.byteLength >= RAW_PAYLOAD_MIN ? d : null
  // A string of n UTF-16 units is at least n UTF-8 bytes: shorter ones need not be encoded to know. A string with a
  // lone surrogate has no exact UTF-8 form (it would come back as U+FFFD), so it stays JSON-escaped, exactly kept.
  if (d.length < RAW_PAYLOAD_MIN / 3 || !(d as string & { isWellFormed(): boolean }).isWellFormed()) return null
  const bytes = Buffer.from(d, 'utf8')
  return bytes.length >= RAW_PAYLOAD_MIN ? bytes : null
}

/** The event as a head and its raw payload; computed once per event and shared by the recording and the bridge. */
export function eventParts(e: SockEvent): EventParts {
  let p = parts.get(e)
  if (p === undefined) {
    const payload = rawPayload(e)
    p = payload
      ? { head: Buffer.from(JSON.stringify({ ...e, data: { $n: payload.byteLength } }), 'utf8'), payload }
      : { head: eventLine(e), payload }
    parts.set(e, p)
  }
  return p
}

/** Writes a record's prefix at `at` in `out`. */
export function writePrefix(out: Buffer, at: number, headLength: number, payloadLength: number, seq: number): void {
  out.writeUInt32LE(headLength, at)
  out.writeUInt32LE(payloadLength, at + 4)
  out.writeDoubleLE(seq, at + 8)
}

interface HeadObject {
  type?: unknown
  kind?: unknown
  data?: unknown
  version?: unknown
}

/** The value a record's payload has in the event: text for a text message, bytes otherwise. */
function payloadValue(o: HeadObject, payload: Uint8Array): string | Uint8Array {
  return o.type === 'message' && o.kind === 'text'
    ? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8')
    : payload
}

/** The event a record holds, with its payload put back (not yet checked: records are read from disk). */
export function recordValue(head: Buffer, payload: Uint8Array | null): unknown {
  const o = JSON.parse(head.toString('utf8')) as HeadObject
  if (payload) o.data = payloadValue(o, payload)
  else if (o.data && typeof (o.data as { $b?: unknown }).$b === 'string') o.data = base64.decode((o.data as { $b: string }).$b)
  return o
}

/**
 * The NDJSON line a version-1 recording has for this record, byte for byte: the head's keys keep their order when
 * parsed, and `data` is replaced in place, exactly as `eventToWire` builds it.
 */
export function ndjsonLine(head: Buffer, payload: Uint8Array | null, seq: number): string {
  if (seq === HEADER_SEQ) {
    const o = JSON.parse(head.toString('utf8')) as HeadObject
    o.version = 1
    return JSON.stringify(o)
  }
  if (!payload) return head.toString('utf8')
  const o = JSON.parse(head.toString('utf8')) as HeadObject
  const value = payloadValue(o, payload)
  o.data = typeof value === 'string' ? value : { $b: base64.encode(value) }
  return JSON.stringify(o)
}
