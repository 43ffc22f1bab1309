/**
 * GraphQL over WebSocket, as one WebSocket frame reads: pure, for the log (page), the session (core) and tests
 * alike. Two dialects, told apart by the negotiated subprotocol (RFC 6455 §1.9):
 * - `graphql-transport-ws`, the `graphql-ws` package's protocol (its PROTOCOL.md, "Message types"): connection_init,
 *   connection_ack, ping, pong, subscribe, next, error, complete. A refusal is a close code, not a message.
 * - `graphql-ws`, the legacy protocol of subscriptions-transport-ws (its PROTOCOL.md): connection_init,
 *   connection_ack, connection_error, ka (the server's keep-alive), connection_terminate, start, data, error,
 *   complete, stop.
 * Every message is one JSON object in one frame, with a `type`, and an `id` on an operation's messages.
 */

import { frameText } from './frameText'
import type { DescribeContext, FrameView, Operation, ProtocolModule } from './types'

import { operationNameOf } from './graphqlNames'

export { operationNameOf } from './graphqlNames'

export const TRANSPORT_WS = 'graphql-transport-ws'
export const LEGACY_WS = 'graphql-ws'

export type GraphqlDialect = 'transport' | 'legacy'

/** The dialect a negotiated subprotocol names; null for none (the URL picked GraphQL), when either is read. */
export function dialectOf(subprotocol: string | null): GraphqlDialect | null {
  return subprotocol === TRANSPORT_WS ? 'transport' : subprotocol === LEGACY_WS ? 'legacy' : null
}

// graphql-transport-ws "Message types"; legacy PROTOCOL.md's GQL_* messages.
const TRANSPORT_TYPES = 'connection_init connection_ack ping pong subscribe next error complete'.split(' ')
const LEGACY_TYPES = 'connection_init connection_ack connection_error ka connection_terminate start data error complete stop'.split(' ')

/** A `subscribe` / `start` payload: the operation to run. */
export interface OperationRequest {
  /** The legacy PROTOCOL.md allows a parsed document too, but its client sends the printed text. */
  query: string
  variables?: Record<string, unknown> | null
  operationName?: string | null
  extensions?: Record<string, unknown> | null
}

export type GraphqlMessage =
  | { type: 'connection_init' | 'connection_ack' | 'connection_error' | 'ping' | 'pong'; payload?: unknown }
  | { type: 'ka' | 'connection_terminate' }
  | { type: 'subscribe' | 'start'; id: string; payload: OperationRequest }
  | { type: 'next' | 'data'; id: string; payload: unknown }
  /** Legacy servers send an `error` without an id for a message they could not take. */
  | { type: 'error'; id?: string; payload: unknown; messages: string[] }
  | { type: 'complete' | 'stop'; id: string }

export type GraphqlFrame = GraphqlMessage | { type: 'invalid'; why: string }

// A row is one line: the raw frame stays in the detail pane.
const clipText = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isId = (v: unknown): v is string => typeof v === 'string' && v !== ''
const invalid = (why: string): GraphqlFrame => ({ type: 'invalid', why: `not GraphQL over WebSocket: ${why}` })
const optional = (v: unknown, ok: (x: unknown) => boolean): boolean => v === undefined || v === null || ok(v)

/** The messages an error payload carries: graphql-transport-ws sends GraphQLError[], legacy servers one `{message}`. */
export function errorMessages(payload: unknown): string[] {
  const one = (e: unknown): string | null =>
    typeof e === 'string' ? e : isObject(e) && typeof e.message === 'string' ? e.message : e === undefined ? null : JSON.stringify(e)
  if (Array.isArray(payload)) return payload.map(one).filter((m): m is string => m !== null)
  if (isObject(payload) && Array.isArray(payload.errors)) return errorMessages(payload.errors)
  const m = one(payload)
  return m === null ? [] : [m]
}

