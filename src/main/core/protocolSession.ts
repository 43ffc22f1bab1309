/**
 * What core does for the protocol a connection speaks (shared/protocols): its connect handshake and its keep-alive,
 * answered from the frames that arrive, so the server does not drop a link whose user is only reading. Pure: it
 * returns the frames to send; the connection sends them as messages, so they are in the log and the recording.
 * A new session per attempt: each socket starts the protocol afresh.
 */
import type { ConnectionOptions } from '../../shared/options'
import { protocolOf } from '../../shared/protocols'
import { connectPacket, parseSocketIoFrame } from '../../shared/protocols/socketio'

export interface ProtocolSession {
  /** A frame arrived: the frames to answer it with, in order (often none). */
  received(frame: string | Uint8Array): string[]
}

export function protocolSession(url: string, options: ConnectionOptions): ProtocolSession | null {
  if (protocolOf(url, options.protocol) !== 'socketio') return null
  const namespace = options.protocol?.namespace || '/'
  // Validated as a JSON object on arrival (shared/schema.ts); blank means no auth payload.
  const authText = options.protocol?.auth?.trim()
  const auth: unknown = authText ? JSON.parse(authText) : undefined
  return {
    received(frame) {
      if (typeof frame !== 'string') return []
      const f = parseSocketIoFrame(frame)
      // Engine.IO v4, "Heartbeat": the server sends a ping every pingInterval and closes the session when no pong
      // comes within pingTimeout; the pong carries the ping's data (empty except the upgrade's "probe").
      if (f.engine === 'ping') return [`3${f.data}`]
      // Socket.IO v5, "Connection to a namespace": once Engine.IO is open, the client sends CONNECT for its
      // namespace (with the auth payload); the server answers CONNECT with a sid, or CONNECT_ERROR.
      if (f.engine === 'open') return [connectPacket(namespace, auth)]
      return []
    }
  }
}
