/**
 * What core does for the protocol a connection speaks (shared/protocols): its connect handshake, its keep-alive and
 * the acknowledgements the protocol requires, so the server does not drop a link whose user is only reading. A
 * session is pure: it says what to send and what went wrong, and the driver (./driver.ts) sends it as messages, so
 * every frame is in the log and the recording. A new session per attempt: each socket starts the protocol afresh.
 */
import type { ConnectionOptions, OutgoingMessage } from '../../../shared/options'

/** An error the protocol reported (a refused CONNECT, a STOMP ERROR frame): said on the connection, in words. */
export interface ProtocolProblem {
  /** Our code for it, e.g. SOCKETIO_CONNECT_ERROR, STOMP_ERROR, MQTT_CONNACK_REFUSED. */
  code: string
  /** What the server said, in one sentence that names the protocol. */
  message: string
  /** What to do next, in one sentence. */
  next: string
}

/** A frame a session sends; `logged` is what the log and recording keep instead when it carries a secret. */
export type SessionFrame = OutgoingMessage & { logged?: OutgoingMessage }

export interface ProtocolReaction {
  /** Frames to send, in order. */
  send?: SessionFrame[]
  problems?: ProtocolProblem[]
  /** (Re)starts `tick` at this interval in ms, or stops it with 0: a keep-alive agreed in the handshake (STOMP). */
  tickEveryMs?: number
  /** The server accepted the handshake (CONNECTED, CONNACK, connection_ack): the user's preamble may go now. */
  ready?: boolean
}

export interface ProtocolSession {
  /**
   * The user's preamble waits for the server to accept the handshake (`ready`): a GraphQL server closes a link whose
   * subscribe comes before its connection_ack (4401), a STOMP server one that sends before CONNECTED.
   */
  readonly holdsPreamble?: boolean
  /** The socket opened: the protocol's connect handshake (STOMP CONNECT, MQTT CONNECT, `connection_init`). */
  opened(): ProtocolReaction
  /** A frame arrived: answers (pong, PUBACK) and problems, often nothing. */
  received(frame: string | Uint8Array): ProtocolReaction
  /** A frame of the user's went out: lets a session follow what it must complete (an MQTT QoS 2 publish). */
  sent?(frame: string | Uint8Array): ProtocolReaction
  /** How often `tick` runs while open, in ms; absent for a protocol whose server drives the keep-alive. */
  readonly tickMs?: number
  /** Our side of the keep-alive (PINGREQ, a STOMP heart-beat, a SignalR ping). */
  tick?(): ProtocolReaction
}

/**
 * Makes a session for one attempt. `subprotocol` is the one the server chose (a protocol may have dialects);
 * `answerKeepAlive` false leaves the keep-alive unanswered, to see what the server does then.
 */
export type SessionFactory = (ctx: {
  url: string
  options: ConnectionOptions
  subprotocol: string | null
  answerKeepAlive: boolean
}) => ProtocolSession

export const text = (data: string): OutgoingMessage => ({ kind: 'text', data })
/** A frame that carries a secret: sent as it is, logged and recorded as `shown` (the secret masked). */
export const withSecret = (frame: OutgoingMessage, shown: OutgoingMessage): SessionFrame => ({ ...frame, logged: shown })
export const binary = (bytes: Uint8Array): OutgoingMessage => ({
  kind: 'binary',
  encoding: 'base64',
  data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
})
