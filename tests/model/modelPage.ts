/**
 * A page as the model sees it: what the renderer would show for each connection. It applies events once and in
 * `seq` order, and records every violation of the lifecycle invariants it can see from where it sits.
 */
import type { SockEvent, ConnectionState } from '../../src/shared/events'
import type { SyncState } from '../../src/shared/api'
import { INITIAL_STATE, isLegalTransition } from '../../src/shared/lifecycle'
import type { SessionTransport } from '../../src/main/service/session'

export interface ConnView {
  lastSeq: number
  /** null while unknown: after events the host no longer held, the next state event starts over. */
  state: ConnectionState | null
  events: SockEvent[]
  /** Seq ranges the host said it no longer held: [first, count]. */
  missed: Array<[number, number]>
}

export class ModelPage {
  readonly views = new Map<string, ConnView>()
  /** Bytes the page pretends not to have taken yet (drives the session's flow control). */
  backlog = 0
  /** False once the page is gone (detached) or another page claimed the session. */
  current = true
  /** While a re-sync is in flight, live batches wait (as the renderer's store does) and are applied after it. */
  private held: SockEvent[][] | null = null
  readonly transport: SessionTransport

  constructor(
    readonly name: string,
    private readonly violations: string[]
  ) {
    this.transport = {
      deliver: (batch) => {
        if (!this.current) this.violations.push(`${this.name}: got ${batch.length} events after it stopped owning the session`)
        if (this.held) this.held.push(batch)
        else this.apply(batch, 'live')
      },
      pending: () => this.backlog
    }
  }

  /** Carries over what another page showed (the same page after a dropped bridge). */
  adopt(from: ModelPage): void {
    for (const [id, v] of from.views) this.views.set(id, { ...v, events: [...v.events], missed: [...v.missed] })
  }

  view(id: string): ConnView {
    let v = this.views.get(id)
    if (!v) this.views.set(id, (v = { lastSeq: 0, state: INITIAL_STATE, events: [], missed: [] }))
    return v
  }

  apply(events: SockEvent[], how: 'live' | 'sync'): void {
    for (const e of events) {
      const v = this.view(e.id)
      if (e.seq <= v.lastSeq) {
        if (how === 'live') this.violations.push(`${this.name}: ${e.id.slice(0, 8)} seq ${e.seq} delivered again after ${v.lastSeq}`)
        continue
      }
      if (e.seq !== v.lastSeq + 1)
        this.violations.push(`${this.name}: ${e.id.slice(0, 8)} jumped from seq ${v.lastSeq} to ${e.seq} without a marker`)
      v.lastSeq = e.seq
      v.events.push(e)
      if (e.type === 'state') {
        if (v.state !== null && !isLegalTransition(v.state, e.state))
          this.violations.push(`${e.id.slice(0, 8)}: illegal state ${v.state} → ${e.state} (seq ${e.seq})`)
        v.state = e.state
      }
    }
  }

  /** What this page asks for on re-attach: the last seq it showed per connection. */
  since(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [id, v] of this.views) if (v.lastSeq) out[id] = v.lastSeq
    return out
  }

  /** Call before asking for a sync: batches that arrive meanwhile wait for it. */
  startSync(): void {
    this.held = []
  }

  resync(s: SyncState): void {
    for (const c of s.connections) {
      const missed = s.missed[c.id]
      if (!missed) continue
      const v = this.view(c.id)
      v.missed.push([v.lastSeq + 1, missed])
      v.lastSeq += missed
      v.state = null
    }
    this.apply(s.events, 'sync')
    const waiting = this.held ?? []
    this.held = null
    for (const b of waiting) this.apply(b, 'sync')
  }
}
