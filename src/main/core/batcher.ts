/**
 * Collects events for one subscriber and delivers them in batches: on a timer, or at once when a batch
 * reaches its count or byte cap. The timer adapts to the load: after an idle spell the first event goes out
 * on the next turn, light traffic waits at most `minIntervalMs`, and only once batches fill up (a flood) does
 * it coalesce for the full `intervalMs`, so rows appear at once at 1 msg/s and the page is not flooded with
 * tiny batches at 100,000 msg/s. Large payloads are replaced by a preview and a reference. Order is kept and
 * nothing is dropped.
 */
import type { SockEvent } from '../../shared/events'
import type { PayloadStore } from './payloadStore'

export interface BatcherOptions {
  /** The coalescing window under load. */
  intervalMs?: number
  /** The window under light load. */
  minIntervalMs?: number
  /** A batch at least this long means load: the next window is `intervalMs`. */
  busyBatch?: number
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
  private lastBatchSize = 0
  readonly opts: Required<BatcherOptions>

  constructor(
    private readonly deliver: (batch: SockEvent[], reason: FlushReason) => void,
    private readonly payloads: PayloadStore,
    opts: BatcherOptions = {}
  ) {
    this.opts = {
      intervalMs: opts.intervalMs ?? 16,
      minIntervalMs: opts.minIntervalMs ?? 4,
      busyBatch: opts.busyBatch ?? 64,
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

  /** The window after the last flush: short while batches stay small, the full interval under load. */
  private get window(): number {
    return this.lastBatchSize >= this.opts.busyBatch ? this.opts.intervalMs : Math.min(this.opts.minIntervalMs, this.opts.intervalMs)
  }

  private arm(): void {
    const wait = Math.max(0, Math.ceil(this.lastFlush + this.window - performance.now()))
    this.timer = setTimeout(() => {
      // Timers may fire a fraction of a millisecond early; never deliver before the window is up.
      if (performance.now() < this.lastFlush + this.window) this.arm()
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
    this.lastBatchSize = out.length
    this.deliver(out, reason)
  }

  dispose(): void {
    this.flush('manual')
  }
}
