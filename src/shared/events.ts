/** The engine's event stream: one union, shared by main, both transports and the renderer. */

export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed'

export interface EventBase {
  /** Connection id. */
  id: string
  /** Strictly increasing per connection, across reconnects. */
  seq: number
  /** Epoch milliseconds with a sub-millisecond fraction. */
  ts: number
}

export interface StateEvent extends EventBase {
  type: 'state'
  state: ConnectionState
  /** Which attempt this is (1 = first open, 2+ = reconnects). */
  attempt: number
}

export interface ReconnectScheduledEvent extends EventBase {
  type: 'reconnect'
  attempt: number
  delayMs: number
  /** The scheduled attempt was called off (Stop pressed); nothing more will follow until Connect. */
  cancelled?: boolean
}

/**
 * Capture is throttled: the renderer fell behind, so reading from the socket stopped (TCP pushes back on the
 * server) until it catches up. Control frames are not answered meanwhile; the pong deadline is suspended.
 */
export interface ThrottleEvent extends EventBase {
  type: 'throttle'
  on: boolean
}

export interface HeaderEntry {
  name: string
  value: string
  secret?: boolean
}

/** One attribute of a certificate name, as shown: `\` doubled, control and bidi-format characters as `\XX` (UTF-8 bytes). */
export interface DnField {
  name: string
  value: string
}

export interface CertificateInfo {
  /** RFC 4514 string (most specific first, special characters escaped), e.g. `CN=x\, O=Google LLC,O=Real Org`. */
  subject: string
  issuer: string
  /** The same names attribute by attribute, for display; absent in recordings made before they existed. */
  subjectFields?: DnField[]
  issuerFields?: DnField[]
  validFrom: string
  validTo: string
  subjectAltNames: string[]
  fingerprint256: string
  serialNumber: string
}

export interface TlsInfo {
  protocol: string | null
  cipher: string | null
  authorized: boolean
  authorizationError?: string
  chain: CertificateInfo[]
}

export interface RedirectInfo {
  from: string
  to: string
  status: number
  /** Header names dropped on a cross-origin hop. */
  stripped: string[]
}

export interface HandshakeTimings {
  /** Milliseconds from the start of the attempt. Missing where not measurable (e.g. through a proxy). */
  dnsMs?: number
  tcpMs?: number
  tlsMs?: number
  upgradeMs: number
}

export interface HandshakeEvent extends EventBase {
  type: 'handshake'
  url: string
  requestHeaders: HeaderEntry[]
  status: number
  statusText: string
  responseHeaders: HeaderEntry[]
  protocol: string
  extensions: string
  redirects: RedirectInfo[]
  timings: HandshakeTimings
  tls?: TlsInfo
}

export interface RedirectEvent extends EventBase, RedirectInfo {
  type: 'redirect'
}

export type Direction = 'in' | 'out'

export interface MessageEvent extends EventBase {
  type: 'message'
  dir: Direction
  kind: 'text' | 'binary'
  /** Full size in bytes (UTF-8 for text). */
  size: number
  /**
   * Text as string, binary as bytes. A preview only when `ref` is set. In the page only, a large text payload from
   * the event stream may still be its UTF-8 bytes (see `BINARY_BATCH` in wire.ts); `kind` says which it is.
   */
  data: string | Uint8Array
  /** Set when `data` is only a preview: fetch the full payload with this reference. */
  ref?: string
  /** Outgoing only: the result of the `ws` send callback. */
  sent?: boolean
  error?: string
}

export interface ControlEvent extends EventBase {
  type: 'ping' | 'pong'
  dir: Direction
  data: Uint8Array
  /** Incoming pongs that answer our ping: round-trip time in ms. */
  rttMs?: number
}

export type CloseInitiator = 'local' | 'remote' | 'abnormal'

export interface CloseEvent extends EventBase {
  type: 'close'
  code: number
  reason: string
  meaning: string
  initiator: CloseInitiator
  clean: boolean
}

export type ErrorClass =
  | 'invalid-options'
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'tls'
  | 'http-status'
  | 'protocol'
  /**
   * The protocol spoken over the socket reported an error (Socket.IO CONNECT_ERROR, a STOMP ERROR frame, a refused
   * MQTT CONNACK, a GraphQL `error`): the server said no, and the socket may stay open.
   */
  | 'app-protocol'
  /** A payload did not decode through the codec chain the user pinned (the page decodes; the engine never says this). */
  | 'codec'
  | 'payload-too-large'
  | 'proxy'
  | 'network'
  | 'send'
  /** A bug in Sockscope itself, caught before it could take the app down; the connection was closed. */
  | 'internal'
  /** The connection's recording could not be written (full disk, read-only folder); the events are counted. */
  | 'recording'

export interface ErrorEvent extends EventBase {
  type: 'error'
  class: ErrorClass
  message: string
  /** Node, `ws` or our own code, e.g. ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, WS_ERR_INVALID_UTF8. */
  code?: string
  /** One sentence saying what to do next. */
  next: string
  status?: number
  headers?: HeaderEntry[]
  /** First 64 KiB of an HTTP error body. */
  body?: string
}

export type SockEvent =
  | StateEvent
  | ReconnectScheduledEvent
  | ThrottleEvent
  | HandshakeEvent
  | RedirectEvent
  | MessageEvent
  | ControlEvent
  | CloseEvent
  | ErrorEvent

/** What a listing of connections returns. */
export interface ConnectionInfo {
  id: string
  url: string
  state: ConnectionState
  attempt: number
  reconnectPending: boolean
  lastSeq: number
}
