/** Our pings on a timer, RTT of each answering pong, and the pong deadline that declares a link dead. */
import { nowMs } from './clock'

export interface HeartbeatHooks {
  sendPing(payload: Uint8Array): void
  /** No pong arrived within `timeoutMs` of the oldest unanswered ping. */
  dead(timeoutMs: number): void
}

export class Heartbeat {
  private interval: NodeJS.Timeout | null = null
  private deadline: NodeJS.Timeout | null = null
  /** Send times of pings not yet answered, oldest first. */
  private pending: number[] = []

  constructor(
    private readonly hooks: HeartbeatHooks,
    private readonly intervalMs: number,
    private readonly pongTimeoutMs: number,
    private readonly payload: Uint8Array
  ) {}

  start(): void {
    if (this.intervalMs > 0) this.interval = setInterval(() => this.hooks.sendPing(this.payload), this.intervalMs)
  }

  /** Call for every ping we send (timer or manual) so its pong can be timed. */
  pingSent(): void {
    this.pending.push(nowMs())
    this.arm()
  }

  /** Returns the round-trip time when this pong answers one of our pings. */
  pongReceived(): number | undefined {
    const sentAt = this.pending.shift()
    if (this.deadline) clearTimeout(this.deadline)
    this.deadline = null
    this.arm()
    return sentAt === undefined ? undefined : nowMs() - sentAt
  }

  private arm(): void {
    if (this.deadline || this.pongTimeoutMs <= 0 || this.pending.length === 0) return
    const wait = Math.max(0, this.pending[0] + this.pongTimeoutMs - nowMs())
    this.deadline = setTimeout(() => {
      this.deadline = null
      this.hooks.dead(this.pongTimeoutMs)
    }, wait)
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval)
    if (this.deadline) clearTimeout(this.deadline)
    this.interval = this.deadline = null
    this.pending = []
  }
}
