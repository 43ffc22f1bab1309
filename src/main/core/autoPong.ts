/**
 * Answers the server's pings ourselves instead of through `ws`'s autoPong. RFC 6455 §5.5.2: a ping is answered
 * with a pong carrying the same data "as soon as is practical". A server that floods pings and does not read our
 * answers would make them queue without bound; `ws` then drops the link silently (a bare 1006). Instead, past a
 * limit of unwritten pongs we answer only the most recent ping once the backlog drains, which §5.5.3 allows,
 * and say so once: memory stays bounded and the link stays up.
 */
import WebSocket from 'ws'

export const MAX_PONGS_IN_FLIGHT = 60

export interface PingAnswerHooks {
  /** A pong was handed to the socket. */
  sent(data: Uint8Array): void
  /** The backlog reached the limit for the first time in this attempt. */
  flood(limit: number): void
}

export class PingAnswerer {
  /** Pongs handed to the socket whose write has not completed yet. */
  private inFlight = 0
  /** The latest ping not answered yet because the backlog was full. */
  private owed: Uint8Array | null = null
  private warned = false

  constructor(
    private readonly ws: WebSocket,
    private readonly hooks: PingAnswerHooks
  ) {}

  answer(data: Uint8Array): void {
    // A pong is owed only while open: once a close frame was sent or received, none is sent (§5.5.2, §7.1.2).
    if (this.ws.readyState !== WebSocket.OPEN) return
    if (this.inFlight < MAX_PONGS_IN_FLIGHT) return this.write(data)
    this.owed = data
    if (!this.warned) {
      this.warned = true
      this.hooks.flood(MAX_PONGS_IN_FLIGHT)
    }
  }

  /** Pongs written or waiting to be (for tests and memory checks). */
  get backlog(): number {
    return this.inFlight + (this.owed ? 1 : 0)
  }

  private write(data: Uint8Array): void {
    this.inFlight++
    this.ws.pong(data, undefined, () => {
      this.inFlight--
      const owed = this.owed
      if (owed && this.ws.readyState === WebSocket.OPEN) {
        this.owed = null
        this.write(owed)
      }
    })
    this.hooks.sent(data)
  }
}
