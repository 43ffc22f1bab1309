/** Core's side of each protocol (shared/protocols has the pure parsers): which session a connection runs. */
import type { ConnectionOptions } from '../../../shared/options'
import { protocolOf, type ProtocolKind } from '../../../shared/protocols'
import type { ProtocolSession, SessionFactory } from './session'
import { ProtocolDriver, type DriverIo } from './driver'
import { socketIoSession } from './socketIoSession'
import { mqttSession } from './mqttSession'
import { stompSession } from './stompSession'
import { signalrSession } from './signalrSession'
import { graphqlSession } from './graphqlSession'

export type { ProtocolSession, ProtocolReaction, ProtocolProblem } from './session'

const SESSIONS: Partial<Record<ProtocolKind, SessionFactory>> = {
  socketio: socketIoSession,
  graphql: graphqlSession,
  stomp: stompSession,
  mqtt: mqttSession,
  signalr: signalrSession
}

/**
 * The driver of one attempt's protocol session, once the socket opened with `subprotocol` (a protocol may be known by
 * it); raw WebSocket's does nothing but send the preamble.
 */
export function protocolDriver(url: string, options: ConnectionOptions, subprotocol: string | null, io: DriverIo): ProtocolDriver {
  const session = protocolSession(url, options, subprotocol)
  return session ? new ProtocolDriver(protocolOf(url, options.protocol, subprotocol), session, io) : new ProtocolDriver('raw', RAW, io)
}

/** Raw WebSocket: no handshake, no keep-alive of its own; the preamble goes at once. */
const RAW: ProtocolSession = { opened: () => ({}), received: () => ({}) }

/** The session for one attempt of a connection, once the socket opened with `subprotocol`; null for raw. */
export function protocolSession(url: string, options: ConnectionOptions, subprotocol: string | null = null): ProtocolSession | null {
  const factory = SESSIONS[protocolOf(url, options.protocol, subprotocol)]
  return factory ? factory({ url, options, subprotocol, answerKeepAlive: options.protocol?.keepAlive !== false }) : null
}
