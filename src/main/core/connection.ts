/**
 * One inspector connection: a `ws` socket per attempt, heartbeat, reconnect, and every event it sees.
 * Lifecycle rules (DESIGN.md): states move only along `shared/lifecycle.ts`; every callback we hand to a timer
 * or a socket is guarded, so a bug reports an `internal` error on this connection instead of ending the process;
 * every exit from `open` stops the heartbeat, and every exit from an attempt clears all of its timers.
 */
import WebSocket from 'ws'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { closeCodeMeaning } from '../../shared/closeCodes'
import { DEFAULTS, type ConnectionOptions, type OutgoingMessage } from '../../shared/options'
import type { CloseInitiator, ConnectionInfo, ConnectionState, RedirectInfo, SockEvent } from '../../shared/events'
import { INITIAL_STATE, isLegalTransition } from '../../shared/lifecycle'
import { buildRequest, redactUrl, type BuiltRequest } from './buildRequest'
import { classifyError, isTlsVerificationFailure, type Classified } from './classify'
import { reconnectPlan } from './backoff'
import { Heartbeat } from './heartbeat'
import { HandshakeCapture } from './handshakeCapture'
import { readHttpFailure } from './httpFailure'
import { nowMs } from './clock'
import { followRedirect } from './redirects'
import { TimerSet } from './timers'
import { connectionScope } from './scope'
import { listenToAttempt } from './attemptEvents'
import * as errors from './lifecycleErrors'
import { requireOpen, sendControlFrame, sendMessage } from './outgoing'

export { MAX_BUFFERED_BYTES, NotOpenError } from './outgoing'

/** Events as a connection produces them; the id, seq and time are stamped on emission. */
export type EventBody = SockEvent extends infer E ? (E extends SockEvent ? Omit<E, 'id' | 'seq' | 'ts'> : never) : never

export class Connection {
  private seq = 0
  private state: ConnectionState = INITIAL_STATE
  private ws: WebSocket | null = null
  private heartbeat: Heartbeat | null = null
  readonly timers: TimerSet
  private attempt = 0
  /** Reconnect attempts since the last stable connection; drives the backoff. */
  private failures = 0
  private userClosed = false
  private noRetry = false
  /** The failure of the current attempt has been reported; later `ws` errors repeat it. */
  private failureReported = false
  /** When we asked to close (or terminate) this attempt; 0 while we have not. */
  private closeRequestedAt = 0
  private closeTimedOut = false
  private errorWhileOpen = false
  /** Close code `ws` sent after it detected a protocol error; it reports 1006 itself when the socket then ends. */
  private protocolCloseCode = 0
  private readonly built: BuiltRequest
  /** The renderer is behind (flow control); carried across reconnects. */
  private flowPaused = false
  /** Whether we currently read from the socket (false = throttled, shown by a `throttle` event). */
  private reading = true

  constructor(
    readonly id: string,
    private readonly options: ConnectionOptions,
    private readonly sink: (e: SockEvent) => void,
    private readonly random: () => number = Math.random
  ) {
    this.built = buildRequest(options)
    this.timers = new TimerSet((err, timer) => this.internalError(err, `timer "${timer}"`))
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
    this.timers.clear('stable')
  }

  /**
   * A bug of ours surfaced in a callback: say so on this connection and end the attempt, so the rest of the
   * app keeps running. Never throws.
   */
  internalError(err: unknown, where: string): void {
    try {
      this.fail(errors.internalError(where, err))
    } catch {
      // The event sink itself failed; the process-level handler records it.
    }
    try {
      this.terminate()
    } catch {
      // Nothing more can be done for this connection.
    }
  }

  /** An error found outside the connection (its recording failed): shown on it, nothing else changes. */
  report(c: Classified): void {
    this.emit({ type: 'error', class: c.class, message: c.message, ...(c.code ? { code: c.code } : {}), next: c.next })
  }

