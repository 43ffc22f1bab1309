/** One renderer (an Electron window, or a browser tab on the bridge): its connections and its event batches. */
import type { SockEvent } from '../../shared/events'
import { EventBatcher, type BatcherOptions } from '../core/batcher'
import type { PayloadStore } from '../core/payloadStore'
import { Ring } from './ring'

/** Recent events kept per connection so a reloaded renderer can re-sync. */
export const RECENT_EVENTS = 2000

/** Flow control thresholds on what the transport has not yet handed to the renderer. */
export const PRESSURE_HIGH = 8 * 1024 * 1024
export const PRESSURE_LOW = 1024 * 1024

export interface SessionTransport {
  deliver(batch: SockEvent[]): void
  /** Bytes accepted but not yet delivered (e.g. the bridge socket's bufferedAmount); 0 where unknown. */
  pending?(): number
}

export class ClientSession {
  readonly connections = new Set<string>()
  private readonly recent = new Map<string, Ring<SockEvent>>()
  private readonly batcher: EventBatcher
  /** Where batches go; null while the renderer is away (reloading), when they are dropped for it but kept in `recent`. */
  private target: SessionTransport | null
  private congested = false
  private drainTimer: NodeJS.Timeout | null = null
  /** Called with true when the renderer falls behind (pause reading) and false once it caught up. */
  onCongestion: (paused: boolean) => void = () => undefined

  constructor(
    readonly key: string,
    payloads: PayloadStore,
    target: SessionTransport | ((batch: SockEvent[]) => void),
    batcherOptions?: BatcherOptions
  ) {
    this.target = typeof target === 'function' ? { deliver: target } : target
    this.batcher = new EventBatcher((batch) => this.deliver(batch), payloads, batcherOptions)
  }

  private deliver(batch: SockEvent[]): void {
    const t = this.target
    if (!t) return
    t.deliver(batch)
    if (!this.congested && t.pending && t.pending() > PRESSURE_HIGH) {
      this.congested = true
      this.onCongestion(true)
      this.drainTimer = setInterval(() => {
        if ((this.target?.pending?.() ?? 0) > PRESSURE_LOW) return
        this.relieve()
      }, 5)
    }
  }

  private relieve(): void {
    if (this.drainTimer) clearInterval(this.drainTimer)
    this.drainTimer = null
    if (!this.congested) return
    this.congested = false
    this.onCongestion(false)
  }

  attach(target: SessionTransport | ((batch: SockEvent[]) => void)): void {
    this.target = typeof target === 'function' ? { deliver: target } : target
    this.relieve()
  }

  detach(): void {
    this.batcher.flush()
    this.target = null
    // Nobody is reading: keep capturing (recordings) rather than stall the connections.
    this.relieve()
  }

  own(id: string): void {
    this.connections.add(id)
    this.recent.set(id, new Ring(RECENT_EVENTS))
  }

  disown(id: string): void {
    this.connections.delete(id)
    this.recent.delete(id)
  }

  push(e: SockEvent): void {
    this.recent.get(e.id)?.push(e)
    this.batcher.push(e)
  }

  /** Everything still held for this session's connections, flushing first so nothing is delivered twice out of order. */
  recentEvents(): SockEvent[] {
    this.batcher.flush()
    const all: SockEvent[] = []
    for (const ring of this.recent.values()) all.push(...ring.toArray())
    return all.sort((a, b) => a.ts - b.ts)
  }

  dispose(): void {
    this.relieve()
    this.batcher.dispose()
    this.target = null
  }
}
