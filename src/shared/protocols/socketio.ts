/**
 * Socket.IO v5 over Engine.IO v4, as one WebSocket frame reads: pure, for the log (page), the session (core) and
 * tests alike. Engine.IO v4 (https://socket.io/docs/v4/engine-io-protocol/, "Packet encoding"): a text frame is a
 * one-digit packet type — 0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade, 6 noop — then its data; over
 * WebSocket a binary frame is a message whose data is the bytes. Socket.IO v5
 * (https://socket.io/docs/v4/socket-io-protocol/, "Packet encoding") inside a message:
 * `<type>[<attachments>-][<namespace>,][<ack id>][JSON payload]`, types 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK,
 * 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK; a binary packet's attachments follow as binary frames.
 */

import type { DescribeContext, FrameView, ProtocolModule } from './types'

export type EngineType = 'open' | 'close' | 'ping' | 'pong' | 'message' | 'upgrade' | 'noop'
const ENGINE_TYPES: EngineType[] = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop']

export type SocketType = 'connect' | 'disconnect' | 'event' | 'ack' | 'connect_error' | 'binary_event' | 'binary_ack'
const SOCKET_TYPES: SocketType[] = ['connect', 'disconnect', 'event', 'ack', 'connect_error', 'binary_event', 'binary_ack']

export interface SocketPacket {
  type: SocketType
  /** `/` unless the packet names another namespace. */
  nsp: string
  id?: number
  /** Binary attachments that follow as binary frames. */
  attachments?: number
  /** The JSON payload, parsed; undefined when there is none. */
  data?: unknown
}

export type SocketIoFrame =
  | { engine: 'message'; packet: SocketPacket }
  /** A binary frame: an attachment of the binary packet before it. */
  | { engine: 'attachment'; bytes: number }
  | { engine: Exclude<EngineType, 'message'>; data: string }
  | { engine: 'invalid'; why: string }

export function parseSocketIoFrame(frame: string | Uint8Array): SocketIoFrame {
  if (typeof frame !== 'string') return { engine: 'attachment', bytes: frame.byteLength }
  const engine = ENGINE_TYPES[frame.charCodeAt(0) - 48]
  if (!engine || frame.length === 0)
    return { engine: 'invalid', why: 'not an Engine.IO packet: it does not start with a digit from 0 to 6' }
  if (engine !== 'message') return { engine, data: frame.slice(1) }
  const packet = parsePacket(frame.slice(1))
  return typeof packet === 'string' ? { engine: 'invalid', why: packet } : { engine: 'message', packet }
}

/** A Socket.IO packet, or why it is not one. */
export function parsePacket(s: string): SocketPacket | string {
  const type = SOCKET_TYPES[s.charCodeAt(0) - 48]
  if (!type) return `not a Socket.IO packet: its type "${s[0] ?? ''}" is not a digit from 0 to 6`
  let at = 1
  const packet: SocketPacket = { type, nsp: '/' }
  if (type === 'binary_event' || type === 'binary_ack') {
    const dash = s.indexOf('-', at)
    const n = Number(s.slice(at, dash))
    if (dash < 0 || !Number.isInteger(n) || dash === at) return 'not a Socket.IO packet: a binary packet lacks its attachment count'
    packet.attachments = n
    at = dash + 1
  }
  if (s[at] === '/') {
    const comma = s.indexOf(',', at)
    packet.nsp = comma < 0 ? s.slice(at) : s.slice(at, comma)
    at = comma < 0 ? s.length : comma + 1
  }
  const digits = /^\d+/.exec(s.slice(at))
  if (digits) {
    packet.id = Number(digits[0])
    at += digits[0].length
  }
  if (at < s.length) {
    try {
      packet.data = JSON.parse(s.slice(at))
    } catch (e) {
      return `not a Socket.IO packet: its payload is not JSON (${(e as Error).message})`
    }
  }
  return packet
}

/** How a log row names a frame: a short kind and the key fields (`event chat:message`, `ack 12`). */
export function describeSocketIoFrame(frame: SocketIoFrame): FrameView {
  if (frame.engine === 'attachment') return { kind: 'attachment', text: `binary attachment, ${frame.bytes} bytes`, keepAlive: false }
  if (frame.engine === 'invalid') return { kind: 'invalid', text: frame.why, keepAlive: false }
  if (frame.engine !== 'message') {
    const keepAlive = frame.engine === 'ping' || frame.engine === 'pong'
    return { kind: `engine ${frame.engine}`, text: frame.data, keepAlive }
  }
  const p = frame.packet
  const where = p.nsp === '/' ? '' : ` ${p.nsp}`
  const args = Array.isArray(p.data) ? p.data : []
  const json = (v: unknown): string => JSON.stringify(v) ?? ''
  switch (p.type) {
    case 'event':
    case 'binary_event': {
      const name = typeof args[0] === 'string' ? args[0] : '(no name)'
      const ack = p.id !== undefined ? ` ack ${p.id}` : ''
      return { kind: `event ${name}${where}${ack}`, text: args.slice(1).map(json).join(', '), keepAlive: false }
    }
    case 'ack':
    case 'binary_ack':
      return { kind: `ack ${p.id ?? '?'}${where}`, text: args.map(json).join(', '), keepAlive: false }
    case 'connect':
      return { kind: `connect${where || ' /'}`, text: p.data === undefined ? '' : json(p.data), keepAlive: false }
    case 'connect_error': {
      const message = (p.data as { message?: unknown } | undefined)?.message
      return { kind: `connect_error${where}`, text: typeof message === 'string' ? message : json(p.data), keepAlive: false, error: true }
    }
    case 'disconnect':
      return { kind: `disconnect${where || ' /'}`, text: '', keepAlive: false }
  }
}

