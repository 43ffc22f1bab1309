/**
 * STOMP 1.0, 1.1 and 1.2 over WebSocket (https://stomp.github.io/stomp-specification-1.2.html), pure: for the log
 * (page), the session (core) and tests alike. A frame ("STOMP Frames", "Augmented BNF") is a command line, header
 * lines, an empty line, the body and a NULL octet; EOLs between frames are heart-beats ("Heart-beating"). One
 * WebSocket frame may hold zero or more STOMP frames and EOLs, and a STOMP frame may be split across WebSocket
 * frames, text or binary alike: everything is read as bytes.
 */
import type { FrameView } from './types'

export type StompVersion = '1.0' | '1.1' | '1.2'

export interface StompFrame {
  command: string
  /** In order, repeats kept: the first of a name is the one that counts ("Repeated Header Entries"). */
  headers: Array<[string, string]>
  body: Uint8Array
}

export interface StompFrameInput {
  command: string
  headers?: Record<string, string> | Array<[string, string]>
  body?: string | Uint8Array
}

/**
 * What a stretch of bytes held: whole frames; EOLs outside frames (heart-beats, or EOLs after a frame's NULL); where
 * the unread rest starts, with the unfinished frame's command and headers so far or why it is not STOMP; and the
 * version the rest is read in (a CONNECTED sets it).
 */
interface Chunk {
  frames: StompFrame[]
  heartBeats: number
  restAt: number
  partial?: { command: string; headers?: Array<[string, string]> }
  error?: string
  version: StompVersion
}

const CLIENT_COMMANDS = ['CONNECT', 'STOMP', 'SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'BEGIN', 'COMMIT', 'ABORT', 'ACK', 'NACK', 'DISCONNECT']
export const STOMP_COMMANDS: readonly string[] = [...CLIENT_COMMANDS, 'CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR']
const LF = 10
const CR = 13
const NUL = 0
const EMPTY = new Uint8Array(0)
const utf8 = new TextEncoder()
const lenient = new TextDecoder()
const strict = new TextDecoder('utf-8', { fatal: true })

const toBytes = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? utf8.encode(data) : data)
const clip = (s: string, max = 60): string => (s.length > max ? `${s.slice(0, max)}…` : s)

/** The first value of a header ("Repeated Header Entries"). */
export function stompHeader(frame: Pick<StompFrame, 'headers'>, name: string): string | undefined {
  return frame.headers.find(([k]) => k === name)?.[1]
}

/** "Value Encoding": 1.1 and 1.2 escape header octets, except in CONNECT (and STOMP, its other name) and CONNECTED. */
const escapes = (command: string, version: StompVersion): boolean =>
  version !== '1.0' && command !== 'CONNECT' && command !== 'STOMP' && command !== 'CONNECTED'

// 1.2 escapes CR as \r, 1.1 has no \r (a CR there is part of the value: 1.1 lines end with LF alone).
function escapeHeader(s: string, version: StompVersion): string {
  return s.replace(/[\\\n:\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === ':' ? '\\c' : version === '1.2' ? '\\r' : c))
}

/** The header text unescaped, or null for an undefined escape sequence (a fatal protocol error in 1.2). */
function unescapeHeader(s: string, version: StompVersion): string | null {
  let bad = false
  const out = s.replace(/\\([\s\S]?)/g, (_, c: string) => {
    const r = c === 'n' ? '\n' : c === 'c' ? ':' : c === '\\' ? '\\' : c === 'r' && version === '1.2' ? '\r' : null
    if (r === null) bad = true
    return r ?? ''
  })
  return bad ? null : out
}

/** A frame as the wire carries it: text when the body is text (or none), bytes when it is bytes. */
export function encodeStompFrame(frame: StompFrameInput, version: StompVersion = '1.2'): string | Uint8Array {
  const pairs = Array.isArray(frame.headers) ? frame.headers : Object.entries(frame.headers ?? {})
  const body = frame.body ?? ''
  const bodyBytes = toBytes(body)
  const escaped = escapes(frame.command, version)
  const lines = [
    frame.command,
    ...pairs.map(([k, v]) => (escaped ? `${escapeHeader(k, version)}:${escapeHeader(v, version)}` : `${k}:${v}`))
  ]
  // "Header content-length": frames SHOULD carry it, and a body holding a NULL octet needs it.
  if (bodyBytes.length > 0 && !pairs.some(([k]) => k === 'content-length')) lines.push(`content-length:${bodyBytes.length}`)
  const head = `${lines.join('\n')}\n\n`
  if (typeof body === 'string') return `${head}${body}\0`
  const headBytes = utf8.encode(head)
  const out = new Uint8Array(headBytes.length + body.length + 1)
  out.set(headBytes)
  out.set(body, headBytes.length)
  return out
}

