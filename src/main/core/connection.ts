/** One inspector connection: a `ws` socket per attempt, heartbeat, reconnect, and every event it sees. */
import WebSocket from 'ws'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { closeCodeMeaning } from '../../shared/closeCodes'
import { DEFAULTS, type ConnectionOptions, type OutgoingMessage } from '../../shared/options'
import type { CloseInitiator, ConnectionInfo, ConnectionState, RedirectInfo, SockEvent } from '../../shared/events'
import { buildRequest, redactUrl, type BuiltRequest } from './buildRequest'
import { classifyError, isTlsVerificationFailure, type Classified } from './classify'
import { fullJitterDelay } from './backoff'
import { Heartbeat } from './heartbeat'
import { HandshakeCapture } from './handshakeCapture'
import { readHttpFailure } from './httpFailure'
import { asBytes, outgoingPayload } from './bytes'
import { nowMs } from './clock'
import { followRedirect } from './redirects'

/** Events as a connection produces them; the id, seq and time are stamped on emission. */
export type EventBody = SockEvent extends infer E ? (E extends SockEvent ? Omit<E, 'id' | 'seq' | 'ts'> : never) : never

/** Refuse sends while this much is already queued in the socket: no unbounded buffering. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024

export class NotOpenError extends Error {
  readonly code = 'NOT_OPEN'
}

export class Connection {
  private seq = 0
  private state: ConnectionState = 'closed'
  private ws: WebSocket | null = null
  private capture: HandshakeCapture | null = null
  private heartbeat: Heartbeat | null = null
  private attempt = 0
  /** Reconnect attempts since the last stable connection; drives the backoff. */
  private failures = 0
  private userClosed = false
  private noRetry = false
  /** The failure of the current attempt has been reported; later `ws` errors repeat it. */
  private failureReported = false
  private closeRequestedAt = 0
  private errorWhileOpen = false
  /** Close code `ws` sent after it detected a protocol error; it reports 1006 itself when the socket then ends. */
  private protocolCloseCode = 0
  private reconnectTimer: NodeJS.Timeout | null = null
  private stableTimer: NodeJS.Timeout | null = null
  private readonly built: BuiltRequest
  /** Reading paused because the renderer is behind (flow control); carried across reconnects. */
  private flowPaused = false

  constructor(
    readonly id: string,
    private readonly options: ConnectionOptions,
    private readonly sink: (e: SockEvent) => void,
    private readonly random: () => number = Math.random
  ) {
    this.built = buildRequest(options)
  }

  private emit(body: EventBody): void {
    this.sink({ ...body, id: this.id, seq: ++this.seq, ts: nowMs() } as SockEvent)
  }

  private setState(state: ConnectionState): void {
    this.state = state
    this.emit({ type: 'state', state, attempt: this.attempt })
  }

  info(): ConnectionInfo {
    return {
      id: this.id,
      url: this.built.url,
      state: this.state,
      attempt: this.attempt,
      reconnectPending: !!this.reconnectTimer,
      lastSeq: this.seq
    }
  }

  start(): void {
    this.userClosed = false
    this.connect()
  }

  private connect(): void {
    this.reconnectTimer = null
    this.attempt++
    this.noRetry = false
    this.failureReported = false
    this.errorWhileOpen = false
    this.protocolCloseCode = 0
    this.closeRequestedAt = 0
    this.setState('connecting')
    const capture = (this.capture = new HandshakeCapture(this.built.url, this.built.secretHeaders))
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
    const current = (): boolean => this.ws === ws

    if (this.options.followRedirects) {
      ws.on('redirect', (url: string, req: ClientRequest) => {
        if (!current()) return
        followRedirect(capture, this.built.secretHeaders, url, req, (r) => this.emit({ type: 'redirect', ...this.redactRedirect(r) }))
      })
    }
    ws.on('upgrade', (res: IncomingMessage) => current() && capture.upgrade(res))
    ws.on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => current() && this.httpFailure(ws, req, res))
    ws.on('open', () => current() && this.opened(ws, capture))
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!current()) return
      if (isBinary) {
        const bytes = asBytes(data).slice() // own copy: `ws` may hand out a view of a larger buffer
        this.emit({ type: 'message', dir: 'in', kind: 'binary', size: bytes.byteLength, data: bytes })
      } else {
        const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(asBytes(data)).toString('utf8')
        this.emit({
          type: 'message',
          dir: 'in',
          kind: 'text',
          size: Buffer.isBuffer(data) ? data.byteLength : Buffer.byteLength(text),
          data: text
        })
      }
    })
    ws.on('ping', (data: Buffer) => {
      if (!current()) return
      this.emit({ type: 'ping', dir: 'in', data: asBytes(data).slice() })
      if (this.options.heartbeat?.autoPong !== false) this.emit({ type: 'pong', dir: 'out', data: asBytes(data).slice() })
    })
    ws.on('pong', (data: Buffer) => {
      if (!current()) return
      const rttMs = this.heartbeat?.pongReceived()
      this.emit({ type: 'pong', dir: 'in', data: asBytes(data).slice(), ...(rttMs !== undefined ? { rttMs } : {}) })
    })
    ws.on('error', (err: Error) => {
      if (!current() || this.failureReported) return
      if (this.state === 'open' || this.state === 'closing') this.errorWhileOpen = true
      this.fail(classifyError(err, { viaProxy: !!this.options.proxy }))
    })
    ws.addEventListener('close', (ev) => current() && this.closed(ev.code, ev.reason, ev.wasClean))
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
    readHttpFailure(res, (e) => {
      // 3xx and 4xx answers will not change by retrying; a broken 101 neither.
      const status = e.status ?? 101
      if (status < 500) this.noRetry = true
      this.failureReported = true
      this.emit(e)
      req.destroy()
      ws.terminate()
    })
  }

  /** Stops (or resumes) reading from the socket, so TCP pushes back on the server instead of memory growing. */
  setFlowPaused(on: boolean): void {
    this.flowPaused = on
    const ws = this.ws
    if (!ws || ws.readyState !== WebSocket.OPEN) return
    if (on) ws.pause()
    else ws.resume()
  }

  private opened(ws: WebSocket, capture: HandshakeCapture): void {
    if (this.flowPaused) ws.pause()
    this.setState('open')
    this.emit({
      type: 'handshake',
      url: redactUrl(ws.url, this.built.secretQuery),
      requestHeaders: capture.requestHeaders,
      status: capture.status,
      statusText: capture.statusText,
      responseHeaders: capture.responseHeaders,
      protocol: ws.protocol,
      extensions: ws.extensions,
      redirects: capture.redirects.map((r) => this.redactRedirect(r)),
      timings: capture.finalTimings(),
      ...(capture.tls ? { tls: capture.tls } : {})
    })
    const hb = this.options.heartbeat
    const payload = new TextEncoder().encode(hb?.payload ?? '')
    this.heartbeat = new Heartbeat(
      {
        sendPing: (p) => this.sendControl('ping', p),
        dead: (ms) => {
          this.fail({
            class: 'timeout',
            code: 'PONG_TIMEOUT',
            message: `No pong within ${ms} ms of our ping: the link is dead and was terminated.`,
            next: 'Check the network or the server; reconnect is attempted if it is on.'
          })
          ws.terminate()
        }
      },
      (hb?.intervalSec ?? 0) * 1000,
      hb?.pongTimeoutMs ?? DEFAULTS.pongTimeoutMs,
      payload
    )
    this.heartbeat.start()
    const stableMs = this.options.reconnect?.stableMs ?? DEFAULTS.reconnectStableMs
    this.stableTimer = setTimeout(() => (this.failures = 0), stableMs)
    for (const m of this.options.preamble ?? []) void this.send(m).catch(() => undefined)
  }

  private closed(wireCode: number, reason: string, wasClean: boolean): void {
    const code = wireCode === 1006 && this.protocolCloseCode ? this.protocolCloseCode : wireCode
    this.heartbeat?.stop()
    this.heartbeat = null
    if (this.stableTimer) clearTimeout(this.stableTimer)
    this.stableTimer = null
    const local = this.closeRequestedAt > 0
    if (local && code === 1006) {
      const waited = nowMs() - this.closeRequestedAt
      const limit = this.options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs
      if (waited >= limit - 5) {
        this.emit({
          type: 'error',
          class: 'timeout',
          code: 'CLOSE_TIMEOUT',
          message: `The server did not complete the closing handshake within ${limit} ms; the connection was terminated.`,
          next: 'Nothing to do; the server ignored our close frame.'
        })
      }
    }
    const initiator: CloseInitiator = local || (this.errorWhileOpen && code !== 1006) ? 'local' : code === 1006 ? 'abnormal' : 'remote'
    this.emit({ type: 'close', code, reason, meaning: closeCodeMeaning(code), initiator, clean: wasClean })
    this.ws = null
    this.setState('closed')
    this.maybeReconnect()
  }

  private maybeReconnect(): void {
    const r = this.options.reconnect
    if (!r?.enabled || this.userClosed || this.noRetry) return
    const max = r.maxAttempts ?? DEFAULTS.reconnectMaxAttempts
    if (max > 0 && this.failures >= max) {
      this.emit({
        type: 'error',
        class: 'network',
        code: 'RECONNECT_GAVE_UP',
        message: `Gave up after ${max} reconnect attempts.`,
        next: 'Press Connect to try again.'
      })
      return
    }
    this.failures++
    const delayMs = fullJitterDelay(this.failures, r.baseMs ?? DEFAULTS.reconnectBaseMs, r.capMs ?? DEFAULTS.reconnectCapMs, this.random)
    this.emit({ type: 'reconnect', attempt: this.attempt + 1, delayMs })
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs)
  }

  cancelReconnect(): boolean {
    if (!this.reconnectTimer) return false
    clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
    this.emit({ type: 'state', state: 'closed', attempt: this.attempt })
    return true
  }

  private requireOpen(what: string): WebSocket {
    if (this.state !== 'open' || !this.ws || this.ws.readyState !== WebSocket.OPEN) {
      throw new NotOpenError(`Cannot ${what}: the connection is ${this.state}. Connect first.`)
    }
    return this.ws
  }

  send(msg: OutgoingMessage): Promise<void> {
    const ws = this.requireOpen('send')
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      throw new Error(
        `Cannot send: ${ws.bufferedAmount} bytes are still queued because the server is not reading. Wait, or close the connection.`
      )
    }
    const payload = outgoingPayload(msg)
    const kind = msg.kind
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength
    return new Promise((resolve, reject) => {
      ws.send(payload, { binary: kind === 'binary' }, (err) => {
        this.emit({ type: 'message', dir: 'out', kind, size, data: payload, sent: !err, ...(err ? { error: err.message } : {}) })
        if (err) reject(err)
        else resolve()
      })
    })
  }

  sendControl(type: 'ping' | 'pong', payload: Uint8Array): void {
    const ws = this.requireOpen(type)
    if (payload.byteLength > 125)
      throw new Error(`Cannot ${type}: a control frame payload is at most 125 bytes (got ${payload.byteLength}).`)
    ws[type](payload)
    if (type === 'ping') this.heartbeat?.pingSent()
    this.emit({ type, dir: 'out', data: payload })
  }

  close(code = 1000, reason = ''): void {
    this.userClosed = true
    this.cancelReconnect()
    const ws = this.ws
    if (!ws) return
    this.closeRequestedAt = nowMs()
    if (ws.readyState === WebSocket.CONNECTING) {
      this.failureReported = true // the abort error `ws` raises next is ours, not the server's
      ws.terminate()
      return
    }
    if (ws.readyState === WebSocket.OPEN) {
      this.setState('closing')
      ws.close(code, String(reason))
    }
  }

  terminate(): void {
    this.userClosed = true
    this.cancelReconnect()
    if (this.ws) {
      this.closeRequestedAt = nowMs()
      this.failureReported = true
      this.ws.terminate()
    }
  }
}
