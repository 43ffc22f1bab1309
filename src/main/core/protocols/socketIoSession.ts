/** Socket.IO's session: the Engine.IO heartbeat answered, the namespace CONNECT sent, CONNECT_ERROR said in words. */
import { connectPacket, parseSocketIoFrame } from '../../../shared/protocols/socketio'
import { SECRET_MASK } from '../../../shared/secrets'
import { text, withSecret, type ProtocolSession, type SessionFactory } from './session'

export const socketIoSession: SessionFactory = ({ options, answerKeepAlive }): ProtocolSession => {
  const namespace = options.protocol?.namespace || '/'
  // Validated as a JSON object on arrival (shared/schema.ts); blank means no auth payload.
  const authText = options.protocol?.auth?.trim()
  const auth: unknown = authText ? JSON.parse(authText) : undefined
  return {
    holdsPreamble: true,
    // No tick: the server pings and we answer.
    opened: () => ({}),
    received(frame) {
      if (typeof frame !== 'string') return {}
      const f = parseSocketIoFrame(frame)
      // Engine.IO v4, "Heartbeat": the server sends a ping every pingInterval and closes the session when no pong
      // comes within pingTimeout; the pong carries the ping's data (empty except the upgrade's "probe").
      if (f.engine === 'ping') return answerKeepAlive ? { send: [text(`3${f.data}`)] } : {}
      // Socket.IO v5, "Connection to a namespace": once Engine.IO is open, the client sends CONNECT for its
      // namespace (with the auth payload); the server answers CONNECT with a sid, or CONNECT_ERROR.
      if (f.engine === 'open') {
        const connect = text(connectPacket(namespace, auth))
        // The auth payload is a secret (a token): the log and the recording keep its mask.
        return { send: [auth === undefined ? connect : withSecret(connect, text(connectPacket(namespace, SECRET_MASK)))] }
      }
      // Protocol v5, "Connection to a namespace": the server's CONNECT says the namespace took us; events may follow.
      if (f.engine === 'message' && f.packet.type === 'connect' && f.packet.nsp === namespace) return { ready: true }
      if (f.engine === 'message' && f.packet.type === 'connect_error') {
        const said = (f.packet.data as { message?: unknown } | undefined)?.message
        return {
          problems: [
            {
              code: 'SOCKETIO_CONNECT_ERROR',
              message: `Socket.IO refused namespace ${f.packet.nsp}: ${typeof said === 'string' ? said : JSON.stringify(f.packet.data)}`,
              next: 'Check the namespace and the auth payload in the Protocol settings, then reconnect.'
            }
          ]
        }
      }
      return {}
    }
  }
}
