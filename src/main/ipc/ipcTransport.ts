/**
 * Event delivery to one window over IPC, with flow control: every batch carries a number, the preload acks it
 * once the page has taken it, and what is sent but not acked is the pressure the session watches (the bridge
 * uses its socket's pending bytes the same way). Electron-free: it is handed the send function.
 */
import type { SockEvent } from '../../shared/events'
import type { HostNotice } from '../../shared/api'
import { eventWeight } from '../core/batcher'
import type { SessionTransport } from '../service/session'

export interface NumberedBatch {
  n: number
  batch: SockEvent[]
}

export interface IpcTransport extends SessionTransport {
  ack(n: number): void
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
      send({ n, batch })
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
