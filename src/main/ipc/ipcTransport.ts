/**
 * Event delivery to one window over IPC, with flow control: every batch carries a number, the preload acks it
 * once the page has taken it, and what is sent but not acked is the pressure the session watches (the bridge
 * uses its socket's pending bytes the same way). Electron-free: it is handed the send function.
 */
import type { SockEvent } from '../../shared/events'
import type { HostNotice } from '../../shared/api'
import { eventWeight } from '../core/batcher'
import { RAW_PAYLOAD_MIN } from '../../shared/wire'
import type { SessionTransport } from '../service/session'

export interface NumberedBatch {
  n: number
  batch: SockEvent[]
}

export interface IpcTransport extends SessionTransport {
  ack(n: number): void
}

const utf8 = new TextEncoder()

/**
 * A large text payload goes to the page as its UTF-8 bytes, which the page keeps off its JS heap (see textBytes.ts in
 * the renderer), as browser mode's stream does. TextEncoder gives each its own exactly-sized buffer: a structured
 * clone copies a view's whole buffer, and a small `Buffer` is a view into an 8 KiB pool.
 */
function forPage(e: SockEvent): SockEvent {
  return e.type === 'message' && typeof e.data === 'string' && e.data.length >= RAW_PAYLOAD_MIN / 3 && e.size >= RAW_PAYLOAD_MIN
    ? { ...e, data: utf8.encode(e.data) }
    : e
}

export function createIpcTransport(send: (payload: NumberedBatch) => void, notice?: (n: HostNotice) => void): IpcTransport {
  const inflight = new Map<number, number>()
  let next = 0
  let pendingBytes = 0
  return {
    deliver(batch) {
      const n = ++next
      let bytes = 0
      for (const e of batch) bytes += eventWeight(e)
      inflight.set(n, bytes)
      pendingBytes += bytes
      send({ n, batch: batch.map(forPage) })
    },
    pending: () => pendingBytes,
    notice,
    ack(n) {
      const bytes = inflight.get(n)
      if (bytes === undefined) return // unknown or repeated: ignore
      inflight.delete(n)
      pendingBytes -= bytes
    }
  }
}
