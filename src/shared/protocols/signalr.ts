/**
 * ASP.NET Core SignalR's JSON hub protocol, as one WebSocket frame reads: pure, for the log (page), the session
 * (core) and tests alike. Spec: HubProtocol.md in dotnet/aspnetcore (src/SignalR/docs/specs). Each message is one
 * JSON object terminated by the record separator 0x1E ("JSON Encoding"), and a frame may hold several. The first
 * records of a connection are the handshake ("Overview"): the client's `{"protocol":"json","version":1}` and the
 * server's `{}` or `{"error":"…"}`, the only records without a `type`. Then messages by `type`: 1 Invocation,
 * 2 StreamItem, 3 Completion, 4 StreamInvocation, 5 CancelInvocation, 6 Ping, 7 Close, 8 Ack, 9 Sequence.
 */

import { frameText } from './frameText'
import type { FrameView, ProtocolModule } from './types'

/** ASCII RS, which ends every record ("JSON Encoding"). */
export const RECORD_SEPARATOR = '\x1e'

export type SignalrMessage =
  | { type: 'handshake-request'; protocol: string; version: number }
  | { type: 'handshake-response'; error?: string }
  /** An Invocation without an id is non-blocking: no answer comes ("Non-Blocking Invocations"). */
  | { type: 1; invocationId?: string; target: string; arguments: unknown[]; streamIds?: string[] }
  | { type: 2; invocationId: string; item: unknown }
  | { type: 3; invocationId: string; result?: unknown; error?: string }
  | { type: 4; invocationId: string; target: string; arguments: unknown[]; streamIds?: string[] }
  | { type: 5; invocationId: string }
  | { type: 6 }
  | { type: 7; error?: string; allowReconnect?: boolean }
  /** Stateful reconnect ("Ack messages", "Sequence messages and reconnect"). */
  | { type: 8 | 9; sequenceId: number }
  /** A type this spec does not know: peers ignore it, so it is no error (JSON Encoding: future types). */
  | { type: 'unknown'; code: number; fields: Record<string, unknown> }

/** One record of a frame: a message, or why it is not one. */
export type SignalrRecord = SignalrMessage | { type: 'invalid'; why: string }

/** A frame's records, or why the frame is not SignalR's JSON hub protocol. */
export type SignalrFrame = { records: SignalrRecord[] } | { invalid: string }

export function parseSignalrFrame(frame: string | Uint8Array): SignalrFrame {
  // The JSON protocol travels as Text frames (TransportProtocols.md "Transfer Formats"); a binary frame of UTF-8
  // records is read alike, anything else is most likely the MessagePack hub protocol, which this does not decode.
  const s = frameText(frame)
  if (s === null)
    return { invalid: `a binary frame of ${frame.length} bytes that is not UTF-8 JSON (the MessagePack hub protocol is not decoded)` }
  if (!s.endsWith(RECORD_SEPARATOR)) return { invalid: 'not a SignalR JSON frame: it does not end with the record separator 0x1E' }
  return { records: s.slice(0, -1).split(RECORD_SEPARATOR).map(parseRecord) }
}

const isId = (v: unknown): v is string => typeof v === 'string' && v !== ''
const bad = (why: string): SignalrRecord => ({ type: 'invalid', why })

