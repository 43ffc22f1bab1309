/**
 * A send step's protocol forms as written (issue 18): `send: { socketio: { event: chat, args: [hi], ack: true } }`,
 * one key per protocol, the fields of the app's composer forms (src/renderer/src/lib/protocolForms). The schema
 * checks each field's type; this says which action a form is, refuses fields that do not go with it, and knows,
 * where the file says it, which protocol a connection will speak. ./protocolSend.ts builds the frames.
 */
import { PROTOCOL_NAMES, protocolOf, type ProtocolKind } from '../shared/protocols'
import { operationNameOf } from '../shared/protocols/graphqlNames'
import { protocolWord } from './protocolViews'
import type { ProtocolSend } from './format'
import { placeName, type DocPath } from './schemaCheck'
import type { Fail } from './checks'

type Raw = Record<string, unknown>

export const FORM_PROTOCOLS = ['socketio', 'graphql', 'stomp', 'mqtt', 'signalr'] as const
export type FormProtocol = (typeof FORM_PROTOCOLS)[number]

/** Each action, named by the key that chooses it, and every field that goes with it. */
const ACTIONS: Record<Exclude<FormProtocol, 'stomp'>, Record<string, { words: string; fields: string[] }>> = {
  socketio: {
    event: { words: 'an emit (event:)', fields: ['event', 'args', 'namespace', 'ack'] },
    connect: { words: 'a namespace CONNECT (connect:)', fields: ['connect', 'auth'] },
    disconnect: { words: 'a namespace DISCONNECT (disconnect:)', fields: ['disconnect'] }
  },
  graphql: {
    query: { words: 'a subscribe (query:)', fields: ['query', 'variables', 'operationName', 'id'] },
    complete: { words: 'a complete (complete:)', fields: ['complete'] }
  },
  mqtt: {
    publish: { words: 'a PUBLISH', fields: ['publish'] },
    subscribe: { words: 'a SUBSCRIBE', fields: ['subscribe'] },
    unsubscribe: { words: 'an UNSUBSCRIBE', fields: ['unsubscribe'] }
  },
  signalr: {
    invoke: { words: 'an Invocation (invoke:)', fields: ['invoke', 'args', 'nonBlocking'] },
    stream: { words: 'a StreamInvocation (stream:)', fields: ['stream', 'args'] },
    cancel: { words: 'a CancelInvocation (cancel:)', fields: ['cancel'] }
  }
}

/** STOMP 1.2's client frames a form sends (CONNECT is the session's), with their fields; `needs` are required. */
const STOMP_FIELDS: Record<string, { fields: string[]; needs?: string; why?: string }> = {
  SEND: { fields: ['destination', 'body', 'headers', 'receipt', 'transaction'], needs: 'destination', why: 'where the message goes' },
  SUBSCRIBE: { fields: ['destination', 'id', 'ack', 'headers', 'receipt'], needs: 'destination', why: 'what to subscribe to' },
  UNSUBSCRIBE: { fields: ['id', 'destination', 'headers', 'receipt'] },
  ACK: { fields: ['id', 'subscription', 'transaction', 'headers', 'receipt'] },
  NACK: { fields: ['id', 'subscription', 'transaction', 'headers', 'receipt'] },
  BEGIN: { fields: ['transaction', 'headers', 'receipt'], needs: 'transaction', why: 'the transaction id' },
  COMMIT: { fields: ['transaction', 'headers', 'receipt'], needs: 'transaction', why: 'the transaction id' },
  ABORT: { fields: ['transaction', 'headers', 'receipt'], needs: 'transaction', why: 'the transaction id' },
  DISCONNECT: { fields: ['receipt', 'headers'] }
}

const list = (words: string[]): string => (words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words[0])

