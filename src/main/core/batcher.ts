/**
 * Collects events for one subscriber and delivers them in batches: on a timer at most once per
 * interval, or at once when a batch reaches its count or byte cap. Large payloads are replaced by a
 * preview and a reference. Order is kept and nothing is dropped.
 */
import type { SockEvent } from '../../shared/events'
import type { PayloadStore } from './payloadStore'

export interface BatcherOptions {
  intervalMs?: number
  maxEvents?: number
  maxBytes?: number
  /** Payloads above this travel as a preview plus a reference. */
  largePayloadBytes?: number
  previewBytes?: number
}

export type FlushReason = 'interval' | 'count' | 'bytes' | 'manual'

const FIXED_COST = 64 // rough per-event overhead in bytes, for the byte cap

export function eventWeight(e: SockEvent): number {
  if (e.type === 'message') return FIXED_COST + (typeof e.data === 'string' ? e.data.length : e.data.byteLength)
  if (e.type === 'ping' || e.type === 'pong') return FIXED_COST + e.data.byteLength
  if (e.type === 'error') return FIXED_COST + (e.body?.length ?? 0)
  return FIXED_COST * 4
}

export class EventBatcher {
  private batch: SockEvent[] = []
  private bytes = 0
  private timer: NodeJS.Timeout | null = null
  private lastFlush = 0
  readonly opts: Required<BatcherOptions>

  constructor(
    private readonly deliver: (batch: SockEvent[], reason: FlushReason) => void,
    private readonly payloads: PayloadStore,
    opts: BatcherOptions = {}
  ) {
    this.opts = {
      intervalMs: opts.intervalMs ?? 16,
      maxEvents: opts.maxEvents ?? 5000,
      maxBytes: opts.maxBytes ?? 4 * 1024 * 1024,
      largePayloadBytes: opts.largePayloadBytes ?? 256 * 1024,
      previewBytes: opts.previewBytes ?? 4096
    }
  }

  push(e: SockEvent): void {
    const ev = this.shrink(e)
    this.batch.push(ev)
    this.bytes += eventWeight(ev)
    if (this.batch.length >= this.opts.maxEvents) this.flush('count')
    else if (this.bytes >= this.opts.maxBytes) this.flush('bytes')
    else if (!this.timer) this.arm()
  }

  private arm(): void {
    const wait = Math.max(0, Math.ceil(this.lastFlush + this.opts.intervalMs - performance.now()))
    this.timer = setTimeout(() => {
      // Timers may fire a fraction of a millisecond early; never deliver before the interval is up.
      if (performance.now() < this.lastFlush + this.opts.intervalMs) this.arm()
      else this.flush('interval')
    }, wait)
  }

  /** The form an event travels in: a large payload becomes a preview plus a reference into the payload store. */
  shrink(e: SockEvent): SockEvent {
    if (e.type !== 'message' || e.size <= this.opts.largePayloadBytes || e.ref) return e
    const ref = this.payloads.put(e.id, e.data, e.size)
    const n = this.opts.previewBytes
    // A string slice shares the whole payload in V8 (a "sliced string"): copy the preview so it does not pin it.
    const data = typeof e.data === 'string' ? Buffer.from(e.data.slice(0, n), 'utf8').toString('utf8') : e.data.slice(0, n)
    return { ...e, data, ref }
  }

  /** Weight of the events waiting for the next flush. */
  get pendingBytes(): number {
    return this.bytes
  }

  flush(reason: FlushReason = 'manual'): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.batch.length === 0) return
    const out = this.batch
    this.batch = []
    this.bytes = 0
    this.lastFlush = performance.now()
    this.deliver(out, reason)
  }

  dispose(): void {
    this.flush('manual')
  }
}
