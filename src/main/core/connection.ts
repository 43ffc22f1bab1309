/**
 * One inspector connection: a `ws` socket per attempt, heartbeat, reconnect, and every event it sees.
 * Lifecycle rules (DESIGN.md): states move only along `shared/lifecycle.ts`; every callback we hand to a timer
 * or a socket is guarded, so a bug reports an `internal` error on this connection instead of ending the process;
 * every exit from `open` stops the heartbeat, and every exit from an attempt clears all of its timers.
 */
import WebSocket from 'ws'
import { closeCodeMeaning } from '../../shared/closeCodes'
import { DEFAULTS, type ConnectionOptions, type OutgoingMessage } from '../../shared/options'
import type { ConnectionInfo, ConnectionState, SockEvent } from '../../shared/events'
import { INITIAL_STATE, isLegalTransition } from '../../shared/lifecycle'
import { buildRequest, redactRedirect, redactUrl, type BuiltRequest } from './buildRequest'
import { classifyError, isTlsVerificationFailure, type Classified } from './classify'
import { reconnectPlan } from './backoff'
import { Heartbeat } from './heartbeat'
import { nowMs } from './clock'
import { TimerSet } from './timers'
import { connectionScope } from './scope'
import { Attempt, type AttemptHost } from './attempt'
import * as errors from './lifecycleErrors'
import { requireOpen, sendControlFrame, sendMessage } from './outgoing'
import { protocolDriver } from './protocols'
import type { ProtocolDriver } from './protocols/driver'
import { protocolCloseMeaning, type ProtocolKind } from '../../shared/protocols'

export { MAX_BUFFERED_BYTES, NotOpenError } from './outgoing'

/** Events as a connection produces them; the id, seq and time are stamped on emission. */
export type EventBody = SockEvent extends infer E ? (E extends SockEvent ? Omit<E, 'id' | 'seq' | 'ts'> : never) : never

export class Connection {
  private seq = 0
  private state: ConnectionState = INITIAL_STATE
  /** The socket of the current attempt, until it closes. */
  private current: Attempt | null = null
  private heartbeat: Heartbeat | null = null
  readonly timers: TimerSet
  private attempt = 0
  /** Reconnect attempts since the last stable connection; drives the backoff. */
  private failures = 0
  private userClosed = false
  private noRetry = false
  readonly built: BuiltRequest
  /** What each attempt needs of this connection. */
  private readonly host: AttemptHost
  /** The renderer is behind (flow control); carried across reconnects. */
  private flowPaused = false
  /** Whether we currently read from the socket (false = throttled, shown by a `throttle` event). */
  private reading = true
  /** The current attempt's protocol session (handshake, keep-alive, acks), if the connection speaks one. */
  private protocol: ProtocolDriver | null = null
  /** The protocol the last attempt spoke, for its close codes' meanings. */
  private spoken: ProtocolKind = 'raw'

  constructor(
    readonly id: string,
    readonly options: ConnectionOptions,
    private readonly sink: (e: SockEvent) => void,
    private readonly random: () => number = Math.random
  ) {
    this.built = buildRequest(options)
    this.timers = new TimerSet((err, timer) => this.internalError(err, `timer "${timer}"`))
    this.host = {
      options,
      built: this.built,
      timers: this.timers,
      state: () => this.state,
      emit: (e) => this.emit(e),
      report: (c) => this.report(c),
      noRetry: () => (this.noRetry = true),
      redactRedirect: (r) => redactRedirect(r, this.built.secretQuery),
      internalError: (err, where) => this.internalError(err, where),
      pongReceived: () => this.heartbeat?.pongReceived(),
      // RFC 6455 §5.5.1: once our close frame is out, no more data frames; a ping that arrives while closing goes unanswered.
      received: (data) => {
        if (this.state === 'open') this.protocol?.received(data)
      },
      opened: (a) => this.opened(a),
      closed: (a, code, reason, wasClean) => this.closed(a, code, reason, wasClean)
    }
  }

  private emit(body: EventBody): void {
    this.sink({ ...body, id: this.id, seq: ++this.seq, ts: nowMs() } as SockEvent)
  }

