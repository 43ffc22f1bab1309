/**
 * A send step's protocol form turned into a frame when it runs (issue 18), with the shared builders the app's
 * composer forms use (src/shared/protocols). The form waits for the server to accept the protocol's handshake (a
 * Socket.IO server drops a client whose EVENT comes before its namespace CONNECT), fills in {{variables}}, and hands
 * out ids the way the composer does: one counter per connection for ack ids, operation ids and packet identifiers.
 */
import type { OutgoingMessage } from '../shared/options'
import { base64 } from '../shared/wire'
import { encodeChain, parseChain } from '../shared/codecs'
import { connectPacket, disconnectPacket, emitPacket } from '../shared/protocols/socketio'
import { completeMessage, operationNameOf, subscribeMessage } from '../shared/protocols/graphql'
import { encodeStompFrame, parseStompFrames, type StompVersion } from '../shared/protocols/stomp'
import {
  stompAck,
  stompDisconnect,
  stompNack,
  stompSend,
  stompSubscribe,
  stompUnsubscribe,
  type StompAckMode
} from '../shared/protocols/stompBuild'
import { stompVersionOf } from '../shared/protocols/stompModule'
import { publishPacket, subscribePacket, unsubscribePacket } from '../shared/protocols/mqttBuild'
import { cancelInvocation, invocation, streamInvocation } from '../shared/protocols/signalr'
import { formatDuration, type ProtocolSend } from './format'
import type { ConnectionPool, LiveConnection } from './live'
import { protocolMismatch } from './protocolForms'
import { trackProtocol, type ProtocolTracker } from './protocolTracker'
import { ackKey, namespaceOf, protocolWord, withArticle } from './protocolViews'
import { StepFailure, type RunVariables } from './variables'

type Raw = Record<string, unknown>
type Frame = string | Uint8Array

interface SendContext {
  pool: ConnectionPool
  vars: RunVariables
}

/** What accepting the handshake is, per protocol, in a failure's words. */
const ACCEPTANCE: Record<ProtocolSend['protocol'], string> = {
  socketio: "the namespace's CONNECT answer",
  graphql: 'connection_ack',
  stomp: 'CONNECTED',
  mqtt: 'a CONNACK that accepts',
  signalr: 'the handshake response'
}

/**
 * On a protocol connection, `connect` ends once the server answered the protocol's handshake (core sends it at open):
 * a send right after it would otherwise overtake the answer (Socket.IO drops a client whose event reaches a namespace
 * before its CONNECT is accepted). A refusal also ends it: it is a message the next step may expect.
 */
export async function handshakeAnswered(conn: LiveConnection, timeoutMs: number, what: string, pool: ConnectionPool): Promise<void> {
  if (conn.protocol === 'raw') return
  const tracker = trackProtocol(conn)
  const r = await pool.until(conn, timeoutMs, () => (tracker.accepted || tracker.refused || conn.state !== 'open' ? true : undefined))
  if (r === 'timeout')
    throw new StepFailure(
      `${conn.name} to open (${what}) and the server to answer its ${protocolWord(conn.protocol)} handshake`,
      `no answer within ${formatDuration(timeoutMs)}`
    )
}

/** The frame a protocol form sends on `conn`, once the server accepted the protocol's handshake. */
export async function protocolOutgoing(
  form: ProtocolSend,
  codec: string | undefined,
  timeoutMs: number,
  conn: LiveConnection,
  ctx: SendContext
): Promise<OutgoingMessage> {
  const name = protocolWord(form.protocol)
  const kind = conn.options.protocol?.kind
  const mismatch = protocolMismatch(form.protocol, { kind: conn.protocol, pinned: !!kind && kind !== 'auto' }, conn.name, 'speaks')
  if (mismatch) throw new StepFailure(`${conn.name} speaking ${name}, to send ${withArticle(name)} message`, mismatch)
  const tracker = trackProtocol(conn)
  const expected = `${name} ready on ${conn.name} (${ACCEPTANCE[form.protocol]}) before the message is sent`
  const r = await ctx.pool.until(conn, timeoutMs, () =>
    tracker.accepted ? 'accepted' : tracker.refused ? 'refused' : conn.state !== 'open' ? 'closed' : undefined
  )
  if (r === 'timeout') throw new StepFailure(expected, `the server did not accept the handshake within ${formatDuration(timeoutMs)}`)
  if (r === 'closed') throw new StepFailure(expected, conn.whyNotOpen())
  if (r === 'refused')
    throw new StepFailure(expected, `the server refused it: ${conn.lastError?.message ?? JSON.stringify(tracker.refused?.fields)}`)
  const fields = ctx.vars.fillJson(form.fields, `the ${name} message`) as Raw
  let frame: Frame
  try {
    frame = BUILDERS[form.protocol](form.action, fields, { conn, tracker, codec })
  } catch (e) {
    if (e instanceof StepFailure) throw e
    throw new StepFailure(`${withArticle(name)} message to send`, (e as Error).message)
  }
  return typeof frame === 'string' ? { kind: 'text', data: frame } : { kind: 'binary', encoding: 'base64', data: base64.encode(frame) }
}

