/** Core's side of each protocol (shared/protocols has the pure parsers): which session a connection runs. */
import type { ConnectionOptions } from '../../../shared/options'
import { protocolOf, type ProtocolKind } from '../../../shared/protocols'
import type { ProtocolSession, SessionFactory } from './session'
import { socketIoSession } from './socketIoSession'
import { stompSession } from './stompSession'
import { signalrSession } from './signalrSession'

export type { ProtocolSession, ProtocolReaction, ProtocolProblem } from './session'

const SESSIONS: Partial<Record<ProtocolKind, SessionFactory>> = {
  socketio: socketIoSession,
  stomp: stompSession,
  signalr: signalrSession
}

/** The session for one attempt of a connection, once the socket opened with `subprotocol`; null for raw. */
export function protocolSession(url: string, options: ConnectionOptions, subprotocol: string | null = null): ProtocolSession | null {
  const factory = SESSIONS[protocolOf(url, options.protocol, subprotocol)]
  return factory ? factory({ url, options, subprotocol, answerKeepAlive: options.protocol?.keepAlive !== false }) : null
}
