/**
 * What a protocol connection's frames mean to a scenario's matchers (issue 18): each received frame read into the
 * protocol messages it completes, as plain objects (format.ts documents their shape per protocol). A reader is made
 * per connection attempt because two protocols carry state from frame to frame: a STOMP frame or an MQTT packet may
 * be split over several WebSocket frames (STOMP 1.2 "STOMP Frames"; MQTT §6.0). Keep-alives read as no message.
 */
import { decodeChain, parseChain, sniffCodec, toJsonValue } from '../shared/codecs'
import { frameText } from '../shared/protocols/frameText'
import { parseSocketIoFrame, type SocketPacket } from '../shared/protocols/socketio'
import { parseGraphqlFrame } from '../shared/protocols/graphql'
import { StompReader } from '../shared/protocols/stomp'
import { mqttUnfinishedAfter, parseMqttFrame, type MqttPacket, type MqttVersion } from '../shared/protocols/mqtt'
import { parseSignalrFrame, type SignalrRecord } from '../shared/protocols/signalr'
import { concat } from '../shared/protocols/bytes'
import { PROTOCOL_NAMES, type ProtocolKind } from '../shared/protocols'

type Raw = Record<string, unknown>

export interface ProtocolMessage {
  /** The message's fields, without its application payload. */
  fields: Raw
  /** Application bytes (an MQTT payload, a STOMP body, a Socket.IO attachment), decoded only when matched. */
  payload?: { key: string; data: string | Uint8Array }
  /** Part of the protocol's own handshake: opening it, the server accepting it, or refusing it. */
  handshake?: 'opening' | 'accepted' | 'refused'
}

export interface ReaderSettings {
  /** Socket.IO: the namespace the session connects to (its CONNECT answer is the handshake). */
  namespace: string
  subprotocol: string | null
  mqttVersion: MqttVersion
  /** Names of the operations this run started, by id (per protocol: an ack key, an operation or invocation id). */
  operations: ReadonlyMap<string, string>
}

export type FrameReader = (frame: string | Uint8Array) => ProtocolMessage[]

/** A protocol's name in a step's words: `a Socket.IO message`, `a GraphQL message`. */
export const protocolWord = (kind: ProtocolKind): string => (kind === 'graphql' ? 'GraphQL' : PROTOCOL_NAMES[kind])

/** `a Socket.IO`, `an MQTT` (said em-queue-tee). */
export const withArticle = (word: string): string => `${word.startsWith('MQTT') ? 'an' : 'a'} ${word}`

/** `''` and `admin` are `/` and `/admin`, as a packet names them (Socket.IO v5, "Packet encoding"). */
export const namespaceOf = (ns: unknown): string => (typeof ns === 'string' && ns ? (ns.startsWith('/') ? ns : `/${ns}`) : '/')

/** The key an ack is known by: ack ids are per namespace (Socket.IO v5, "Acknowledgement"). */
export const ackKey = (namespace: string, id: number): string => `${namespaceOf(namespace)}#${id}`

export function frameReader(kind: Exclude<ProtocolKind, 'raw'>, s: ReaderSettings): FrameReader {
  switch (kind) {
    case 'socketio':
      return (frame) => socketIoMessages(frame, s)
    case 'graphql':
      return (frame) => graphqlMessages(frame, s)
    case 'stomp':
      return stompReader()
    case 'mqtt':
      return mqttReader(s)
    case 'signalr':
      return (frame) => signalrMessages(frame, s)
  }
}

const named = (operations: ReadonlyMap<string, string>, key: string | undefined): Raw => {
  const name = key === undefined ? undefined : operations.get(key)
  return name === undefined ? {} : { operation: name }
}

function socketIoMessages(frame: string | Uint8Array, s: ReaderSettings): ProtocolMessage[] {
  const f = parseSocketIoFrame(frame)
  switch (f.engine) {
    case 'attachment':
      return [{ fields: { type: 'attachment' }, payload: { key: 'payload', data: frame } }]
    case 'invalid':
      return [{ fields: { invalid: f.why } }]
    case 'message':
      return [socketIoPacket(f.packet, s)]
    case 'ping':
    case 'pong':
      return []
    case 'open':
      return [{ fields: { type: 'open' }, handshake: 'opening' }]
    default:
      return [{ fields: { type: f.engine, ...(f.data ? { data: f.data } : {}) } }]
  }
}