/** One record's JSON text (without its separator) as a message, checked against the spec's "… Message Encoding". */
export function parseRecord(json: string): SignalrRecord {
  if (json.trim() === '') return bad('an empty record')
  let o: unknown
  try {
    o = JSON.parse(json)
  } catch (e) {
    return bad(`a record that is not JSON (${(e as Error).message})`)
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return bad('a record that is not a JSON object')
  const r = o as Record<string, unknown>
  if (!('type' in r)) {
    if ('protocol' in r) {
      return typeof r.protocol === 'string' && typeof r.version === 'number'
        ? { type: 'handshake-request', protocol: r.protocol, version: r.version }
        : bad('a handshake request needs a string protocol and a number version')
    }
    if (r.error !== undefined && typeof r.error !== 'string') return bad('a handshake response whose error is not a string')
    return r.error === undefined ? { type: 'handshake-response' } : { type: 'handshake-response', error: r.error }
  }
  if (typeof r.type !== 'number') return bad('a message whose type is not a number')
  const id = r.invocationId
  switch (r.type) {
    case 1:
    case 4: {
      const name = r.type === 1 ? 'an Invocation' : 'a StreamInvocation'
      if (!isId(r.target)) return bad(`${name} without a target`)
      // Only an Invocation may leave its id out (non-blocking).
      if (r.type === 4 || id !== undefined) if (!isId(id)) return bad(`${name} whose invocationId is not a non-empty string`)
      if (!Array.isArray(r.arguments)) return bad(`${name} whose arguments are not an array`)
      const streamIds = r.streamIds
      if (streamIds !== undefined && !(Array.isArray(streamIds) && streamIds.every((x) => typeof x === 'string')))
        return bad(`${name} whose streamIds are not an array of strings`)
      const m = { target: r.target, arguments: r.arguments as unknown[], ...(streamIds ? { streamIds: streamIds as string[] } : {}) }
      return r.type === 1
        ? { type: 1, ...(id === undefined ? {} : { invocationId: id as string }), ...m }
        : { type: 4, invocationId: id as string, ...m }
    }
    case 2:
      if (!isId(id)) return bad('a StreamItem without an invocationId')
      if (!('item' in r)) return bad('a StreamItem without an item')
      return { type: 2, invocationId: id, item: r.item }
    case 3:
      if (!isId(id)) return bad('a Completion without an invocationId')
      // "It is a protocol error to include both a result and an error property in the Completion message."
      if ('error' in r && 'result' in r) return bad('a Completion with both a result and an error')
      if ('error' in r)
        return typeof r.error === 'string' ? { type: 3, invocationId: id, error: r.error } : bad('a Completion whose error is not a string')
      return 'result' in r ? { type: 3, invocationId: id, result: r.result } : { type: 3, invocationId: id }
    case 5:
      return isId(id) ? { type: 5, invocationId: id } : bad('a CancelInvocation without an invocationId')
    case 6:
      return { type: 6 }
    case 7: {
      if (r.error !== undefined && typeof r.error !== 'string') return bad('a Close whose error is not a string')
      if (r.allowReconnect !== undefined && typeof r.allowReconnect !== 'boolean')
        return bad('a Close whose allowReconnect is not true or false')
      return {
        type: 7,
        ...(r.error === undefined ? {} : { error: r.error as string }),
        ...(r.allowReconnect === undefined ? {} : { allowReconnect: r.allowReconnect as boolean })
      }
    }
    case 8:
    case 9:
      return typeof r.sequenceId === 'number'
        ? { type: r.type, sequenceId: r.sequenceId }
        : bad(`${r.type === 8 ? 'an Ack' : 'a Sequence'} whose sequenceId is not a number`)
    default: {
      const { type, ...fields } = r
      return { type: 'unknown', code: type as number, fields }
    }
  }
}

// A row is one line: the raw frame stays in the detail pane.
const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s)
const json = (v: unknown): string => JSON.stringify(v) ?? 'undefined'
const idOf = (id: string | undefined): string => (id === undefined ? '' : ` #${id}`)

/** How a log row shows one record: the message type and its key fields, then its payload. */
export function describeRecord(r: SignalrRecord): FrameView {
  const view = (kind: string, text: string, extra: Partial<FrameView> = {}): FrameView => ({ kind, text, keepAlive: false, ...extra })
  switch (r.type) {
    case 'invalid':
      return view('invalid', `not SignalR: ${r.why}`)
    case 'handshake-request':
      return view('handshake', `protocol ${r.protocol}, version ${r.version}`)
    case 'handshake-response':
      return r.error === undefined ? view('handshake', 'accepted') : view('handshake error', r.error, { error: true })
    case 1:
      return view(`Invocation ${r.target}${idOf(r.invocationId)}`, r.arguments.map(json).join(', '))
    case 4:
      return view(`StreamInvocation ${r.target}${idOf(r.invocationId)}`, r.arguments.map(json).join(', '))
    case 2:
      return view(`StreamItem${idOf(r.invocationId)}`, json(r.item))
    case 3:
      return r.error === undefined
        ? view(`Completion${idOf(r.invocationId)}`, 'result' in r ? json(r.result) : '')
        : view(`Completion${idOf(r.invocationId)} error`, r.error, { error: true })
    case 5:
      return view(`CancelInvocation${idOf(r.invocationId)}`, '')
    case 6:
      return view('Ping', '', { keepAlive: true })
    case 7: {
      const reconnect = r.allowReconnect ? ' (reconnect allowed)' : ''
      return r.error === undefined ? view('Close', reconnect.trim()) : view('Close', `${r.error}${reconnect}`, { error: true })
    }
    case 8:
      return view(`Ack ${r.sequenceId}`, '')
    case 9:
      return view(`Sequence ${r.sequenceId}`, '')
    case 'unknown':
      return view(`type ${r.code}`, json(r.fields))
  }
}

/** A frame's row: its first record, `+N more` when it holds N more (listed in the text); muted only if all are pings. */
export function describeSignalrFrame(frame: SignalrFrame): FrameView {
  if ('invalid' in frame) return { kind: 'invalid', text: frame.invalid, keepAlive: false }
  const views = frame.records.map(describeRecord)
  const [first, ...rest] = views
  const text = [first.text, ...rest.map((v) => (v.text ? `${v.kind}: ${v.text}` : v.kind))].filter((t) => t !== '').join(' | ')
  const view: FrameView = {
    kind: `${clip(first.kind, 120)}${rest.length ? ` +${rest.length} more` : ''}`,
    text: clip(text, 240),
    keepAlive: views.every((v) => v.keepAlive)
  }
  if (views.some((v) => v.error)) view.error = true
  return view
}

