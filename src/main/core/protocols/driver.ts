/**
 * Runs one attempt's protocol session against its connection: sends what the session says (through the same path as
 * the user's messages, so each frame is logged and recorded), runs its keep-alive tick while open, and reports the
 * problems it finds as `app-protocol` errors. Every callback is guarded by the connection's TimerSet.
 */
import type { OutgoingMessage } from '../../../shared/options'
import type { ProtocolKind } from '../../../shared/protocols'
import { outgoingPayload } from '../bytes'
import type { Classified } from '../classify'
import * as errors from '../lifecycleErrors'
import { sendInOrder } from '../outgoing'
import type { TimerSet } from '../timers'
import type { ProtocolReaction, ProtocolSession, SessionFrame } from './session'

export interface DriverIo {
  timers: TimerSet
  send(m: OutgoingMessage, logged?: OutgoingMessage): Promise<void>
  report(c: Classified): void
  /** The user's preamble: sent once the handshake is accepted (at once for a session that does not hold it). */
  preamble: OutgoingMessage[]
}

const TICK = 'protocol-keepalive'

export class ProtocolDriver {
  constructor(
    /** The protocol spoken: a close code's meaning may be its own (GraphQL's 4403 Forbidden). */
    readonly kind: ProtocolKind,
    private readonly session: ProtocolSession,
    private readonly io: DriverIo
  ) {}

  private readied = false

  /** The socket opened: the handshake goes out, and our side of the keep-alive starts. */
  opened(): void {
    this.apply(this.session.opened())
    if (!this.session.holdsPreamble) this.becomeReady()
    this.tickEvery(this.session.tickMs ?? 0)
  }

  private tickEvery(ms: number): void {
    this.io.timers.clear(TICK)
    const tick = this.session.tick
    if (tick && ms > 0) this.io.timers.every(TICK, ms, () => this.apply(tick.call(this.session)))
  }

  received(frame: string | Uint8Array): void {
    this.apply(this.session.received(frame))
  }

  /** A message of the user's is on its way: the session may have to complete what it starts. */
  userSent(m: OutgoingMessage): void {
    if (this.session.sent) this.apply(this.session.sent(outgoingPayload(m)))
  }

  /** The link left `open`: nothing more is sent (RFC 6455 §5.5.1 once our close frame is out). */
  stop(): void {
    this.io.timers.clear(TICK)
  }

  private apply(r: ProtocolReaction): void {
    for (const p of r.problems ?? []) this.io.report({ class: 'app-protocol', code: p.code, message: p.message, next: p.next })
    if (r.tickEveryMs !== undefined) this.tickEvery(r.tickEveryMs)
    if (r.ready) this.becomeReady()
    if (r.send?.length)
      sendInOrder(
        r.send,
        (m) => this.io.send(m, (m as SessionFrame).logged),
        (err) => this.io.report(errors.protocolAnswerNotSent(err))
      )
  }

  /** The preamble goes as the user's own messages would: the session follows each (an MQTT QoS 2 publish). */
  private becomeReady(): void {
    if (this.readied) return
    this.readied = true
    sendInOrder(
      this.io.preamble,
      (m) => {
        const sending = this.io.send(m)
        this.userSent(m)
        return sending
      },
      (err) => this.io.report(errors.preambleNotSent(err))
    )
  }
}