function socketIoPacket(p: SocketPacket, s: ReaderSettings): ProtocolMessage {
  const namespace = p.nsp
  const args = Array.isArray(p.data) ? p.data : []
  const more = { namespace, ...(p.attachments !== undefined ? { attachments: p.attachments } : {}) }
  const own = namespace === namespaceOf(s.namespace)
  switch (p.type) {
    case 'event':
    case 'binary_event':
      return {
        fields: {
          type: 'event',
          event: typeof args[0] === 'string' ? args[0] : null,
          args: args.slice(1),
          ...more,
          ...(p.id !== undefined ? { id: p.id } : {})
        }
      }
    case 'ack':
    case 'binary_ack':
      return { fields: { type: 'ack', id: p.id ?? null, ...named(s.operations, ackKey(namespace, p.id ?? -1)), args, ...more } }
    case 'connect':
      return {
        fields: { type: 'connect', namespace, ...(p.data !== undefined ? { data: p.data } : {}) },
        ...(own ? { handshake: 'accepted' } : {})
      }
    case 'connect_error': {
      const message = (p.data as { message?: unknown } | undefined)?.message
      return {
        fields: { type: 'connect_error', namespace, ...(typeof message === 'string' ? { message } : {}), data: p.data ?? null },
        ...(own ? { handshake: 'refused' } : {})
      }
    }
    case 'disconnect':
      return { fields: { type: 'disconnect', namespace } }
  }
}

function graphqlMessages(frame: string | Uint8Array, s: ReaderSettings): ProtocolMessage[] {
  const f = parseGraphqlFrame(frame, s.subprotocol)
  if (f.type === 'invalid') return [{ fields: { invalid: f.why } }]
  if (f.type === 'ka' || f.type === 'ping' || f.type === 'pong') return []
  const id = 'id' in f ? f.id : undefined
  // The message as sent, with the name of the operation its id belongs to after the id.
  const { type, ...rest } = f as Raw
  const fields = { type, ...(id !== undefined ? { id } : {}), ...named(s.operations, id), ...rest }
  if (f.type === 'connection_ack') return [{ fields, handshake: 'accepted' }]
  if (f.type === 'connection_error') return [{ fields, handshake: 'refused' }]
  return [{ fields }]
}

function stompReader(): FrameReader {
  const reader = new StompReader()
  return (frame) => {
    const r = reader.push(frame)
    const out: ProtocolMessage[] = r.frames.map((f) => {
      // "Repeated Header Entries": the first value of a name is the one that counts.
      const headers: Record<string, string> = {}
      for (const [k, v] of f.headers) if (!(k in headers)) headers[k] = v
      const handshake = f.command === 'CONNECTED' ? 'accepted' : f.command === 'ERROR' ? 'refused' : undefined
      return { fields: { command: f.command, headers }, payload: { key: 'body', data: f.body }, ...(handshake ? { handshake } : {}) }
    })
    if (r.error) out.push({ fields: { invalid: r.error } })
    return out
  }
}

function mqttReader(s: ReaderSettings): FrameReader {
  let carried: Uint8Array | undefined
  return (frame) => {
    if (typeof frame === 'string') return [{ fields: { invalid: 'MQTT travels in binary frames (MQTT §6.0); this is a text frame' } }]
    const bytes = carried?.length ? concat([carried, frame]) : frame
    carried = mqttUnfinishedAfter(carried, frame)
    const parsed = parseMqttFrame(bytes, s.mqttVersion)
    const out = parsed.packets.filter((p) => !p.part && p.type !== 'PINGREQ' && p.type !== 'PINGRESP').map((p) => mqttPacket(p, s))
    if (parsed.invalid) out.push({ fields: { invalid: parsed.invalid } })
    return out
  }
}

/** Packets that answer one of ours by its packet identifier (§2.3.1): named after the topic it was for. */
const ANSWERS = new Set(['PUBACK', 'PUBREC', 'PUBCOMP', 'SUBACK', 'UNSUBACK'])