const NOT_A_COMMAND = 'not a STOMP frame: '
const notACommand = (line: string): string => `${NOT_A_COMMAND}"${clip(line)}" is not a STOMP command`

type FrameRead = { frame: StompFrame; next: number } | { partial: NonNullable<Chunk['partial']> } | { error: string }

/** One frame from `start`, which is not an EOL. */
function frameAt(b: Uint8Array, start: number, version: StompVersion): FrameRead {
  let at = start
  const readLine = (): string | undefined => {
    const lf = b.indexOf(LF, at)
    if (lf < 0) return undefined
    // "Augmented BNF": EOL is [CR] LF in 1.2, LF alone before.
    const end = version === '1.2' && lf > at && b[lf - 1] === CR ? lf - 1 : lf
    const line = lenient.decode(b.subarray(at, end))
    at = lf + 1
    return line
  }
  const command = readLine()
  if (command === undefined) {
    const sofar = lenient.decode(b.subarray(start)).replace(/\r$/, '')
    if (sofar.includes('\0') || !STOMP_COMMANDS.some((c) => c.startsWith(sofar))) return { error: notACommand(sofar) }
    return { partial: { command: sofar } }
  }
  if (!STOMP_COMMANDS.includes(command)) return { error: notACommand(command) }
  const escaped = escapes(command, version)
  const headers: Array<[string, string]> = []
  for (;;) {
    const line = readLine()
    if (line === undefined) {
      if (b.indexOf(NUL, at) >= 0) return { error: `${command} frame: it ends (NULL octet) inside its headers` }
      return { partial: { command, headers } }
    }
    if (line === '') break
    if (line.includes('\0')) return { error: `${command} frame: it ends (NULL octet) inside its headers` }
    const colon = line.indexOf(':')
    if (colon < 0) return { error: `${command} frame: the header line "${clip(line)}" has no colon` }
    const name = escaped ? unescapeHeader(line.slice(0, colon), version) : line.slice(0, colon)
    const value = escaped ? unescapeHeader(line.slice(colon + 1), version) : line.slice(colon + 1)
    if (name === null || value === null)
      return {
        error: `${command} frame: the header line "${clip(line)}" has an undefined escape sequence (STOMP ${version}, "Value Encoding")`
      }
    headers.push([name, value])
  }
  // "Header content-length": when present, the body is that many octets (NULLs included) and a NULL follows.
  const declared = stompHeader({ headers }, 'content-length')
  let end: number
  if (declared !== undefined) {
    if (!/^\d+$/.test(declared)) return { error: `${command} frame: its content-length "${clip(declared)}" is not a number of octets` }
    end = at + Number(declared)
    if (end >= b.length) return { partial: { command, headers } }
    if (b[end] !== NUL) return { error: `${command} frame: no NULL octet after the ${declared} octets its content-length gives` }
  } else {
    end = b.indexOf(NUL, at)
    if (end < 0) return { partial: { command, headers } }
  }
  return { frame: { command, headers, body: b.slice(at, end) }, next: end + 1 }
}

/** "CONNECT or STOMP Frame": a CONNECTED without a version header comes from a 1.0 server. */
function versionOf(connected: StompFrame): StompVersion {
  const v = stompHeader(connected, 'version')
  return v === '1.1' || v === '1.2' ? v : '1.0'
}

function readChunk(b: Uint8Array, version: StompVersion): Chunk {
  const chunk: Chunk = { frames: [], heartBeats: 0, restAt: b.length, version }
  let at = 0
  while (at < b.length) {
    // "Heart-beating": a heart-beat is an EOL; CR LF is taken as one in every version.
    if (b[at] === LF || (b[at] === CR && b[at + 1] === LF)) {
      at += b[at] === LF ? 1 : 2
      chunk.heartBeats++
      continue
    }
    if (b[at] === CR && at + 1 === b.length) return { ...chunk, restAt: at }
    const r = frameAt(b, at, chunk.version)
    if (!('frame' in r)) return { ...chunk, ...r, restAt: at }
    chunk.frames.push(r.frame)
    if (r.frame.command === 'CONNECTED') chunk.version = versionOf(r.frame)
    at = r.next
  }
  return chunk
}

/** Joins STOMP frames split across WebSocket frames, for core (one per connection attempt). */
export class StompReader {
  private pending = EMPTY
  /** The version frames are read in: 1.2 (the most lenient) until a CONNECTED says. */
  version: StompVersion = '1.2'

  constructor(private readonly maxPendingBytes = 64 * 1024 * 1024) {}