interface Build {
  conn: LiveConnection
  tracker: ProtocolTracker
  codec: string | undefined
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

/** A payload or body: through the codec when given, text as it is, any other value as JSON text; none is empty. */
function encodeBody(value: unknown, codec: string | undefined): Frame {
  if (codec) return encodeChain(value, parseChain(codec))
  return value === undefined || value === null ? '' : text(value)
}

/** An operation this run started, by name or id; the step fails saying what was started when there is none. */
function started(b: Build, nameOrId: unknown, what: string): string {
  const found = b.tracker.find(text(nameOrId))
  if (found) return found.key
  const words = b.tracker.startedWords()
  throw new StepFailure(
    `${what} named or numbered "${text(nameOrId)}" on ${b.conn.name}`,
    words ? `this scenario started only ${words} there` : 'this scenario started none there yet'
  )
}

const BUILDERS: Record<ProtocolSend['protocol'], (action: string, f: Raw, b: Build) => Frame> = {
  socketio(action, f, b) {
    if (action === 'connect') return connectPacket(namespaceOf(text(f.connect)), f.auth)
    if (action === 'disconnect') return disconnectPacket(namespaceOf(text(f.disconnect)))
    const ns = namespaceOf(f.namespace !== undefined ? text(f.namespace) : b.conn.options.protocol?.namespace)
    const ackId = f.ack === true ? b.tracker.nextId() : undefined
    if (ackId !== undefined) b.tracker.start(ackKey(ns, ackId), text(f.event))
    return emitPacket(ns, text(f.event), (f.args as unknown[] | undefined) ?? [], ackId)
  },
  graphql(action, f, b) {
    if (action === 'complete') return completeMessage(started(b, f.complete, 'a GraphQL operation'), b.conn.subprotocol)
    const query = text(f.query)
    const operationName = typeof f.operationName === 'string' && f.operationName ? f.operationName : undefined
    const id = f.id !== undefined ? text(f.id) : String(b.tracker.nextId())
    b.tracker.start(id, operationName ?? operationNameOf(query) ?? '(unnamed)')
    return subscribeMessage({ id, query, variables: f.variables as Raw | undefined, operationName }, b.conn.subprotocol)
  },
  stomp: stompFrame,
  mqtt(action, f, b) {
    const version = b.conn.options.protocol?.mqtt?.version === 5 ? 5 : 4
    // §2.3.1: a packet identifier is 1 to 65,535.
    const packetId = (topic: string): number => {
      const id = ((b.tracker.nextId() - 1) % 0xffff) + 1
      b.tracker.start(String(id), topic)
      return id
    }
    if (action === 'publish') {
      const p = f.publish as Raw
      const [topic, qos] = [text(p.topic), Number(p.qos ?? 0)]
      const payload = encodeBody(p.payload, b.codec)
      return publishPacket(topic, payload, qos, p.retain === true, qos > 0 ? packetId(topic) : undefined, version)
    }
    const spec = f[action]
    const { topic, qos } = (typeof spec === 'object' && spec !== null ? spec : { topic: spec }) as Raw
    if (action === 'subscribe') return subscribePacket(text(topic), Number(qos ?? 0), packetId(text(topic)), version)
    return unsubscribePacket(text(topic), packetId(text(topic)), version)
  },
  signalr(action, f, b) {
    if (action === 'cancel') return cancelInvocation(started(b, f.cancel, 'a SignalR stream'))
    const target = text(f[action])
    const args = (f.args as unknown[] | undefined) ?? []
    // HubProtocol.md, "Non-Blocking Invocations": without an invocation id the hub sends no Completion.
    const id = action === 'invoke' && f.nonBlocking === true ? undefined : String(b.tracker.nextId())
    if (id !== undefined) b.tracker.start(id, target)
    return action === 'stream' ? streamInvocation(target, args, id!) : invocation(target, args, id)
  }
}

function stompFrame(command: string, f: Raw, b: Build): Frame {
  const version = (b.tracker.stompVersion ?? stompVersionOf(b.conn.subprotocol)) as StompVersion
  const extra = Object.fromEntries(Object.entries((f.headers ?? {}) as Raw).map(([k, v]) => [k, text(v)]))
  const opt = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : text(v))
  const receipt = opt(f.receipt)
  let frame: Frame
  switch (command) {
    case 'SEND': {
      const body = encodeBody(f.body, b.codec)
      const isJson = !b.codec && f.body !== undefined && f.body !== null && typeof f.body !== 'string'
      if (isJson && !Object.keys(extra).some((k) => k.toLowerCase() === 'content-type')) extra['content-type'] = 'application/json'
      if (f.transaction !== undefined) extra.transaction = text(f.transaction)
      return stompSend({ destination: text(f.destination), body, headers: extra, receipt }, version)
    }
    case 'SUBSCRIBE': {
      const id = opt(f.id) ?? `sub-${b.tracker.nextId()}`
      b.tracker.start(id, text(f.destination))
      frame = stompSubscribe({ id, destination: text(f.destination), ack: opt(f.ack) as StompAckMode | undefined, receipt }, version)
      break
    }
    case 'UNSUBSCRIBE':
      frame = stompUnsubscribe({ id: opt(f.id) ?? started(b, f.destination, 'a STOMP subscription'), receipt }, version)
      break
    case 'ACK':
    case 'NACK': {
      const o = { ...ackTarget(f, b, version, command), transaction: opt(f.transaction), receipt }
      frame = command === 'ACK' ? stompAck(o, version) : stompNack(o, version)
      break
    }
    case 'DISCONNECT':
      frame = stompDisconnect({ receipt }, version)
      break
    default:
      // BEGIN, COMMIT, ABORT ("BEGIN", "COMMIT", "ABORT"): a transaction header, and a receipt when asked.
      frame = encodeStompFrame({ command, headers: { transaction: text(f.transaction), ...(receipt ? { receipt } : {}) } }, version)
  }
  return Object.keys(extra).length ? withHeaders(frame, extra, version) : frame
}

