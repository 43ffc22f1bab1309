/**
 * The protocol a connection speaks over WebSocket. `raw` shows frames as they are; the others (Socket.IO so far)
 * decode frames into their protocol's messages in the log and have core answer the protocol's keep-alive and do
 * its connect handshake. `auto` (the default) picks one from the URL and the negotiated subprotocol.
 */
import { looksLikeSocketIo } from './socketio'

export type ProtocolKind = 'raw' | 'socketio'

export const PROTOCOL_NAMES: Record<ProtocolKind, string> = { raw: 'raw WebSocket', socketio: 'Socket.IO' }

export interface ProtocolOptions {
  /** Absent or `auto`: chosen from the URL (`/socket.io/?EIO=4`) and subprotocol. */
  kind?: 'auto' | ProtocolKind
  /** Socket.IO: the namespace to connect to (`/` when absent). */
  namespace?: string
  /** Socket.IO: the CONNECT packet's `auth` payload, as JSON text (a secret: it usually holds a token). */
  auth?: string
}

export function protocolOf(url: string, options: ProtocolOptions | undefined): ProtocolKind {
  const kind = options?.kind ?? 'auto'
  if (kind !== 'auto') return kind
  return looksLikeSocketIo(url) ? 'socketio' : 'raw'
}
