/**
 * One attempt of a connection: its `ws` socket, the handshake it captures, and what happened to it (who asked to
 * close, whether its failure was reported already, the close code `ws` sent for a protocol error). A reconnect
 * is a new attempt; callbacks of an attempt that has ended do nothing, and none of them can throw out.
 */
import WebSocket from 'ws'
import type { ClientRequest, IncomingMessage } from 'node:http'
import type { ConnectionOptions } from '../../shared/options'
import { DEFAULTS } from '../../shared/options'
import type { CloseInitiator, ConnectionState, RedirectInfo } from '../../shared/events'
import type { BuiltRequest } from './buildRequest'
import { classifyError, type Classified } from './classify'
import { HandshakeCapture } from './handshakeCapture'
import { readHttpFailure } from './httpFailure'
import { nowMs } from './clock'
import { followRedirect } from './redirects'
import type { TimerSet } from './timers'
import { listenToAttempt } from './attemptEvents'
import * as errors from './lifecycleErrors'
import type { EventBody } from './connection'

/** What an attempt needs from its connection. */
export interface AttemptHost {
  readonly options: ConnectionOptions
  readonly built: BuiltRequest
  readonly timers: TimerSet
  state(): ConnectionState
  emit(e: EventBody): void
  /** Shows an error; a TLS verification failure also ends retrying. */
  report(c: Classified): void
  noRetry(): void
  redactRedirect(r: RedirectInfo): RedirectInfo
  internalError(err: unknown, where: string): void
  pongReceived(): number | undefined
  /** A message arrived: the connection's protocol session may answer it. */
  received(data: string | Uint8Array): void
  opened(a: Attempt): void
  closed(a: Attempt, code: number, reason: string, wasClean: boolean): void
}

export class Attempt {
  /** Its failure is reported: the errors `ws` raises after it repeat it. */
  failureReported = false
  private errorWhileOpen = false
  /** The close code `ws` sent after it detected a protocol error; it reports 1006 itself when the socket ends. */
  private protocolCloseCode = 0
  /** When we asked to close (or terminate); 0 while we have not. */
  closeRequestedAt = 0
  private closeTimedOut = false
  private ended = false
  readonly capture: HandshakeCapture

  private constructor(
    private readonly host: AttemptHost,
    readonly ws: WebSocket,
    capture: HandshakeCapture
  ) {
    this.capture = capture
  }

  /** Opens the socket; a URL or option `ws` refuses at once is returned as the error it threw. */
  static open(host: AttemptHost): Attempt | Error {
    const capture = new HandshakeCapture(host.built.url, host.built.secretHeaders)
    let ws: WebSocket
    try {
      ws = new WebSocket(host.built.url, host.built.protocols, {
        ...host.built.ws,
        finishRequest: (req: ClientRequest) => {
          capture.request(req)
          req.end()
        }
      })
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err))
    }
    const a = new Attempt(host, ws, capture)
    a.armHandshakeDeadline()
    a.listen()
    return a
  }

  get live(): boolean {
    return !this.ended
  }

  fail(c: Classified): void {
    this.failureReported = true
    if (c.closeCode) this.protocolCloseCode = c.closeCode
    this.host.report(c)
  }

  /** A socket callback of this attempt: skipped once it ended, a throw turned into an internal error. */
  guard<A extends unknown[]>(where: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      if (this.ended) return
      try {
        fn(...args)
      } catch (err) {
        this.host.internalError(err, where)
      }
    }
  }

  /** `ws`'s handshakeTimeout is an idle timeout (a trickling server never trips it): ours is total, from the first byte. */
  private armHandshakeDeadline(): void {
    const limit = this.host.options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs
    this.host.timers.once('handshake', limit, () => {
      if (this.ended || this.host.state() !== 'connecting') return
      this.fail(errors.handshakeTimeout(limit))
      this.ws.terminate()
    })
  }

  private listen(): void {
    const { host, capture } = this
    listenToAttempt(this.ws, capture, {
      guard: (where, fn) => this.guard(where, fn),
      emit: (e) => host.emit(e),
      followRedirects: !!host.options.followRedirects,
      autoPong: host.options.heartbeat?.autoPong !== false,
      redirect: (url, req) =>
        followRedirect(capture, host.built.secretHeaders, url, req, (r) => host.emit({ type: 'redirect', ...host.redactRedirect(r) })),
      unexpectedResponse: (req, res) => this.httpFailure(req, res),
      opened: () => host.opened(this),
      pongReceived: () => host.pongReceived(),
      pingFlood: (limit) => host.report(errors.pingFlood(limit)),
      received: (data) => host.received(data),
      error: (err) => {
        if (this.failureReported) return
        if (host.state() === 'open' || host.state() === 'closing') this.errorWhileOpen = true
        this.fail(classifyError(err, { viaProxy: !!host.options.proxy }))
      },
      closed: (code, reason, wasClean) => {
        this.ended = true
        host.closed(this, code, reason, wasClean)
      }
    })
  }

  private httpFailure(req: ClientRequest, res: IncomingMessage): void {
    // An answer arrived; reading its body has its own bound.
    this.host.timers.clear('handshake')
    this.failureReported = true
    readHttpFailure(
      res,
      this.host.timers,
      this.guard('reading an HTTP error', (e) => {
        // 3xx and 4xx answers will not change by retrying; a broken 101 neither.
        if ((e.status ?? 101) < 500) this.host.noRetry()
        this.host.emit(e)
        req.destroy()
        this.ws.terminate()
      })
    )
  }

  /**
   * We ask to close. A handshake still under way is aborted ('aborted'); an open socket is ready for the closing
   * handshake ('open': the caller moves to `closing`, then calls `closeHandshake`). Null if asked already.
   */
  requestClose(): 'aborted' | 'open' | null {
    if (this.closeRequestedAt) return null
    this.closeRequestedAt = nowMs()
    if (this.ws.readyState === WebSocket.CONNECTING) {
      this.failureReported = true // the abort error `ws` raises next is ours, not the server's
      this.ws.terminate()
      return 'aborted'
    }
    return this.ws.readyState === WebSocket.OPEN ? 'open' : null
  }

  /** Sends our close frame (RFC 6455 §7.1.2) and ends the socket if the server does not finish in time. */
  closeHandshake(code: number, reason: string): void {
    this.ws.close(code, reason)
    this.host.timers.once('close-timeout', this.host.options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs, () => {
      this.closeTimedOut = true
      this.ws.terminate()
    })
  }

  terminate(): void {
    if (!this.closeRequestedAt) this.closeRequestedAt = nowMs()
    this.failureReported = true
    this.ws.terminate()
  }

  /** How the attempt ended: the code to show (ours for a protocol error `ws` reports as 1006) and who ended it. */
  outcome(wireCode: number): { code: number; initiator: CloseInitiator; closeTimedOut: boolean } {
    const code = wireCode === 1006 && this.protocolCloseCode ? this.protocolCloseCode : wireCode
    const local = this.closeRequestedAt > 0
    const initiator: CloseInitiator = local || (this.errorWhileOpen && code !== 1006) ? 'local' : code === 1006 ? 'abnormal' : 'remote'
    return { code, initiator, closeTimedOut: local && code === 1006 && this.closeTimedOut }
  }
}