/**
 * What an ACK or NACK names ("ACK"): the id given, else the MESSAGE the last expect matched (or the last received),
 * by its `ack` header in 1.2 and its `message-id` (with its subscription in 1.1) before.
 */
function ackTarget(f: Raw, b: Build, version: StompVersion, command: string): { id: string; subscription?: string } {
  const subscription = f.subscription === undefined ? undefined : text(f.subscription)
  if (f.id !== undefined) return { id: text(f.id), subscription }
  const message = b.tracker.lastMessage((m) => m.fields.command === 'MESSAGE')
  if (!message)
    throw new StepFailure(`a MESSAGE on ${b.conn.name} to ${command}`, `no MESSAGE has arrived there yet; give the id to ${command}`)
  const h = message.fields.headers as Record<string, string>
  const id = (version === '1.2' ? h.ack : undefined) ?? h['message-id'] ?? ''
  return { id, subscription: subscription ?? h.subscription }
}

/** A builder's frame with more headers after its own. */
function withHeaders(frame: Frame, extra: Record<string, string>, version: StompVersion): Frame {
  const [f] = parseStompFrames(frame, version).frames
  return encodeStompFrame(
    { command: f.command, headers: [...f.headers, ...Object.entries(extra)], body: f.body.length ? f.body : '' },
    version
  )
}
