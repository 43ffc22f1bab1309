/**
 * The protocol a connection speaks over WebSocket. `raw` shows frames as they are; the others decode frames into
 * their protocol's messages in the log, and core answers their keep-alive and does their connect handshake
 * (src/main/core/protocols). `auto` (the default) picks one from the negotiated subprotocol, else from the URL.
 *
 * Each protocol is one module here (pure: the page, core and tests share it) with what it is known by and how a log
 * row shows one of its frames, registered in PROTOCOLS below.
 */
import type { DescribeContext, FrameView, ProtocolModule } from './types'
import { socketIoModule } from './socketio'
import { mqttModule } from './mqttView'
import { stompModule } from './stompModule'
import { signalrModule } from './signalr'
import { graphqlModule } from './graphql'

export type { DescribeContext, FrameView, Operation, ProtocolModule } from './types'

export type ProtocolKind = 'raw' | 'socketio' | 'graphql' | 'stomp' | 'mqtt' | 'signalr'

export const PROTOCOL_NAMES: Record<ProtocolKind, string> = {
  raw: 'raw WebSocket',
  socketio: 'Socket.IO',
  graphql: 'GraphQL over WebSocket',
  stomp: 'STOMP',
  mqtt: 'MQTT',
  signalr: 'SignalR'
}

/** GraphQL's connection settings (graphql-transport-ws, or the legacy graphql-ws of subscriptions-transport-ws). */
export interface GraphqlOptions {
  /** `connection_init`'s payload, as JSON object text (a secret: it usually holds a token). */
  connectionParams?: string
}

/** STOMP's CONNECT settings (STOMP 1.2 §"CONNECT or STOMP Frame"). */
export interface StompOptions {
  /** The `host` header: the virtual host (RabbitMQ's vhost); the URL's host when absent. */
  host?: string
  login?: string
  /** A secret. */
  passcode?: string
  /** Heart-beat we offer and ask for, in ms (`heart-beat:<ms>,<ms>`); 0 means none. 10,000 when absent. */
  heartBeatMs?: number
}

/** MQTT's CONNECT settings (MQTT 3.1.1 §3.1, MQTT 5.0 §3.1). */
export interface MqttOptions {
  /** 4 is MQTT 3.1.1, 5 is MQTT 5.0; 4 when absent. */
  version?: 4 | 5
  /** Empty or absent: a generated `sockscope-…` id. */
  clientId?: string
  username?: string
  /** A secret. */
  password?: string
  /** Clean session (3.1.1) / clean start (5.0); true when absent. */
  cleanStart?: boolean
  /** Keep-alive in seconds; 0 turns it off. 60 when absent. */
  keepAliveS?: number
}

/** SignalR's settings (JSON hub protocol). */
export interface SignalrOptions {
  /** How often we ping the hub, in ms (the server drops a client silent for its ClientTimeoutInterval, 30 s by default). */
  keepAliveMs?: number
}

export interface ProtocolOptions {
  /** Absent or `auto`: chosen from the negotiated subprotocol and the URL. */
  kind?: 'auto' | ProtocolKind
  /** Answer the protocol's keep-alive (pings, heart-beats, PINGREQ); on unless false. */
  keepAlive?: boolean
  /** Socket.IO: the namespace to connect to (`/` when absent). */
  namespace?: string
  /** Socket.IO: the CONNECT packet's `auth` payload, as JSON text (a secret: it usually holds a token). */
  auth?: string
  graphql?: GraphqlOptions
  stomp?: StompOptions
  mqtt?: MqttOptions
  signalr?: SignalrOptions
}

/** Every protocol but raw, in the order a user reads them. */
export const PROTOCOLS: Partial<Record<ProtocolKind, ProtocolModule>> = {
  socketio: socketIoModule,
  graphql: graphqlModule,
  stomp: stompModule,
  mqtt: mqttModule,
  signalr: signalrModule
}

/**
 * The protocol of a connection: the pinned one, else the one the negotiated subprotocol names (known once open),
 * else the one the URL looks like, else raw.
 */
export function protocolOf(url: string, options: ProtocolOptions | undefined, subprotocol?: string | null): ProtocolKind {
  const kind = options?.kind ?? 'auto'
  if (kind !== 'auto') return kind
  const modules = Object.entries(PROTOCOLS) as Array<[ProtocolKind, ProtocolModule]>
  if (subprotocol) for (const [k, m] of modules) if (m.subprotocols.includes(subprotocol)) return k
  for (const [k, m] of modules) if (m.matchesUrl(url)) return k
  return 'raw'
}

/**
 * The subprotocols a connection offers: the user's list when they gave one, else those of the pinned protocol
 * (a broker refuses an MQTT client that does not offer `mqtt`; RFC 6455 §4.1 item 10), else those of a protocol
 * whose servers require one and whose endpoint the URL looks like (GraphQL's `/graphql`). Offering one to a server
 * that picks none fails the handshake (RFC 6455 §4.1 item 10), so an unpinned URL offers nothing otherwise.
 */
export function offeredSubprotocols(listed: string[] | undefined, options: ProtocolOptions | undefined, url = ''): string[] {
  if (listed?.length) return listed
  const kind = options?.kind ?? 'auto'
  if (kind !== 'auto') return kind === 'raw' ? [] : [...(PROTOCOLS[kind]?.subprotocols ?? [])]
  const detected = Object.values(PROTOCOLS).find((m) => m.offeredOnUrlMatch && m.matchesUrl(url))
  return detected ? [...detected.subprotocols] : []
}

/** How a log row shows one frame of a connection that speaks `kind`; null for raw. */
export function describeFrame(
  kind: ProtocolKind,
  frame: string | Uint8Array,
  subprotocol: string | null,
  ctx?: DescribeContext
): FrameView | null {
  return kind === 'raw' ? null : (PROTOCOLS[kind]?.describe(frame, subprotocol, ctx) ?? null)
}

/** A close code's meaning in the protocol spoken (GraphQL's 4403 Forbidden), where it defines one. */
export function protocolCloseMeaning(kind: ProtocolKind, code: number): string | undefined {
  return kind === 'raw' ? undefined : PROTOCOLS[kind]?.closeMeaning?.(code)
}

/** The application payload a frame of `kind` carries, for the codec chain; null when none (or raw). */
export function framePayload(
  kind: ProtocolKind,
  frame: string | Uint8Array,
  subprotocol: string | null,
  ctx?: DescribeContext
): string | Uint8Array | null {
  return kind === 'raw' ? null : (PROTOCOLS[kind]?.payloadOf?.(frame, subprotocol, ctx) ?? null)
}