/** The CONNECT a client sends for a namespace, with an `auth` payload when there is one (protocol v5, "Connection to a namespace"). */
export function connectPacket(namespace: string, auth: unknown): string {
  const nsp = namespace && namespace !== '/' ? `${namespace.startsWith('/') ? namespace : `/${namespace}`},` : ''
  return `40${nsp}${auth === undefined ? '' : JSON.stringify(auth)}`
}

/**
 * An EVENT for a namespace, with an ack id when the emitter waits for the ack (protocol v5, "Sending and receiving
 * data": `2[/nsp,][id]["event", …args]` inside an Engine.IO message `4`).
 */
export function emitPacket(namespace: string, event: string, args: unknown[], ackId?: number): string {
  const nsp = namespace && namespace !== '/' ? `${namespace.startsWith('/') ? namespace : `/${namespace}`},` : ''
  return `42${nsp}${ackId ?? ''}${JSON.stringify([event, ...args])}`
}

/** A DISCONNECT from a namespace (protocol v5, "Disconnection from a namespace"). */
export function disconnectPacket(namespace: string): string {
  return `41${namespace && namespace !== '/' ? `${namespace.startsWith('/') ? namespace : `/${namespace}`},` : ''}`
}

/** Does this URL reach a Socket.IO server's WebSocket transport (`/socket.io/?EIO=4&transport=websocket`)? */
export function looksLikeSocketIo(url: string): boolean {
  try {
    const u = new URL(url)
    return /\/socket\.io\/?$/.test(u.pathname) || u.searchParams.has('EIO')
  } catch {
    return false
  }
}

/** An ack id is per namespace (protocol v5, "Acknowledgement"): the operation id names both. */
const ackKey = (p: SocketPacket): string => `${p.nsp}#${p.id ?? ''}`

/** The emit an ack answers, named in the ack's row: `ack 12 ← chat`. */
function describeWithAck(frame: string | Uint8Array, ctx?: DescribeContext): FrameView {
  const f = parseSocketIoFrame(frame)
  const view = describeSocketIoFrame(f)
  const of = f.engine === 'attachment' && typeof frame !== 'string' ? ctx?.partOf?.(frame) : undefined
  if (of) return { ...view, kind: `attachment of ${of}` }
  if (f.engine !== 'message' || (f.packet.type !== 'ack' && f.packet.type !== 'binary_ack')) return view
  const name = ctx?.operations?.get(ackKey(f.packet))
  return name === undefined ? view : { ...view, kind: `${view.kind} ← ${name}` }
}

export const socketIoModule: ProtocolModule = {
  // Socket.IO negotiates no subprotocol: the Engine.IO path and its EIO query say it.
  subprotocols: [],
  matchesUrl: looksLikeSocketIo,
  describe: (frame, _subprotocol, ctx) => describeWithAck(frame, ctx),
  startedBy(frame) {
    const f = parseSocketIoFrame(frame)
    if (f.engine !== 'message' || f.packet.id === undefined) return null
    if (f.packet.type !== 'event' && f.packet.type !== 'binary_event') return null
    const args = Array.isArray(f.packet.data) ? f.packet.data : []
    return { id: ackKey(f.packet), name: typeof args[0] === 'string' ? args[0] : '(no name)' }
  },
  // A binary packet's attachments follow it as binary frames (protocol v5, "Packet encoding": BINARY_EVENT).
  announces(frame) {
    // Only BINARY_EVENT (45) and BINARY_ACK (46) announce: other frames of a flood are not parsed here.
    if (typeof frame !== 'string' || frame[0] !== '4' || (frame[1] !== '5' && frame[1] !== '6')) return null
    const f = parseSocketIoFrame(frame)
    if (f.engine !== 'message' || !f.packet.attachments) return null
    const args = Array.isArray(f.packet.data) ? f.packet.data : []
    const name =
      f.packet.type === 'binary_ack' ? `ack ${f.packet.id ?? '?'}` : `event ${typeof args[0] === 'string' ? args[0] : '(no name)'}`
    return { count: f.packet.attachments, name }
  },
  // A binary frame is an attachment's bytes as the emitter gave them (a Buffer of MessagePack, say).
  payloadOf: (frame) => (typeof frame === 'string' ? null : frame),
  endedBy(frame) {
    const f = parseSocketIoFrame(frame)
    return f.engine === 'message' && (f.packet.type === 'ack' || f.packet.type === 'binary_ack') ? ackKey(f.packet) : null
  }
}
