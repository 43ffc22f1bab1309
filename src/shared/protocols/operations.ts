/**
 * The operations a connection's protocol has running: a GraphQL subscription until its `complete`, an emit until
 * its ack, a SignalR invocation until its Completion. Followed from the frames as they arrive, so a log row can name
 * the operation an answer belongs to (`next onTrade #3`, `ack 12 ← chat`) and the operations list shows what runs.
 */
import { PROTOCOLS, type ProtocolKind } from './index'
import type { Operation } from './types'

const utf8 = new TextDecoder()
/** A text frame held as UTF-8 bytes (large text stays bytes in the page), read as text. */
const textOf = (b: Uint8Array): string => utf8.decode(b)

export interface RunningOperation extends Operation {
  /** The `seq` of the frame that started it. */
  seq: number
}

/** Names kept for answers that arrive late; the oldest go first past this. */
const MAX_NAMES = 10_000

export class ProtocolOperations {
  /** Operation names by id, for every operation started on this socket (what DescribeContext.operations reads). */
  readonly names = new Map<string, string>()
  readonly running = new Map<string, RunningOperation>()
  /** The protocol the current attempt speaks, set once its handshake is known. */
  spoken: { kind: ProtocolKind; subprotocol: string | null } = { kind: 'raw', subprotocol: null }
  /** Changes whenever `running` does, for a view to follow. */
  version = 0
  /** Binary frames that belong to the packet before them (Socket.IO attachments): `event upload 1/2`. */
  private readonly parts = new WeakMap<Uint8Array, string>()
  /** Per direction, the attachments still to come. */
  private pending: Record<'in' | 'out', { name: string; total: number; left: number } | null> = { in: null, out: null }
  readonly partOf = (frame: Uint8Array): string | undefined => this.parts.get(frame)
  /** Per direction, the unfinished packet left by the frames so far (MQTT), and what each frame found before it. */
  private carry: Record<'in' | 'out', Uint8Array | undefined> = { in: undefined, out: undefined }
  private readonly carried = new WeakMap<Uint8Array, Uint8Array>()
  readonly carriedBefore = (frame: Uint8Array): Uint8Array | undefined => this.carried.get(frame)

  /** A message of the connection, in `seq` order. */
  follow(
    protocol: ProtocolKind,
    subprotocol: string | null,
    dir: 'in' | 'out',
    kind: string,
    data: string | Uint8Array,
    seq: number
  ): void {
    const module = protocol === 'raw' ? undefined : PROTOCOLS[protocol]
    if (!module || (kind !== 'text' && kind !== 'binary')) return
    if (module.carryAfter && typeof data !== 'string') {
      const before = this.carry[dir]
      if (before?.length) this.carried.set(data, before)
      this.carry[dir] = module.carryAfter(before, data)
    }
    const pending = this.pending[dir]
    if (pending && typeof data !== 'string' && kind === 'binary') {
      this.parts.set(data, `${pending.name} ${pending.total - pending.left + 1}/${pending.total}`)
      if (--pending.left === 0) this.pending[dir] = null
      return
    }
    const announced = module.announces?.(kind === 'text' && typeof data !== 'string' ? textOf(data) : data)
    if (announced) this.pending[dir] = { ...announced, total: announced.count, left: announced.count }
    // Incoming frames can only end an operation: with none running, a flood is not parsed twice.
    if (dir === 'in' && this.running.size === 0) return
    const frame = kind === 'text' && typeof data !== 'string' ? textOf(data) : data
    if (dir === 'out') {
      const started = module.startedBy?.(frame, subprotocol)
      if (started) {
        if (this.names.size >= MAX_NAMES) this.names.delete(this.names.keys().next().value as string)
        this.names.set(started.id, started.name)
        this.running.set(started.id, { ...started, seq })
        this.version++
        return
      }
    }
    const ended = module.endedBy?.(frame, subprotocol)
    if (ended !== null && ended !== undefined && this.running.delete(ended)) this.version++
  }

  /** A frame seen only as a preview (too big to hold whole): what it leaves unfinished is not known, so nothing is carried. */
  skipped(dir: 'in' | 'out'): void {
    this.carry[dir] = undefined
  }

  /** A new socket starts its protocol afresh: ids are reused from the start. */
  reset(): void {
    this.names.clear()
    this.pending = { in: null, out: null }
    this.carry = { in: undefined, out: undefined }
    if (this.running.size) this.version++
    this.running.clear()
  }
}
