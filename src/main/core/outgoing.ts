/** What we put on the wire for the user: messages and control frames, refused clearly unless the link is open. */
import WebSocket from 'ws'
import type { ConnectionState } from '../../shared/events'
import type { OutgoingMessage } from '../../shared/options'
import { outgoingPayload } from './bytes'
import type { EventBody } from './connection'

/** Refuse sends while this much is already queued in the socket: no unbounded buffering. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024

export class NotOpenError extends Error {
  readonly code = 'NOT_OPEN'
}

export function requireOpen(ws: WebSocket | null, state: ConnectionState, what: string): WebSocket {
  // `ws` gives no event when the server's close frame arrives: it is CLOSING while we still say open.
  if (state === 'open' && ws?.readyState === WebSocket.CLOSING) {
    throw new NotOpenError(`Cannot ${what}: the server has started closing the connection.`)
  }
  if (state !== 'open' || !ws || ws.readyState !== WebSocket.OPEN) {
    throw new NotOpenError(`Cannot ${what}: the connection is ${state}. Connect first.`)
  }
  return ws
}

/**
 * Sends a message; its event is emitted from `ws`'s send callback, with the result. `logged`, when given, is what the
 * event carries instead of the payload: a protocol's handshake with its secret masked, so the log and the recording
 * never hold a passcode (the size is the real one).
 */
export function sendMessage(ws: WebSocket, msg: OutgoingMessage, emit: (e: EventBody) => void, logged?: OutgoingMessage): Promise<void> {
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
      try {
        const data = logged ? outgoingPayload(logged) : payload
        emit({ type: 'message', dir: 'out', kind, size, data, sent: !err, ...(err ? { error: err.message } : {}) })
      } finally {
        if (err) reject(err)
        else resolve()
      }
    })
  })
}

/** A ping or pong of ours (RFC 6455 §5.5: control payloads are at most 125 bytes). */
export function sendControlFrame(ws: WebSocket, type: 'ping' | 'pong', payload: Uint8Array): void {
  if (payload.byteLength > 125) throw new Error(`Cannot ${type}: a control frame payload is at most 125 bytes (got ${payload.byteLength}).`)
  ws[type](payload)
}

/**
 * Messages sent on the connection's own account (the preamble, a protocol's answers), in order. A send that fails
 * on the wire is in the log already as a failed message; one refused before it goes out is handed to `notSent`.
 */
export function sendInOrder(
  messages: OutgoingMessage[],
  send: (m: OutgoingMessage) => Promise<void>,
  notSent: (err: unknown) => void
): void {
  for (const m of messages) {
    try {
      send(m).catch(() => undefined)
    } catch (err) {
      notSent(err)
    }
  }
}
