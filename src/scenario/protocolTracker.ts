/**
 * A scenario connection's protocol as the steps see it (issue 18): every received frame read, in order, into the
 * protocol messages it completes (./protocolViews.ts); whether the server accepted the protocol's handshake (sends
 * through a protocol form wait for it); and the operations this run started (an emit awaiting its ack, a GraphQL
 * subscription, a SignalR invocation, an MQTT subscription), so answers name them and `complete: Tick` finds its id.
 *
 * The handshake's own answers (Socket.IO's open and namespace CONNECT, connection_ack, CONNECTED, CONNACK, SignalR's
 * handshake response) are core's business, like keep-alives: they are no message a step waits for. A refusal is.
 */
import type { MessageEvent } from '../shared/events'
import type { LiveConnection } from './live'
import { frameReader, messagesText, messageValue, namespaceOf, protocolWord, type FrameReader, type ProtocolMessage } from './protocolViews'
import { messageLine, payloadValue } from './matchers'

export interface FrameMessages {
  /** Empty when the frame completes no message of its own (part of a split packet, the handshake, a keep-alive). */
  messages: ProtocolMessage[]
}

export class ProtocolTracker {
  /** The server accepted the protocol's handshake on the current attempt. */
  accepted = false
  /** The message that refused it, if one did. */
  refused?: ProtocolMessage
  /** STOMP: the version CONNECTED named ("CONNECT or STOMP Frame"). */
  stompVersion?: string
  /** Names of the operations started, by key; and the order they started in (the latest of a name wins). */
  readonly operations = new Map<string, string>()
  private readonly started: Array<{ key: string; name: string }> = []
  private ids = 0
  private readonly views = new WeakMap<MessageEvent, FrameMessages>()
  private reader?: FrameReader
  private lastSeen?: MessageEvent
  private lastState?: string

  constructor(private readonly conn: LiveConnection) {}

  /** Runs after each event of the connection (LiveConnection calls its listeners): reads each received frame once. */
  readonly follow = (): void => {
    try {
      if (this.conn.state !== this.lastState) {
        // A new attempt (a reconnect) starts its protocol afresh.
        if (this.conn.state === 'connecting') this.reset()
        this.lastState = this.conn.state
      }
      const m = this.conn.lastReceived
      if (m && m !== this.lastSeen) this.read(m)
    } catch {
      // A frame that cannot be read is matched as its text; the run goes on.
    }
  }

  private reset(): void {
    this.accepted = false
    this.refused = undefined
    this.stompVersion = undefined
    this.reader = undefined
  }

  /** The frame's protocol messages; null on a raw connection. */
  messagesOf(m: MessageEvent): FrameMessages | null {
    if (this.conn.protocol === 'raw') return null
    return this.views.get(m) ?? this.read(m)
  }

  private read(m: MessageEvent): FrameMessages {
    this.lastSeen = m
    const kind = this.conn.protocol
    if (kind === 'raw') return { messages: [] }
    this.reader ??= frameReader(kind, {
      namespace: namespaceOf(this.conn.options.protocol?.namespace),
      subprotocol: this.conn.subprotocol,
      mqttVersion: this.conn.options.protocol?.mqtt?.version === 5 ? 5 : 4,
      operations: this.operations
    })
    let all: ProtocolMessage[]
    try {
      all = this.reader(m.data)
    } catch (e) {
      all = [{ fields: { invalid: (e as Error).message } }]
    }
    const messages = all.filter((x) => {
      if (x.handshake === 'opening') return false
      if (x.handshake === 'accepted' && !this.accepted) {
        this.accepted = true
        const version = (x.fields.headers as Record<string, string> | undefined)?.version
        if (x.fields.command === 'CONNECTED') this.stompVersion = version ?? '1.0'
        return false
      }
      if (x.handshake === 'refused' && !this.accepted) this.refused ??= x
      return true
    })
    const found = { messages }
    this.views.set(m, found)
    return found
  }

  /** The next id this connection hands out (an ack id, an operation id, a packet identifier): 1, 2, 3… */
  nextId(): number {
    return ++this.ids
  }

  start(key: string, name: string): void {
    this.operations.set(key, name)
    this.started.push({ key, name })
  }

  /** An operation started by this run, by its name (the latest of that name) or by its id. */
  find(nameOrId: string): { key: string; name: string } | undefined {
    return this.started.findLast((o) => o.name === nameOrId) ?? this.started.findLast((o) => o.key === nameOrId)
  }

  /** What was started, for a message that says what could have been meant: `Tick (id 1), Other (id 2)`. */
  startedWords(): string {
    return this.started.map((o) => `${o.name} (id ${o.key})`).join(', ')
  }

  /** The protocol message the last expect matched (or the last received) that `is` picks. */
  lastMessage(is: (m: ProtocolMessage) => boolean): ProtocolMessage | undefined {
    for (const m of [this.conn.lastMatched, this.conn.lastReceived]) {
      const found = m && this.messagesOf(m)?.messages.find(is)
      if (found) return found
    }
    return undefined
  }
}

const trackers = new WeakMap<LiveConnection, ProtocolTracker>()

/** Starts following a connection's protocol; call it as soon as the connection is made, before its first event. */
export function trackProtocol(conn: LiveConnection): ProtocolTracker {
  let t = trackers.get(conn)
  if (!t) {
    t = new ProtocolTracker(conn)
    trackers.set(conn, t)
    conn.listeners.add(t.follow)
  }
  return t
}

/** The frame's protocol messages, or null on a raw connection (the matchers then read the frame itself). */
export function protocolMessages(conn: LiveConnection, m: MessageEvent): ProtocolMessage[] | null {
  return trackProtocol(conn).messagesOf(m)?.messages ?? null
}

/** A frame that completes no protocol message (part of a split packet, the handshake): no step waits for it. */
export function isNoMessage(conn: LiveConnection, m: MessageEvent): boolean {
  const messages = protocolMessages(conn, m)
  return messages !== null && messages.length === 0
}

/** A received frame in a report: the protocol messages the matchers read, else the frame itself. */
export function receivedLine(conn: LiveConnection, m: MessageEvent, codec?: string): string {
  const messages = protocolMessages(conn, m)
  if (!messages?.length) return messageLine('in', m)
  return messageLine('in', { kind: 'text', data: messagesText(protocolWord(conn.protocol), messages, codec) })
}

/**
 * The values extract's `path` reads from a frame: on a protocol connection, each of its protocol messages; else its
 * payload, decoded as the matchers decode it.
 */
export function valuesOf(conn: LiveConnection, m: MessageEvent, codec?: string): Array<ReturnType<typeof payloadValue>> {
  const messages = protocolMessages(conn, m)
  if (!messages?.length) return [payloadValue(m, codec)]
  return messages.map((x) => messageValue(x, codec))
}