/** One frame as a message of the dialect `subprotocol` names (either, when none), or why it is not one. */
export function parseGraphqlFrame(frame: string | Uint8Array, subprotocol: string | null = null): GraphqlFrame {
  const s = frameText(frame)
  if (s === null) return invalid(`a binary frame of ${frame.length} bytes that is not UTF-8 JSON`)
  let o: unknown
  try {
    o = JSON.parse(s)
  } catch (e) {
    return invalid(`the frame is not JSON (${(e as Error).message})`)
  }
  if (!isObject(o)) return invalid('the frame is not a JSON object')
  const type = o.type
  if (typeof type !== 'string') return invalid('the message has no string `type`')
  const dialect = dialectOf(subprotocol)
  const types = dialect === 'transport' ? TRANSPORT_TYPES : dialect === 'legacy' ? LEGACY_TYPES : [...TRANSPORT_TYPES, ...LEGACY_TYPES]
  if (!types.includes(type)) {
    const shown = JSON.stringify(clipText(type, 40))
    if (dialect === 'transport' && LEGACY_TYPES.includes(type))
      return invalid(`${shown} is a message of the legacy graphql-ws subprotocol, but graphql-transport-ws was negotiated`)
    if (dialect === 'legacy' && TRANSPORT_TYPES.includes(type))
      return invalid(`${shown} is a message of graphql-transport-ws, but the legacy graphql-ws subprotocol was negotiated`)
    return invalid(`${shown} is not a message type of ${subprotocol ?? 'graphql-transport-ws or graphql-ws'}`)
  }
  // graphql-transport-ws types its payloads ("Message types"); the legacy PROTOCOL.md leaves most of them open.
  const strict = dialect === 'transport'
  const id = o.id
  switch (type) {
    case 'connection_init':
    case 'connection_ack':
    case 'connection_error':
    case 'ping':
    case 'pong':
      if (strict && !optional(o.payload, isObject)) return invalid(`a ${type} whose payload is not an object`)
      return o.payload === undefined ? { type } : { type, payload: o.payload }
    case 'ka':
    case 'connection_terminate':
      return { type }
    case 'subscribe':
    case 'start': {
      if (!isId(id)) return invalid(`a ${type} without an id`)
      const p = o.payload
      if (!isObject(p)) return invalid(`a ${type} whose payload is not an object`)
      if (typeof p.query !== 'string') return invalid(`a ${type} without a query text`)
      if (!optional(p.operationName, (x) => typeof x === 'string')) return invalid(`a ${type} whose operationName is not a string`)
      if (!optional(p.variables, isObject)) return invalid(`a ${type} whose variables are not an object`)
      if (!optional(p.extensions, isObject)) return invalid(`a ${type} whose extensions are not an object`)
      return { type, id, payload: p as unknown as OperationRequest }
    }
    case 'next':
    case 'data':
      if (!isId(id)) return invalid(`a ${type} without an id`)
      if (strict ? !isObject(o.payload) : o.payload === undefined) return invalid(`a ${type} without a result payload`)
      return { type, id, payload: o.payload }
    case 'error': {
      // graphql-transport-ws, "Error": an id and a non-empty GraphQLError[] (each has a message).
      if (strict && !isId(id)) return invalid('an error without an id')
      if (!strict && id !== undefined && id !== null && !isId(id)) return invalid('an error whose id is not a string')
      if (
        strict &&
        !(Array.isArray(o.payload) && o.payload.length > 0 && o.payload.every((e) => isObject(e) && typeof e.message === 'string'))
      )
        return invalid('an error whose payload is not a list of GraphQL errors')
      return { type, ...(isId(id) ? { id } : {}), payload: o.payload, messages: errorMessages(o.payload) }
    }
    default:
      // complete, stop
      return isId(id) ? { type: type as 'complete' | 'stop', id } : invalid(`a ${type} without an id`)
  }
}

const json = (v: unknown): string => JSON.stringify(v) ?? ''
const payloadText = (v: unknown): string => (v === undefined || v === null ? '' : clipText(json(v), 300))

/** The operation a subscribe / start runs: its operationName, else its query's first operation's name. */
function requestName(p: OperationRequest): string {
  return p.operationName || (operationNameOf(p.query) ?? '(unnamed)')
}

/** How a log row shows one message: its type with the operation's name and id, then its payload, shortened. */
export function describeGraphqlFrame(f: GraphqlFrame, ctx?: DescribeContext): FrameView {
  const view = (kind: string, text: string, more: Partial<FrameView> = {}): FrameView => ({ kind, text, keepAlive: false, ...more })
  const named = (type: string, id: string, name = ctx?.operations?.get(id)): string =>
    clipText(`${type}${name ? ` ${name}` : ''} #${id}`, 120)
  switch (f.type) {
    case 'invalid':
      return view('invalid', f.why)
    case 'ka':
    case 'ping':
    case 'pong':
      return view(f.type, 'payload' in f ? payloadText(f.payload) : '', { keepAlive: true })
    case 'connection_init':
    case 'connection_ack':
      return view(f.type, payloadText(f.payload))
    case 'connection_error':
      return view(f.type, clipText(errorMessages(f.payload).join('; '), 300), { error: true })
    case 'connection_terminate':
      return view(f.type, '')
    case 'subscribe':
    case 'start': {
      const q = f.payload.query.replace(/\s+/g, ' ').trim()
      const vars =
        isObject(f.payload.variables) && Object.keys(f.payload.variables).length ? ` | variables ${json(f.payload.variables)}` : ''
      return view(named(f.type, f.id, requestName(f.payload)), clipText(`${q}${vars}`, 300))
    }
    case 'next':
    case 'data':
      return view(named(f.type, f.id), payloadText(f.payload))
    case 'error':
      return view(f.id === undefined ? 'error' : named('error', f.id), clipText(f.messages.join('; '), 300), { error: true })
    case 'complete':
    case 'stop':
      return view(named(f.type, f.id), '')
  }
}

