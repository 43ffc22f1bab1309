/**
 * Wires one attempt's `ws` socket to its connection: every listener runs guarded (a throw becomes an internal
 * error on that connection, never an uncaught exception) and only while the socket is the current attempt's.
 */
import type WebSocket from 'ws'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { asBytes, incomingMessage } from './bytes'
import { PingAnswerer } from './autoPong'
import type { EventBody } from './connection'
import type { HandshakeCapture } from './handshakeCapture'

export interface AttemptHandlers {
  /** Wraps a callback: skipped once the socket is not current, throws turned into an internal error. */
  guard<A extends unknown[]>(where: string, fn: (...args: A) => void): (...args: A) => void
  emit(e: EventBody): void
  followRedirects: boolean
  /** Answer the server's pings (the default; the user may turn it off). */
  autoPong: boolean
  redirect(url: string, req: ClientRequest): void
  unexpectedResponse(req: ClientRequest, res: IncomingMessage): void
  opened(): void
  /** A pong arrived: the RTT when it answers one of our timed pings. */
  pongReceived(): number | undefined
  pingFlood(limit: number): void
  /** A message arrived (after its event): the protocol session may answer it. */
  received(data: string | Uint8Array): void
  error(err: Error): void
  closed(code: number, reason: string, wasClean: boolean): void
}

export function listenToAttempt(ws: WebSocket, capture: HandshakeCapture, h: AttemptHandlers): void {
  const on = <A extends unknown[]>(event: string, fn: (...args: A) => void): void => {
    ws.on(event, h.guard(`the "${event}" handler`, fn) as (...args: unknown[]) => void)
  }
  if (h.followRedirects) on('redirect', (url: string, req: ClientRequest) => h.redirect(url, req))
  on('upgrade', (res: IncomingMessage) => capture.upgrade(res))
  on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => h.unexpectedResponse(req, res))
  on('open', () => h.opened())
  on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const e = incomingMessage(data, isBinary)
    h.emit(e)
    h.received(e.data)
  })
  const answerer = new PingAnswerer(ws, {
    sent: h.guard('answering a ping', (data: Uint8Array) => h.emit({ type: 'pong', dir: 'out', data })),
    flood: (limit) => h.pingFlood(limit)
  })
  on('ping', (data: Buffer) => {
    const bytes = asBytes(data).slice() // own copy: `ws` may hand out a view of a larger buffer
    h.emit({ type: 'ping', dir: 'in', data: bytes })
    if (h.autoPong) answerer.answer(bytes)
  })
  on('pong', (data: Buffer) => {
    const rttMs = h.pongReceived()
    h.emit({ type: 'pong', dir: 'in', data: asBytes(data).slice(), ...(rttMs !== undefined ? { rttMs } : {}) })
  })
  on('error', (err: Error) => h.error(err))
  const onClose = h.guard('the "close" handler', (code: number, reason: string, wasClean: boolean) => h.closed(code, reason, wasClean))
  ws.addEventListener('close', (ev) => onClose(ev.code, ev.reason, ev.wasClean))
}
