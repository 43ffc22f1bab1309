/**
 * The bridge's event frames, built from the pieces the recording encodes once per event (recordFormat.ts): the JSON
 * line (payload inline) for the socket and small events, the head and raw payload for the binary stream frame.
 * Profiled at 1 KiB messages (bench), the host was the pipeline's ceiling while it encoded the same event for each
 * write. Large payloads travel shrunk to the renderer, so shrunk copies (new objects) miss the cache and are
 * encoded on their own.
 */
import type { SockEvent } from '../../shared/events'
import { BINARY_BATCH } from '../../shared/wire'
import { eventLine, eventParts } from '../store/recordFormat'

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

/**
 * The event stream's binary batch frame (see BINARY_BATCH in wire.ts), behind 4 spare bytes for the stream's length
 * prefix: the events' heads, then their raw payloads, each copied in once.
 */
export function binaryEventFrame(batch: SockEvent[]): Buffer {
  const header: Buffer[] = [OPEN]
  const payloads: Uint8Array[] = []
  let headerLength = OPEN.length + CLOSE.length
  let payloadLength = 0
  for (let i = 0; i < batch.length; i++) {
    const { head: line, payload: raw } = eventParts(batch[i])
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