function mqttPacket(p: MqttPacket, s: ReaderSettings): ProtocolMessage {
  const fields: Raw = { type: p.type }
  if (p.id !== undefined) fields.id = p.id
  if (p.id !== undefined && ANSWERS.has(p.type)) Object.assign(fields, named(s.operations, String(p.id)))
  if (p.type === 'PUBLISH') Object.assign(fields, { topic: p.topic ?? '', qos: p.qos, retain: p.retain, dup: p.dup })
  if (p.type === 'SUBACK' || p.type === 'UNSUBACK') fields.codes = p.codes ?? []
  else if (p.codes?.length) fields.code = p.codes[0]
  if (p.sessionPresent !== undefined) fields.sessionPresent = p.sessionPresent
  if (p.reasonString !== undefined) fields.reason = p.reasonString
  const handshake = p.type === 'CONNACK' ? (p.codes?.[0] === 0 ? 'accepted' : 'refused') : undefined
  return {
    fields,
    ...(p.type === 'PUBLISH' ? { payload: { key: 'payload', data: p.payload ?? new Uint8Array(0) } } : {}),
    ...(handshake ? { handshake } : {})
  }
}

/** HubProtocol.md's names of its message types. */
const SIGNALR_TYPES: Record<number, string> = {
  1: 'Invocation',
  2: 'StreamItem',
  3: 'Completion',
  4: 'StreamInvocation',
  5: 'CancelInvocation',
  7: 'Close',
  8: 'Ack',
  9: 'Sequence'
}

function signalrMessages(frame: string | Uint8Array, s: ReaderSettings): ProtocolMessage[] {
  const f = parseSignalrFrame(frame)
  if ('invalid' in f) return [{ fields: { invalid: f.invalid } }]
  return f.records.flatMap((r) => signalrRecord(r, s))
}

function signalrRecord(r: SignalrRecord, s: ReaderSettings): ProtocolMessage[] {
  switch (r.type) {
    case 'invalid':
      return [{ fields: { invalid: `not SignalR: ${r.why}` } }]
    case 'handshake-request':
      return [{ fields: { type: 'HandshakeRequest', protocol: r.protocol, version: r.version } }]
    case 'handshake-response':
      return r.error === undefined
        ? [{ fields: { type: 'HandshakeResponse' }, handshake: 'accepted' }]
        : [{ fields: { type: 'HandshakeResponse', error: r.error }, handshake: 'refused' }]
    case 6:
      return []
    case 'unknown':
      return [{ fields: { type: r.code, ...r.fields } }]
    default: {
      const { type, ...rest } = r
      const id = 'invocationId' in r ? r.invocationId : undefined
      // An answer (StreamItem, Completion) names the invocation of ours it answers.
      const answer = type === 2 || type === 3 ? named(s.operations, id) : {}
      return [{ fields: { type: SIGNALR_TYPES[type], ...(id !== undefined ? { invocationId: id } : {}), ...answer, ...rest } }]
    }
  }
}

type Value = { ok: true; value: unknown } | { ok: false; why: string }

/**
 * Application bytes as a matcher reads them: through `codec` when given; text that is JSON as its value, other text
 * as it is; other bytes through the codec they look like (sniffCodec), else as hex.
 */
function payloadOf(data: string | Uint8Array, codec?: string): Value {
  // An empty payload (a RECEIPT's body) is nothing to decode, whatever the codec.
  if (data.length === 0) return { ok: true, value: '' }
  if (codec) {
    const r = decodeChain(data, parseChain(codec))
    return r.ok ? { ok: true, value: r.value } : { ok: false, why: `does not decode as ${codec}: ${r.error}` }
  }
  const text = frameText(data)
  if (text !== null) {
    try {
      return { ok: true, value: JSON.parse(text) }
    } catch {
      return { ok: true, value: text }
    }
  }
  const bytes = data as Uint8Array
  const sniffed = sniffCodec(bytes)
  const r = sniffed ? decodeChain(bytes, sniffed.chain) : null
  return r?.ok ? { ok: true, value: r.value } : { ok: true, value: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') }
}

/** The message as `json`, `match` and extract's `path` read it: its fields, with its payload decoded. */
export function messageValue(m: ProtocolMessage, codec?: string): Value {
  if (!m.payload) return { ok: true, value: m.fields }
  const v = payloadOf(m.payload.data, codec)
  return v.ok ? { ok: true, value: { ...m.fields, [m.payload.key]: v.value } } : { ok: false, why: `its ${m.payload.key} ${v.why}` }
}

/** A frame's messages in one line of a report, as the matchers read them: `Socket.IO {"type":"ack",…}`. */
export function messagesText(protocolName: string, messages: ProtocolMessage[], codec?: string): string {
  const one = (m: ProtocolMessage): string => {
    const v = messageValue(m, codec)
    return JSON.stringify(toJsonValue(v.ok ? v.value : m.fields)) ?? ''
  }
  return `${protocolName} ${messages.map(one).join(' + ')}`
}
