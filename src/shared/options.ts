/** Connection options as the renderer, profiles and the engine all see them. JSON-serialisable. */
import type { ProtoSchemaDoc } from './codecs/protobufSchema'
import type { ProtocolOptions } from './protocols'

export interface KeyValue {
  name: string
  value: string
  /** Secret values are masked in the UI, kept out of profile files and dropped on cross-origin redirects. */
  secret?: boolean
  enabled?: boolean
}

export type AuthOptions =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'apiKey'; name: string; value: string; in: 'header' | 'query' }

export interface TlsOptions {
  /** Extra CA certificates, PEM text. */
  ca?: string[]
  /** Client certificate and key, PEM text. */
  cert?: string
  key?: string
  /** Client certificate as PKCS#12, base64. */
  pfx?: string
  passphrase?: string
  servername?: string
  /** Explicit per-connection opt-in; verification is on otherwise. */
  allowInvalidCertificates?: boolean
}

export interface ProxyOptions {
  type: 'http' | 'socks5'
  /** e.g. http://user:pass@127.0.0.1:8080 or socks5://127.0.0.1:1080 */
  url: string
}

export interface HeartbeatOptions {
  /** Seconds between our pings; 0 = off. */
  intervalSec: number
  payload?: string
  /** After a ping, how long to wait for a pong before declaring the link dead. 0 = never. */
  pongTimeoutMs?: number
  /** Answer the server's pings automatically (default on). */
  autoPong?: boolean
}

export interface ReconnectOptions {
  enabled: boolean
  baseMs?: number
  capMs?: number
  /** 0 = unlimited. */
  maxAttempts?: number
  /** Uptime after which the attempt counter resets. */
  stableMs?: number
}

export type OutgoingMessage = { kind: 'text'; data: string } | { kind: 'binary'; encoding: 'hex' | 'base64'; data: string }

export interface ConnectionOptions {
  url: string
  query?: KeyValue[]
  headers?: KeyValue[]
  subprotocols?: string[]
  origin?: string
  auth?: AuthOptions
  tls?: TlsOptions
  proxy?: ProxyOptions
  handshakeTimeoutMs?: number
  closeTimeoutMs?: number
  maxPayloadBytes?: number
  maxFragments?: number
  maxBufferedChunks?: number
  perMessageDeflate?: boolean
  followRedirects?: boolean
  maxRedirects?: number
  heartbeat?: HeartbeatOptions
  reconnect?: ReconnectOptions
  /** Sent in order after every successful open, reconnects included. */
  preamble?: OutgoingMessage[]
  /** Record this connection to disk (every event, full payloads); on unless set to false. */
  record?: boolean
  /**
   * How the inspector decodes this connection's payloads, per direction: a codec chain (`gzip → msgpack`, see
   * shared/codecs); absent means sniffed per message. Only the renderer reads it; the engine ignores it.
   */
  decode?: {
    in?: string
    out?: string
    /** The most bytes a decompression or decode may produce before the message is refused (default 64 MiB). */
    maxOutputBytes?: number
  }
  /** The Protobuf schema imported for this connection, which `protobuf:Type` chains read. Only the renderer reads it. */
  protobuf?: ProtoSchemaDoc
  /** The protocol spoken over the socket (Socket.IO, …): its view, keep-alive and connect handshake. */
  protocol?: ProtocolOptions
}

export const DEFAULTS = {
  handshakeTimeoutMs: 10_000,
  closeTimeoutMs: 5_000,
  maxPayloadBytes: 16 * 1024 * 1024,
  maxFragments: 1024,
  maxBufferedChunks: 16 * 1024,
  maxRedirects: 5,
  pongTimeoutMs: 10_000,
  reconnectBaseMs: 500,
  reconnectCapMs: 30_000,
  reconnectMaxAttempts: 0,
  reconnectStableMs: 10_000
} as const
