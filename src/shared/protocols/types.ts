/** What every protocol module (shared/protocols/<name>.ts) gives the registry in ./index.ts. */

/** How one log row shows one frame: a short kind with the key fields, and the rest as text. */
export interface FrameView {
  /** e.g. `event chat:message`, `next onTrade #3`, `MESSAGE /topic/prices`, `PUBLISH sensors/1 QoS1`. */
  kind: string
  text: string
  /** The protocol's keep-alive (ping, pong, heart-beat, PINGREQ): shown muted, and hideable. */
  keepAlive: boolean
  /** The frame reports an error of the protocol (CONNECT_ERROR, ERROR, a refused CONNACK): shown as an error row. */
  error?: boolean
}

/** What a row's description may need beyond its own frame. */
export interface DescribeContext {
  /** GraphQL: operation names by operation id, from the subscribe frames sent so far. */
  operations?: ReadonlyMap<string, string>
  /** Socket.IO: what a binary frame is an attachment of (`upload 1/2`), from the packet that announced it. */
  partOf?: (frame: Uint8Array) => string | undefined
  /** MQTT: the unfinished packet the frames before this one left (a broker may split a packet over frames). */
  carriedBefore?: (frame: Uint8Array) => Uint8Array | undefined
  /** MQTT: the version the connection speaks (4 or 5), where the settings say. */
  mqttVersion?: 4 | 5
}

export interface ProtocolModule {
  /** Subprotocols that name it (RFC 6455 §1.9), offered first to last when the protocol is pinned. */
  subprotocols: readonly string[]
  /** Its servers require its subprotocol: offered when the URL looks like its endpoint, not only when pinned. */
  offeredOnUrlMatch?: boolean
  /** Does the URL look like this protocol's endpoint (`/socket.io/?EIO=4`)? */
  matchesUrl(url: string): boolean
  /** How a log row shows one frame; `subprotocol` is the negotiated one (a protocol may have dialects). */
  describe(frame: string | Uint8Array, subprotocol: string | null, ctx?: DescribeContext): FrameView
  /**
   * What a frame we sent starts that later frames answer by id (a GraphQL subscription, an emit awaiting its ack, a
   * SignalR invocation): its id and name, or null.
   */
  startedBy?(frame: string | Uint8Array, subprotocol: string | null): Operation | null
  /** The id of the operation a frame (either way) ends: a `complete`, an ack, a Completion; null for none. */
  endedBy?(frame: string | Uint8Array, subprotocol: string | null): string | null
  /** What is left unfinished after this frame, given what was before it (MQTT packets split over frames). */
  carryAfter?(before: Uint8Array | undefined, frame: Uint8Array): Uint8Array
  /** How many binary frames after this one belong to it (Socket.IO's attachments), and what they are of. */
  announces?(frame: string | Uint8Array): { count: number; name: string } | null
  /**
   * The application payload a frame carries (an MQTT PUBLISH's, a STOMP MESSAGE's body, a Socket.IO attachment), for
   * the codec chain to decode (MessagePack inside MQTT, gzip inside STOMP); null when it carries none.
   */
  payloadOf?(frame: string | Uint8Array, subprotocol: string | null, ctx?: DescribeContext): string | Uint8Array | null
  /** What an application close code (4000–4999, RFC 6455 §7.4.2) means in this protocol, if it defines it. */
  closeMeaning?(code: number): string | undefined
  /** The frame that stops a running operation from our side (GraphQL `complete`), where the protocol has one. */
  stopFrame?(id: string, subprotocol: string | null): string | Uint8Array | null
}

export interface Operation {
  id: string
  name: string
}
