/**
 * Each event is turned into its JSON line once on the main side, and encoded to UTF-8 once: the recording writes
 * those bytes and the bridge copies the same bytes into its frame. Profiled at 1 KiB messages (bench), the host was
 * the pipeline's ceiling and a third of its time went to passes over the same text: joining lines, measuring their
 * UTF-8 length, encoding them again for each of the two writes. Large payloads travel shrunk to the renderer, so
 * shrunk copies (new objects) miss the cache and are serialised on their own.
 */
import type { SockEvent } from '../../shared/events'
import { BINARY_BATCH, RAW_PAYLOAD_MIN, eventToWire } from '../../shared/wire'

const cache = new WeakMap<SockEvent, Buffer>()

/** The event's recording line (without its newline) as UTF-8 bytes. */
export function eventLine(e: SockEvent): Buffer {
  let b = cache.get(e)
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(eventToWire(e)), 'utf8')
    cache.set(e, b)
  }
  return b
}

const HEAD = Buffer.from('{"t":"ev","b":[')
const COMMA = Buffer.from(',')
const TAIL = Buffer.from(']}')

/**
 * The bridge's event frame, `{"t":"ev","b":[...]}` as UTF-8, built from the cached lines with one copy, and
 * preceded by 4 spare bytes: the event stream writes its length there (see eventStream.ts), the socket sends
 * `subarray(4)`.
 */
export function eventFrame(batch: SockEvent[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(4), HEAD]
  let length = 4 + HEAD.length + TAIL.length
  for (let i = 0; i < batch.length; i++) {
    const line = eventLine(batch[i])
    if (i) parts.push(COMMA)
    parts.push(line)
    length += line.length + (i ? 1 : 0)
  }
  parts.push(TAIL)
  return Buffer.concat(parts, length)
}

const SPARE = 4 + 1 + 4
const OPEN = Buffer.from('[')
const CLOSE = Buffer.from(']')

/** The payload that travels as raw bytes after the header, if this event has one. */
function rawPayload(e: SockEvent): Buffer | Uint8Array | null {
  if (e.type !== 'message') return null
  const d = e.data
  if (typeof d !== 'string') return d.byteLength >= RAW_PAYLOAD_MIN ? d : null
  // A string of n UTF-16 units is at least n UTF-8 bytes: shorter ones need not be encoded to know.
  if (d.length < RAW_PAYLOAD_MIN / 3) return null
  const bytes = Buffer.from(d, 'utf8')
  return bytes.length >= RAW_PAYLOAD_MIN ? bytes : null
}

/**
 * The event stream's binary batch frame (see BINARY_BATCH in wire.ts), behind 4 spare bytes for the stream's length
 * prefix. Events without a large payload reuse their cached line; large payloads are copied in once, as bytes.
 */
export function binaryEventFrame(batch: SockEvent[]): Buffer {
  const header: Buffer[] = [OPEN]
  const payloads: Array<Buffer | Uint8Array> = []
  let headerLength = OPEN.length + CLOSE.length
  let payloadLength = 0
  for (let i = 0; i < batch.length; i++) {
    const e = batch[i]
    const raw = rawPayload(e)
    const line = raw ? Buffer.from(JSON.stringify({ ...e, data: { $n: raw.byteLength } }), 'utf8') : eventLine(e)
    if (raw) {
      payloads.push(raw)
      payloadLength += raw.byteLength
    }
    if (i) header.push(COMMA)
    header.push(line)
    headerLength += line.length + (i ? 1 : 0)
  }
  header.push(CLOSE)
  const out = Buffer.allocUnsafe(SPARE + headerLength + payloadLength)
  out[4] = BINARY_BATCH
  out.writeUInt32LE(headerLength, 5)
  let at = SPARE
  for (const b of header) at += b.copy(out, at)
  for (const p of payloads) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}
