/**
 * One renderer (an Electron window, or a browser tab on the bridge): its connections, its event batches, and
 * the recent events it can re-sync from by `seq` after a reload or a dropped bridge. A session has exactly one
 * transport at a time; only that transport may detach it.
 */
import type { SockEvent } from '../../shared/events'
import type { HostNotice, SyncState } from '../../shared/api'
import type { SavedTab } from '../../shared/tabs'
import { EventBatcher, eventWeight, type BatcherOptions } from '../core/batcher'
import type { PayloadStore } from '../core/payloadStore'
import { Ring } from './ring'

/** Recent events kept per connection for re-sync: at most this many, and at most this many bytes. */
export const RECENT_EVENTS = 2000
export const RECENT_BYTES = 8 * 1024 * 1024

/** Flow control thresholds on what the transport has not yet handed to the renderer. */
export const PRESSURE_HIGH = 8 * 1024 * 1024
export const PRESSURE_LOW = 1024 * 1024

export interface SessionTransport {
  deliver(batch: SockEvent[]): void
  /** Bytes accepted but not yet delivered (e.g. the bridge socket's bufferedAmount); 0 where unknown. */
  pending?(): number
  /** A host notice for this window (belongs to no connection). */
  notice?(n: HostNotice): void
}

/** What a ring entry costs: the event (previews only: large payloads live in the payload store) and its JSON line. */
const ringWeight = (e: SockEvent): number => 2 * eventWeight(e)

export class ClientSession {
  readonly connections = new Set<string>()
  private readonly recent = new Map<string, Ring<SockEvent>>()
  private readonly batcher: EventBatcher
  /** Where batches go; null while the renderer is away (reloading), when they are dropped for it but kept in `recent`. */
  private target: SessionTransport | null
  private congested = false
  private drainTimer: NodeJS.Timeout | null = null
  /** The page's tabs as it last saved them: memory only, for a reload of this window. */
  tabs: SavedTab[] | null = null
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
    try {
      t.deliver(batch)
    } catch {
      // The transport broke (a window torn down mid-send): treat it as gone; the renderer re-syncs from the ring.
      this.detach(t)
      return
    }
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

  /** Makes `target` the session's only transport; returns the one it replaced (to be told), if any. */
  attach(target: SessionTransport | ((batch: SockEvent[]) => void)): SessionTransport | null {
    const previous = this.target
    this.batcher.flush()
    this.target = typeof target === 'function' ? { deliver: target } : target
    this.relieve()
    return previous
  }

  /** The transport went away. Ignored unless it is still this session's transport (a take-over replaced it). */
  detach(from?: SessionTransport): boolean {
    if (from && this.target !== from) return false
    this.batcher.flush()
    this.target = null
    // Nobody is reading: keep capturing (recordings) rather than stall the connections.
    this.relieve()
    return true
  }

  notice(n: HostNotice): void {
    try {
      this.target?.notice?.(n)
    } catch {
      // A notice that cannot be delivered is still in the host's own log.
    }
  }

  get attached(): boolean {
    return this.target !== null
  }

  isTarget(t: SessionTransport): boolean {
    return this.target === t
  }

  own(id: string): void {
    this.connections.add(id)
    this.recent.set(id, new Ring(RECENT_EVENTS, RECENT_BYTES, ringWeight))
  }

  disown(id: string): void {
    this.connections.delete(id)
    this.recent.delete(id)
  }

  push(e: SockEvent): void {
    // The ring keeps the same shrunk form the renderer gets: full large payloads stay in the payload store only.
    const shown = this.batcher.shrink(e)
    this.recent.get(e.id)?.push(shown)
    this.batcher.push(shown)
  }

  /**
   * Events after `since[id]` (all held events for a connection not named), flushing first so nothing arrives
   * twice out of order, and per connection how many events between `since` and what is held are gone for good.
   */
  resync(lastSeq: (id: string) => number, since: Record<string, number> = {}): Pick<SyncState, 'events' | 'missed'> {
    this.batcher.flush()
    const events: SockEvent[] = []
    const missed: Record<string, number> = {}
    for (const [id, ring] of this.recent) {
      const after = since[id] ?? 0
      const held = ring.toArray().filter((e) => e.seq > after)
      const next = held[0]?.seq ?? lastSeq(id) + 1
      if (next - after - 1 > 0) missed[id] = next - after - 1
      events.push(...held)
    }
    events.sort((a, b) => a.ts - b.ts)
    return { events, missed }
  }

  /** Bytes this session holds for re-sync and in its pending batch. */
  retainedBytes(): number {
    let n = this.batcher.pendingBytes
    for (const ring of this.recent.values()) n += ring.bytes
    return n
  }

  dispose(): void {
    this.relieve()
    this.batcher.dispose()
    this.target = null
  }
}
