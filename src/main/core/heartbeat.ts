/** Our pings on a timer, RTT of each answering pong, and the pong deadline that declares a link dead. */
import { nowMs } from './clock'
import type { TimerSet } from './timers'
import { DEFAULTS, type HeartbeatOptions } from '../../shared/options'

export interface HeartbeatHooks {
  sendPing(payload: Uint8Array): void
  /** No pong arrived within `timeoutMs` of the oldest unanswered ping. */
  dead(timeoutMs: number): void
}

interface PendingPing {
  sentAt: number
  /** False once the ping spanned a pause in reading: its pong's delay says nothing about the link. */
  timed: boolean
}

export class Heartbeat {
  /** Pings not yet answered, oldest first. A pong answers the oldest (RFC 6455 §5.5.3 lets peers skip some). */
  private pending: PendingPing[] = []
  private suspended = false

  constructor(
    private readonly timers: TimerSet,
    private readonly hooks: HeartbeatHooks,
    private readonly intervalMs: number,
    private readonly pongTimeoutMs: number,
    private readonly payload: Uint8Array
  ) {}

  /** A heartbeat as a connection's settings describe it (no interval: pings only by hand). */
  static fromOptions(timers: TimerSet, o: HeartbeatOptions | undefined, hooks: HeartbeatHooks): Heartbeat {
    const payload = new TextEncoder().encode(o?.payload ?? '')
    return new Heartbeat(timers, hooks, (o?.intervalSec ?? 0) * 1000, o?.pongTimeoutMs ?? DEFAULTS.pongTimeoutMs, payload)
  }

  start(): void {
    if (this.intervalMs > 0) {
      this.timers.every('ping', this.intervalMs, () => {
        if (!this.suspended) this.hooks.sendPing(this.payload)
      })
    }
  }

  /** Call for every ping we send (timer or manual) so its pong can be timed. */
  pingSent(): void {
    const now = nowMs()
    this.pending.push({ sentAt: now, timed: !this.suspended })
    this.arm(now)
  }

  /** Returns the round-trip time when this pong answers one of our pings and could be timed. */
  pongReceived(): number | undefined {
    const ping = this.pending.shift()
    this.timers.clear('pong-deadline')
    this.arm()
    return ping?.timed ? nowMs() - ping.sentAt : undefined
  }

  /**
   * Reading is paused (flow control): a pong cannot be read, so its absence proves nothing. Stop the deadline
   * and our pings until `resume`, which gives pending pings a full timeout from then.
   */
  suspend(): void {
    this.suspended = true
    this.timers.clear('pong-deadline')
    for (const p of this.pending) p.timed = false
  }

  resume(): void {
    if (!this.suspended) return
    this.suspended = false
    const now = nowMs()
    for (const p of this.pending) p.sentAt = now
    this.arm()
  }

  /** `now` is passed when the caller just read the clock: a second reading could shave a GC pause off the wait. */
  private arm(now = nowMs()): void {
    if (this.suspended || this.timers.has('pong-deadline') || this.pongTimeoutMs <= 0 || this.pending.length === 0) return
    const wait = Math.max(0, this.pending[0].sentAt + this.pongTimeoutMs - now)
    this.timers.once('pong-deadline', wait, () => this.hooks.dead(this.pongTimeoutMs))
  }

  stop(): void {
    this.timers.clear('ping')
    this.timers.clear('pong-deadline')
    this.pending = []
  }
}