/** What a frame we sent starts (a subscribe, a legacy start): its id and operation name, so answers can name it. */
export function subscribedOperation(frame: string | Uint8Array, subprotocol: string | null): Operation | null {
  const f = parseGraphqlFrame(frame, subprotocol)
  return f.type === 'subscribe' || f.type === 'start' ? { id: f.id, name: requestName(f.payload) } : null
}

/**
 * The operation a frame ends: a `complete` either way, a legacy `stop`, or an `error` ("Error": it terminates the
 * operation and no further messages are sent; legacy servers send no complete after one either).
 */
export function endedOperation(frame: string | Uint8Array, subprotocol: string | null): string | null {
  const f = parseGraphqlFrame(frame, subprotocol)
  return f.type === 'complete' || f.type === 'stop' || f.type === 'error' ? (f.id ?? null) : null
}

// Client frames. With no subprotocol negotiated (the URL picked GraphQL) they are graphql-transport-ws's.
const legacy = (subprotocol: string | null): boolean => dialectOf(subprotocol) === 'legacy'

/** The first message, in both dialects ("ConnectionInit"; legacy GQL_CONNECTION_INIT); payload = connection params. */
export function connectionInit(payload: unknown, _subprotocol: string | null = null): string {
  return json(payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload })
}

/** Runs an operation ("Subscribe"; legacy GQL_START, which has no extensions). */
export function subscribeMessage(op: OperationRequest & { id: string }, subprotocol: string | null = null): string {
  const { id, query, variables, operationName, extensions } = op
  const isLegacy = legacy(subprotocol)
  const payload = { query, variables, operationName, ...(isLegacy ? {} : { extensions }) }
  return json({ id, type: isLegacy ? 'start' : 'subscribe', payload })
}

/** Stops an operation ("Complete", client to server; legacy GQL_STOP). */
export function completeMessage(id: string, subprotocol: string | null = null): string {
  return json({ id, type: legacy(subprotocol) ? 'stop' : 'complete' })
}

/** graphql-transport-ws only: "Ping", which the other side must answer with a pong. */
export const pingMessage = (payload?: Record<string, unknown> | null): string =>
  json(payload === undefined ? { type: 'ping' } : { type: 'ping', payload })

/** graphql-transport-ws only: "Pong", the answer to a ping (or an unsolicited heartbeat). */
export const pongMessage = (payload?: Record<string, unknown> | null): string =>
  json(payload === undefined ? { type: 'pong' } : { type: 'pong', payload })

/** Legacy only: GQL_CONNECTION_TERMINATE, after which the server closes the socket. */
export const connectionTerminate = (): string => json({ type: 'connection_terminate' })

/**
 * What a graphql-transport-ws server means by its close code (PROTOCOL.md; 4406 and 4500 are the graphql-ws
 * package's CloseCode), or undefined for a code it does not use. Legacy servers close with 1002 for a subprotocol
 * they do not speak and 1011 after a connection_error.
 */
export function graphqlCloseMeaning(code: number): string | undefined {
  return GRAPHQL_CLOSE_CODES[code]
}

const GRAPHQL_CLOSE_CODES: Record<number, string> = {
  4400: 'GraphQL: invalid message',
  4401: 'GraphQL: unauthorized (an operation before connection_ack)',
  4403: 'GraphQL: forbidden (the server refused connection_init)',
  4406: 'GraphQL: subprotocol not acceptable',
  4408: 'GraphQL: connection initialisation timeout',
  4409: 'GraphQL: subscriber for this id already exists',
  4429: 'GraphQL: too many initialisation requests',
  4500: 'GraphQL: internal server error'
}

/**
 * Does the URL look like a GraphQL endpoint (a path ending in `/graphql`)? This only decides when no subprotocol was
 * negotiated: `graphql-transport-ws` or `graphql-ws` from the server names GraphQL by itself.
 */
export function looksLikeGraphql(url: string): boolean {
  try {
    return /\/graphql\/?$/i.test(new URL(url).pathname)
  } catch {
    return false
  }
}

export const graphqlModule: ProtocolModule = {
  subprotocols: [TRANSPORT_WS, LEGACY_WS],
  matchesUrl: looksLikeGraphql,
  describe: (frame, subprotocol, ctx) => describeGraphqlFrame(parseGraphqlFrame(frame, subprotocol), ctx),
  startedBy: subscribedOperation,
  endedBy: endedOperation,
  stopFrame: (id, subprotocol) => completeMessage(id, subprotocol),
  closeMeaning: graphqlCloseMeaning,
  // Both protocols' servers refuse a client that offers neither subprotocol (4406, 1002).
  offeredOnUrlMatch: true
}