/** The protocol form of a send step's settings, or undefined when it sends text, JSON or bytes. */
export function readProtocolSend(obj: Raw, here: DocPath, fail: Fail): ProtocolSend | undefined {
  const protocol = FORM_PROTOCOLS.find((p) => p in obj)
  if (!protocol) return undefined
  const at = [...here, protocol]
  const fields = obj[protocol] as Raw
  let action: string
  let allowed: string[]
  let words: string
  if (protocol === 'stomp') {
    action = String(fields.command)
    const spec = STOMP_FIELDS[action]
    allowed = ['command', ...spec.fields]
    words = `a STOMP ${action}`
    if (spec.needs && fields[spec.needs] === undefined) fail(`${placeName(at)} is ${words}, which needs "${spec.needs}" (${spec.why}).`, at)
    if (action === 'UNSUBSCRIBE' && fields.id === undefined && fields.destination === undefined)
      fail(
        `${placeName(at)} is a STOMP UNSUBSCRIBE, which needs the subscription's "id", or the "destination" an earlier SUBSCRIBE of this scenario named.`,
        at
      )
  } else {
    const actions = ACTIONS[protocol]
    action = Object.keys(actions).find((k) => k in fields)!
    ;({ fields: allowed, words } = actions[action])
  }
  const stray = Object.keys(fields).find((k) => !allowed.includes(k))
  if (stray) fail(`${placeName([...at, stray])} does not go with ${words}, which takes ${list(allowed)}.`, [...at, stray, '#key'])
  const carriesPayload = (protocol === 'mqtt' && action === 'publish') || (protocol === 'stomp' && action === 'SEND')
  if (typeof obj.codec === 'string' && !carriesPayload)
    fail(
      `"codec" of ${placeName(here)} encodes a payload, which only an MQTT publish or a STOMP SEND body carries; ${words} is sent as its protocol writes it.`,
      [...here, 'codec']
    )
  // The key that chooses an action names it, but for these two.
  const renamed: Record<string, string> = { event: 'emit', query: 'subscribe' }
  return { protocol, action: renamed[action] ?? action, fields }
}

/** What a connect step says of the protocol the connection will speak: pinned, or known from a fixed URL; else undefined. */
export function staticProtocol(composed: Raw): { kind: ProtocolKind; pinned: boolean } | undefined {
  const kind = (composed.protocol as Raw | undefined)?.kind
  if (typeof kind === 'string' && kind !== 'auto') return kind in PROTOCOL_NAMES ? { kind: kind as ProtocolKind, pinned: true } : undefined
  // A subprotocol the server picks may name a protocol: only a fixed URL that offers none decides it alone.
  const url = composed.url
  const offered = composed.subprotocols
  if (typeof url !== 'string' || url.includes('{{') || (Array.isArray(offered) && offered.length > 0)) return undefined
  return { kind: protocolOf(url, undefined, null), pinned: false }
}

/**
 * Why a form of `protocol` cannot go on `on`, which speaks (or, read before the run, `will speak`) `spoken`, with what
 * to do; null when it can.
 */
export function protocolMismatch(
  protocol: FormProtocol,
  spoken: { kind: ProtocolKind; pinned: boolean },
  on: string,
  verb: 'will speak' | 'speaks'
): string | null {
  if (spoken.kind === protocol) return null
  const [wanted, speaks] = [protocolWord(protocol), protocolWord(spoken.kind)]
  const pin = `protocol: { kind: ${protocol} }`
  if (spoken.pinned) return `${on}'s connect step pins ${speaks} (kind ${spoken.kind}). Send a ${speaks} form there, or pin ${pin}.`
  const why =
    spoken.kind !== 'raw'
      ? `${verb === 'speaks' ? 'its URL or the subprotocol the server chose' : 'its URL'} says ${speaks}`
      : verb === 'speaks'
        ? 'its connect step pins no protocol, and neither its URL nor a subprotocol the server chose names one'
        : `its connect step pins no protocol, and its URL is no ${wanted} address`
  return `${on} ${verb} ${speaks} (${why}). Pin the protocol on its connect step: ${pin}.`
}

/** How a report names a protocol send: `Socket.IO emit chat`, `MQTT PUBLISH sensors/1`, `GraphQL complete Tick`. */
export function protocolSendWords(p: ProtocolSend): string {
  const f = p.fields
  const topicOf = (v: unknown): string => String(typeof v === 'object' && v !== null ? (v as Raw).topic : v)
  const what: Record<FormProtocol, () => string> = {
    socketio: () => `${p.action} ${String(p.action === 'emit' ? f.event : f[p.action])}`,
    graphql: () =>
      p.action === 'complete'
        ? `complete ${String(f.complete)}`
        : `subscribe ${String(f.operationName ?? operationNameOf(String(f.query)) ?? f.query).replace(/\s+/g, ' ')}`,
    stomp: () => `${p.action}${f.destination !== undefined ? ` ${String(f.destination)}` : ''}`,
    mqtt: () => `${p.action.toUpperCase()} ${topicOf(f[p.action])}`,
    signalr: () => `${p.action} ${String(f[p.action])}`
  }
  return `${protocolWord(p.protocol)} ${what[p.protocol]()}`
}