  /** The frames one WebSocket frame completes; after an error the reader starts afresh at the next one. */
  push(data: string | Uint8Array): { frames: StompFrame[]; heartBeats: number; error?: string } {
    const bytes = toBytes(data)
    const all = this.pending.length === 0 ? bytes : concat(this.pending, bytes)
    const chunk = readChunk(all, this.version)
    this.version = chunk.version
    this.pending = chunk.error ? EMPTY : all.slice(chunk.restAt)
    if (this.pending.length > this.maxPendingBytes) {
      this.pending = EMPTY
      return {
        frames: chunk.frames,
        heartBeats: chunk.heartBeats,
        error: `an unfinished STOMP frame grew past ${this.maxPendingBytes} bytes`
      }
    }
    return { frames: chunk.frames, heartBeats: chunk.heartBeats, ...(chunk.error ? { error: chunk.error } : {}) }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** The frames in one whole stretch of bytes (one WebSocket frame, or several joined), and what is left. */
export function parseStompFrames(data: string | Uint8Array, version: StompVersion = '1.2'): Omit<Chunk, 'version' | 'restAt'> {
  const { frames, heartBeats, partial, error } = readChunk(toBytes(data), version)
  return { frames, heartBeats, ...(partial ? { partial } : {}), ...(error ? { error } : {}) }
}

/** A body for a log row: text shortened, or its size when it is not UTF-8. */
export function stompBodyText(body: Uint8Array, max = 200): string {
  try {
    return clip(strict.decode(body), max)
  } catch {
    return `${body.length} bytes of binary`
  }
}

/** Headers a row names in its kind, per command; the rest (but a passcode) go in the text when there is no body. */
const KEY_HEADERS: Record<string, string[]> = {
  CONNECT: ['host'],
  STOMP: ['host'],
  CONNECTED: ['version'],
  SEND: ['destination'],
  MESSAGE: ['destination'],
  SUBSCRIBE: ['destination', 'id'],
  UNSUBSCRIBE: ['id'],
  RECEIPT: ['receipt-id'],
  ACK: ['id', 'message-id'],
  NACK: ['id', 'message-id'],
  BEGIN: ['transaction'],
  COMMIT: ['transaction'],
  ABORT: ['transaction']
}
const UNSHOWN = new Set(['passcode', 'content-length'])

/** A row for a frame; `partial` when its headers may not all be in yet (so no default version). */
function viewOf(f: StompFrame, partial = false): FrameView {
  const keys = KEY_HEADERS[f.command] ?? []
  const key = keys.flatMap((k) => {
    const v = stompHeader(f, k) ?? (k === 'version' && !partial ? '1.0' : undefined)
    return v === undefined ? [] : [k === 'id' && f.command.endsWith('SUBSCRIBE') ? `id=${v}` : v]
  })
  const kind = [f.command, ...key].join(' ')
  const body = f.body.length > 0 ? stompBodyText(f.body) : ''
  if (f.command === 'ERROR') {
    const text = [stompHeader(f, 'message'), body].filter(Boolean).join(' — ')
    return { kind, text, keepAlive: false, error: true }
  }
  const rest = f.headers.filter(([k]) => !keys.includes(k) && !UNSHOWN.has(k)).map(([k, v]) => `${k}:${v}`)
  return { kind, text: body || rest.join(' '), keepAlive: false }
}

/** How a log row shows one WebSocket frame: its first STOMP frame, `+N more` when it holds several. */
export function describeStompFrame(data: string | Uint8Array, version: StompVersion = '1.2'): FrameView {
  const bytes = toBytes(data)
  if (bytes.length === 0)
    return { kind: 'invalid', text: 'an empty WebSocket frame: neither a STOMP frame nor a heart-beat', keepAlive: false }
  const chunk = readChunk(bytes, version)
  const [first] = chunk.frames
  if (!first) {
    if (chunk.partial) {
      const view = viewOf({ command: chunk.partial.command, headers: chunk.partial.headers ?? [], body: EMPTY }, true)
      return { kind: `${view.kind} (continues)`, text: 'the rest of this STOMP frame comes in a later WebSocket frame', keepAlive: false }
    }
    if (!chunk.error) return { kind: 'heart-beat', text: '', keepAlive: true }
    // The tail of a frame split across WebSocket frames ends with the NULL octet (and maybe EOLs).
    if (chunk.error.startsWith(NOT_A_COMMAND) && /\0[\r\n]*$/.test(lenient.decode(bytes)))
      return { kind: 'continued', text: stompBodyText(bytes.slice(0, bytes.lastIndexOf(NUL))), keepAlive: false }
    return { kind: 'invalid', text: chunk.error, keepAlive: false }
  }
  const view = viewOf(first)
  const more = chunk.frames.length - 1 + (chunk.partial ? 1 : 0)
  if (more > 0) view.kind += ` +${more} more`
  if (chunk.error) view.text += ` (then ${chunk.error})`
  if (chunk.frames.some((f) => f.command === 'ERROR')) view.error = true
  return view
}