  private setState(state: ConnectionState): void {
    const from = this.state
    if (!isLegalTransition(from, state)) throw new Error(`illegal state change ${from} → ${state}`)
    this.state = state
    if (from === 'connecting') this.timers.clear('handshake')
    if (from === 'open') this.leaveOpen()
    this.emit({ type: 'state', state, attempt: this.attempt })
    this.applyFlow()
  }

  /** Every exit from `open` (closing, dead, terminated, dropped) ends the heartbeat: no ping after open. */
  private leaveOpen(): void {
    this.heartbeat?.stop()
    this.heartbeat = null
    this.protocol?.stop()
    this.protocol = null
    this.timers.clear('stable')
  }

  /** A bug of ours surfaced in a callback: say so on this connection and end the attempt, so the app keeps running. Never throws. */
  internalError(err: unknown, where: string): void {
    try {
      this.report(errors.internalError(where, err))
    } catch {
      // The event sink itself failed; the process-level handler records it.
    }
    try {
      this.terminate()
    } catch {
      // Nothing more can be done for this connection.
    }
  }

  /** Shows an error on this connection (a TLS verification failure also ends retrying: it cannot change). */
  report(c: Classified): void {
    if (isTlsVerificationFailure(c)) this.noRetry = true
    this.emit({ type: 'error', class: c.class, message: c.message, ...(c.code ? { code: c.code } : {}), next: c.next })
  }

  info(): ConnectionInfo {
    return {
      id: this.id,
      url: this.built.displayUrl, // secrets masked: this reaches listings, recordings' headers and the renderer
      state: this.state,
      attempt: this.attempt,
      reconnectPending: this.timers.has('reconnect'),
      lastSeq: this.seq
    }
  }

  start(): void {
    this.userClosed = false
    connectionScope.run({ connectionId: this.id }, () => this.connect())
  }

  private connect(): void {
    this.timers.clear('reconnect')
    this.attempt++
    this.noRetry = false
    this.setState('connecting')
    const a = Attempt.open(this.host)
    if (a instanceof Error) {
      this.report(classifyError(a, { viaProxy: !!this.options.proxy }))
      this.noRetry = true
      this.emit({ type: 'close', code: 1006, reason: '', meaning: closeCodeMeaning(1006), initiator: 'abnormal', clean: false })
      this.setState('closed')
      return
    }
    this.current = a
  }

  /** Flow control: the renderer is behind (true) or caught up (false). */
  setFlowPaused(on: boolean): void {
    this.flowPaused = on
    this.applyFlow()
  }

  /**
   * Reads from the socket unless the renderer is behind, so TCP pushes back on the server instead of memory
   * growing. Only while `open` and not ending: a close handshake always needs reading (RFC 6455 §7.1.2).
   */
  private applyFlow(): void {
    const ws = this.current?.ws
    const live = !!ws && ws.readyState === WebSocket.OPEN
    const read = !(this.flowPaused && live && this.state === 'open' && this.current?.closeRequestedAt === 0)
    if (live) {
      if (read) ws.resume()
      else ws.pause()
    }
    if (read === this.reading) return
    this.reading = read
    if (read) this.heartbeat?.resume()
    else this.heartbeat?.suspend()
    this.emit({ type: 'throttle', on: !read })
  }

  private opened(a: Attempt): void {
    const io = { timers: this.timers, send: this.send.bind(this), report: this.report.bind(this), preamble: this.options.preamble ?? [] }
    const protocol = (this.protocol = protocolDriver(this.built.url, this.options, a.ws.protocol || null, io))
    this.spoken = protocol.kind
    this.setState('open')
    this.emit(
      a.capture.toEvent(
        a.ws,
        (u) => redactUrl(u, this.built.secretQuery),
        (r) => redactRedirect(r, this.built.secretQuery)
      )
    )
    this.startHeartbeat(a)
    const stableMs = this.options.reconnect?.stableMs ?? DEFAULTS.reconnectStableMs
    this.timers.once('stable', stableMs, () => (this.failures = 0))
    // The protocol's handshake is the first frame (a STOMP or MQTT server refuses anything before CONNECT); the
    // preamble follows once the server accepted it.
    protocol.opened()
  }

