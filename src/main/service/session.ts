/** One renderer (an Electron window, or a browser tab on the bridge): its connections and its event batches. */
import type { SockEvent } from '../../shared/events'
import { EventBatcher, type BatcherOptions } from '../core/batcher'
import type { PayloadStore } from '../core/payloadStore'
import { Ring } from './ring'

/** Recent events kept per connection so a reloaded renderer can re-sync. */
export const RECENT_EVENTS = 2000

export class ClientSession {
  readonly connections = new Set<string>()
  private readonly recent = new Map<string, Ring<SockEvent>>()
  private readonly batcher: EventBatcher
  /** Where batches go; null while the renderer is away (reloading), when they are dropped for it but kept in `recent`. */
  private target: ((batch: SockEvent[]) => void) | null

  constructor(
    readonly key: string,
    payloads: PayloadStore,
    target: (batch: SockEvent[]) => void,
    batcherOptions?: BatcherOptions
  ) {
    this.target = target
    this.batcher = new EventBatcher((batch) => this.target?.(batch), payloads, batcherOptions)
  }

  attach(target: (batch: SockEvent[]) => void): void {
    this.target = target
  }

  detach(): void {
    this.batcher.flush()
    this.target = null
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
    this.batcher.dispose()
    this.target = null
  }
}