// Client frames ("JSON Encoding"), each one record ending with the separator.
const record = (o: object): string => `${JSON.stringify(o)}${RECORD_SEPARATOR}`

/** The first frame a client sends ("Overview": HandshakeRequest); the spec's version is 1. */
export const handshakeRequest = (protocol = 'json', version = 1): string => record({ protocol, version })

/** Calls `target` on the hub; without an id it is non-blocking and the hub answers nothing. */
export const invocation = (target: string, args: unknown[], invocationId?: string): string =>
  record({ type: 1, ...(invocationId === undefined ? {} : { invocationId }), target, arguments: args })

/** Calls a streaming hub method: StreamItems then a Completion answer it ("Streaming"). */
export const streamInvocation = (target: string, args: unknown[], invocationId: string): string =>
  record({ type: 4, invocationId, target, arguments: args })

/** Asks the hub to stop an invocation or stream; it still completes it ("Cancellation"). */
export const cancelInvocation = (invocationId: string): string => record({ type: 5, invocationId })

/** One item of an upload stream the client named in an invocation's streamIds ("Upload streaming"). */
export const streamItem = (streamId: string, item: unknown): string => record({ type: 2, invocationId: streamId, item })

/** Ends an upload stream ("Upload streaming": the Caller ends it with a Completion). */
export const streamCompletion = (streamId: string): string => record({ type: 3, invocationId: streamId })

/** The keep-alive, which carries nothing ("Ping (aka Keep Alive)"). */
export const ping = (): string => record({ type: 6 })

/** The client's goodbye; an error is unusual from a client ("Close"). */
export const close = (error?: string): string => record(error === undefined ? { type: 7 } : { type: 7, error })

/**
 * Does this URL look like a SignalR hub? A hub's WebSocket endpoint is the route the app maps it at
 * (TransportProtocols.md "WebSockets": `[endpoint-base]`, with an optional `id` query, the negotiated connection
 * token). Routes are the app's choice, but the convention names them after the hub class: a last path segment that
 * ends with `hub` (`/chathub`, `/hubs/NotificationHub`, `/hub`), or the `/hubs/<name>` folder (`/hubs/chat`). Azure
 * SignalR Service names the hub in a `hub` query on its `/client` endpoint. The `id` query alone says nothing (any
 * API may take an id), so it is not a sign by itself; on a hub path it changes nothing.
 */
export function looksLikeSignalr(url: string): boolean {
  try {
    const u = new URL(url)
    const segments = u.pathname.split('/').filter((s) => s !== '')
    const last = segments.at(-1)?.toLowerCase() ?? ''
    if (last.endsWith('hub')) return true
    if (segments.length >= 2 && segments.at(-2)?.toLowerCase() === 'hubs') return true
    return last === 'client' && u.searchParams.has('hub')
  } catch {
    return false
  }
}

/** The records of a frame that are messages (a frame may hold several). */
function messagesOf(frame: string | Uint8Array): SignalrMessage[] {
  const f = parseSignalrFrame(frame)
  return 'records' in f ? f.records.filter((r): r is SignalrMessage => r.type !== 'invalid') : []
}

export const signalrModule: ProtocolModule = {
  // SignalR negotiates no subprotocol: the hub's route says it.
  subprotocols: [],
  matchesUrl: looksLikeSignalr,
  describe(frame, _subprotocol, ctx) {
    const parsed = parseSignalrFrame(frame)
    const view = describeSignalrFrame(parsed)
    // An answer names the invocation it answers (`Completion #1 ← Echo`), once the invocation we sent is known.
    const first = 'records' in parsed ? parsed.records[0] : undefined
    const name = first && (first.type === 2 || first.type === 3) ? ctx?.operations?.get(first.invocationId) : undefined
    return name === undefined ? view : { ...view, kind: view.kind.replace(/^(\w+ #\S+)/, `$1 ← ${name}`) }
  },
  // HubProtocol.md, "Invocations" and "Streaming": an Invocation with an id and a StreamInvocation run until the
  // Completion with that id; the client may cancel a stream with CancelInvocation.
  startedBy(frame) {
    const m = messagesOf(frame).find((r) => (r.type === 1 && r.invocationId !== undefined) || r.type === 4)
    return m && (m.type === 1 || m.type === 4) ? { id: m.invocationId!, name: m.target } : null
  },
  endedBy(frame) {
    const m = messagesOf(frame).find((r) => r.type === 3)
    return m?.type === 3 ? m.invocationId : null
  },
  stopFrame: (id) => cancelInvocation(id)
}