  private startHeartbeat(a: Attempt): void {
    const ws = a.ws
    this.heartbeat = Heartbeat.fromOptions(this.timers, this.options.heartbeat, {
      sendPing: (p) => {
        // `ws` gives no event when the server's close frame arrives: it is CLOSING while we still say open.
        if (this.state === 'open' && ws.readyState === WebSocket.OPEN) this.sendControl('ping', p)
      },
      dead: (ms) => {
        a.fail(errors.pongTimeout(ms))
        ws.terminate()
      }
    })
    this.heartbeat.start()
    if (!this.reading) this.heartbeat.suspend()
  }

  private closed(a: Attempt, wireCode: number, reason: string, wasClean: boolean): void {
    const { code, initiator, closeTimedOut } = a.outcome(wireCode)
    this.current = null
    this.applyFlow() // a throttle ends with its connection, before the close is reported
    if (closeTimedOut) this.report(errors.closeTimeout(this.options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs))
    this.timers.clear('close-timeout')
    this.timers.clear('http-body')
    const meaning = protocolCloseMeaning(this.spoken, code) ?? closeCodeMeaning(code)
    this.emit({ type: 'close', code, reason, meaning, initiator, clean: wasClean })
    this.setState('closed')
    this.maybeReconnect()
  }

  private maybeReconnect(): void {
    if (this.userClosed || this.noRetry) return
    const plan = reconnectPlan(this.options.reconnect, this.failures, this.random)
    if (plan.action === 'give-up') this.report(errors.reconnectGaveUp(plan.max))
    if (plan.action !== 'retry') return
    this.failures++
    this.emit({ type: 'reconnect', attempt: this.attempt + 1, delayMs: plan.delayMs })
    this.timers.once('reconnect', plan.delayMs, () => this.connect())
  }

  cancelReconnect(): boolean {
    if (!this.timers.has('reconnect')) return false
    this.timers.clear('reconnect')
    this.emit({ type: 'reconnect', attempt: this.attempt + 1, delayMs: 0, cancelled: true })
    return true
  }

  /** "Reconnect now": a scheduled retry happens at once instead of after its backoff; false when none is scheduled. */
  reconnectNow(): boolean {
    if (!this.timers.has('reconnect')) return false
    connectionScope.run({ connectionId: this.id }, () => this.connect()) // connect() clears the backoff timer
    return true
  }

  /** A message of the user's (the composer, the API). */
  sendByUser(msg: OutgoingMessage): Promise<void> {
    const sending = this.send(msg)
    this.protocol?.userSent(msg)
    return sending
  }

  /** `logged`: what the log and the recording keep instead, for a frame that carries a secret. */
  send(msg: OutgoingMessage, logged?: OutgoingMessage): Promise<void> {
    return sendMessage(requireOpen(this.current?.ws ?? null, this.state, 'send'), msg, (e) => this.emit(e), logged)
  }

  sendControl(type: 'ping' | 'pong', payload: Uint8Array): void {
    sendControlFrame(requireOpen(this.current?.ws ?? null, this.state, type), type, payload)
    if (type === 'ping') this.heartbeat?.pingSent()
    this.emit({ type, dir: 'out', data: payload })
  }

  /** Starts the closing handshake (RFC 6455 §7.1.2); the socket is ended if the server does not finish it in time. */
  close(code = 1000, reason = ''): void {
    this.userClosed = true
    this.cancelReconnect()
    const a = this.current
    if (a?.requestClose() !== 'open') return
    this.setState('closing') // reading resumes here: the close handshake needs it
    a.closeHandshake(code, String(reason))
  }

  terminate(): void {
    this.userClosed = true
    this.cancelReconnect()
    const a = this.current
    if (!a) return
    if (!a.closeRequestedAt) a.closeRequestedAt = nowMs()
    this.applyFlow()
    a.terminate()
  }

  /** Timers still pending for this connection (tests check none is left after close). */
  pendingTimers(): string[] {
    return this.timers.names()
  }
}
