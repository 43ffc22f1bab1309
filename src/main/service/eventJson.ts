/**
 * Each event is turned into its JSON line once on the main side, and encoded to UTF-8 once: the recording writes
 * those bytes and the bridge copies the same bytes into its frame. Profiled at 1 KiB messages (bench), the host was
 * the pipeline's ceiling and a third of its time went to passes over the same text: joining lines, measuring their
 * UTF-8 length, encoding them again for each of the two writes. Large payloads travel shrunk to the renderer, so
 * shrunk copies (new objects) miss the cache and are serialised on their own.
 */
import type { SockEvent } from '../../shared/events'
import { eventToWire } from '../../shared/wire'

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