  /** Runs a socket callback for the current attempt only, with any throw turned into an internal error. */
  private guarded<A extends unknown[]>(ws: WebSocket, where: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      if (this.ws !== ws) return
      try {
        fn(...args)
      } catch (err) {
        this.internalError(err, where)
      }
    }
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
    this.failureReported = false
    this.errorWhileOpen = false
    this.protocolCloseCode = 0
    this.closeRequestedAt = 0
    this.closeTimedOut = false
    this.setState('connecting')
    const capture = new HandshakeCapture(this.built.url, this.built.secretHeaders)
    let ws: WebSocket
    try {
      ws = new WebSocket(this.built.url, this.built.protocols, {
        ...this.built.ws,
        finishRequest: (req: ClientRequest) => {
          capture.request(req)
          req.end()
        }
      })
    } catch (err) {
      this.fail(classifyError(err, { viaProxy: !!this.options.proxy }))
      this.noRetry = true
      this.emit({ type: 'close', code: 1006, reason: '', meaning: closeCodeMeaning(1006), initiator: 'abnormal', clean: false })
      this.setState('closed')
      return
    }
    this.ws = ws
    this.armHandshakeDeadline(ws)
    this.listen(ws, capture)
  }

  /** `ws`'s handshakeTimeout is an idle timeout (a trickling server never trips it): ours is total, from the first byte. */
  private armHandshakeDeadline(ws: WebSocket): void {
    const limit = this.options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs
    this.timers.once('handshake', limit, () => {
      if (this.ws !== ws || this.state !== 'connecting') return
      this.fail(errors.handshakeTimeout(limit))
      ws.terminate()
    })
  }

  private listen(ws: WebSocket, capture: HandshakeCapture): void {
    listenToAttempt(ws, capture, {
      guard: (where, fn) => this.guarded(ws, where, fn),
      emit: (e) => this.emit(e),
      followRedirects: !!this.options.followRedirects,
      autoPong: this.options.heartbeat?.autoPong !== false,
      redirect: (url, req) =>
        followRedirect(capture, this.built.secretHeaders, url, req, (r) => this.emit({ type: 'redirect', ...this.redactRedirect(r) })),
      unexpectedResponse: (req, res) => this.httpFailure(ws, req, res),
      opened: () => this.opened(ws, capture),
      pongReceived: () => this.heartbeat?.pongReceived(),
      pingFlood: (limit) => this.fail(errors.pingFlood(limit)),
      error: (err) => {
        if (this.failureReported) return
        if (this.state === 'open' || this.state === 'closing') this.errorWhileOpen = true
        this.fail(classifyError(err, { viaProxy: !!this.options.proxy }))
      },
      closed: (code, reason, wasClean) => this.closed(code, reason, wasClean)
    })
  }

  private redactRedirect(r: RedirectInfo): RedirectInfo {
    const q = this.built.secretQuery
    return { ...r, from: redactUrl(r.from, q), to: /^wss?:/.test(r.to) ? redactUrl(r.to, q) : r.to }
  }

  private fail(c: Classified): void {
    this.failureReported = true
    if (isTlsVerificationFailure(c)) this.noRetry = true
    if (c.closeCode) this.protocolCloseCode = c.closeCode
    this.emit({ type: 'error', class: c.class, message: c.message, ...(c.code ? { code: c.code } : {}), next: c.next })
  }

  private httpFailure(ws: WebSocket, req: ClientRequest, res: IncomingMessage): void {
    // An answer arrived; reading its body has its own bound.
    this.timers.clear('handshake')
    this.failureReported = true
    readHttpFailure(
      res,
      this.timers,
      this.guarded(ws, 'reading an HTTP error', (e) => {
        // 3xx and 4xx answers will not change by retrying; a broken 101 neither.
        if ((e.status ?? 101) < 500) this.noRetry = true
        this.emit(e)
        req.destroy()
        ws.terminate()
      })
    )
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
    const ws = this.ws
    const live = !!ws && ws.readyState === WebSocket.OPEN
    const read = !(this.flowPaused && live && this.state === 'open' && this.closeRequestedAt === 0)
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

  private opened(ws: WebSocket, capture: HandshakeCapture): void {
    this.setState('open')
    this.emit(
      capture.toEvent(
        ws,
        (u) => redactUrl(u, this.built.secretQuery),
        (r) => this.redactRedirect(r)
      )
    )
    this.startHeartbeat(ws)
    const stableMs = this.options.reconnect?.stableMs ?? DEFAULTS.reconnectStableMs
    this.timers.once('stable', stableMs, () => (this.failures = 0))
    for (const m of this.options.preamble ?? []) {
      try {
        this.send(m).catch(() => undefined) // a failed send is already in the log as a failed message
      } catch (err) {
        this.fail(errors.preambleNotSent(err))
      }
    }
  }

  private startHeartbeat(ws: WebSocket): void {
    const hb = this.options.heartbeat
    this.heartbeat = new Heartbeat(
      this.timers,
      {
        sendPing: (p) => {
          // `ws` gives no event when the server's close frame arrives: it is CLOSING while we still say open.
          if (this.state === 'open' && ws.readyState === WebSocket.OPEN) this.sendControl('ping', p)
        },
        dead: (ms) => {
          this.fail(errors.pongTimeout(ms))
          ws.terminate()
        }
      },
      (hb?.intervalSec ?? 0) * 1000,
      hb?.pongTimeoutMs ?? DEFAULTS.pongTimeoutMs,
      new TextEncoder().encode(hb?.payload ?? '')
    )
    this.heartbeat.start()
    if (!this.reading) this.heartbeat.suspend()
  }

  private closed(wireCode: number, reason: string, wasClean: boolean): void {
    const code = wireCode === 1006 && this.protocolCloseCode ? this.protocolCloseCode : wireCode
    this.ws = null
    this.applyFlow() // a throttle ends with its connection, before the close is reported
    const local = this.closeRequestedAt > 0
    if (local && code === 1006 && this.closeTimedOut) this.fail(errors.closeTimeout(this.options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs))
    this.timers.clear('close-timeout')
    this.timers.clear('http-body')
    const initiator: CloseInitiator = local || (this.errorWhileOpen && code !== 1006) ? 'local' : code === 1006 ? 'abnormal' : 'remote'
    this.emit({ type: 'close', code, reason, meaning: closeCodeMeaning(code), initiator, clean: wasClean })
    this.setState('closed')
    this.maybeReconnect()
  }

  private maybeReconnect(): void {
    if (this.userClosed || this.noRetry) return
    const defaults = { baseMs: DEFAULTS.reconnectBaseMs, capMs: DEFAULTS.reconnectCapMs, maxAttempts: DEFAULTS.reconnectMaxAttempts }
    const plan = reconnectPlan(this.options.reconnect, this.failures, defaults, this.random)
    if (plan.action === 'give-up') this.fail(errors.reconnectGaveUp(plan.max))
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

  send(msg: OutgoingMessage): Promise<void> {
    return sendMessage(requireOpen(this.ws, this.state, 'send'), msg, (e) => this.emit(e))
  }

  sendControl(type: 'ping' | 'pong', payload: Uint8Array): void {
    sendControlFrame(requireOpen(this.ws, this.state, type), type, payload)
    if (type === 'ping') this.heartbeat?.pingSent()
    this.emit({ type, dir: 'out', data: payload })
  }

  /** Starts the closing handshake (RFC 6455 §7.1.2); `ws` destroys the socket if the server does not finish it in time. */
  close(code = 1000, reason = ''): void {
    this.userClosed = true
    this.cancelReconnect()
    const ws = this.ws
    if (!ws || this.closeRequestedAt) return
    this.closeRequestedAt = nowMs()
    if (ws.readyState === WebSocket.CONNECTING) {
      this.failureReported = true // the abort error `ws` raises next is ours, not the server's
      ws.terminate()
      return
    }
    if (ws.readyState === WebSocket.OPEN) {
      this.setState('closing')
      ws.close(code, String(reason))
      const limit = this.options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs
      this.timers.once('close-timeout', limit, () => {
        this.closeTimedOut = true
        ws.terminate()
      })
    }
  }

  terminate(): void {
    this.userClosed = true
    this.cancelReconnect()
    const ws = this.ws
    if (!ws) return
    if (!this.closeRequestedAt) this.closeRequestedAt = nowMs()
    this.failureReported = true
    this.applyFlow()
    ws.terminate()
  }

  /** Timers still pending for this connection (tests check none is left after close). */
  pendingTimers(): string[] {
    return this.timers.names()
  }
}
