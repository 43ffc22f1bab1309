/** The editable form of connection settings, and its conversion to the contract's ConnectionOptions. */
import type { AuthOptions, ConnectionOptions, KeyValue, OutgoingMessage } from '../../../shared/options'
import type { ProtoSchemaDoc } from '../../../shared/codecs/protobufSchema'
import { protocolOf, type ProtocolKind } from '../../../shared/protocols'
import { newProtocolDraft, protocolOptionsOf, type ProtocolDraft } from './protocolDraft'
import { DEFAULTS } from '../../../shared/options'
import { optionsToDraftFields } from './draftFromOptions'
import { splitSubprotocols } from '../../../shared/validate'

/** The decoded size limit's default, as DEFAULT_CODEC_LIMITS has it. */
export const DEFAULT_DECODE_MAX_MIB = 64

export interface Draft {
  url: string
  query: KeyValue[]
  headers: KeyValue[]
  subprotocols: string
  origin: string
  auth: AuthOptions
  tls: { ca: string; cert: string; key: string; pfx: string; passphrase: string; servername: string; allowInvalidCertificates: boolean }
  proxy: { type: 'none' | 'http' | 'socks5'; url: string }
  handshakeTimeoutMs: number
  closeTimeoutMs: number
  maxPayloadBytes: number
  maxFragments: number
  maxBufferedChunks: number
  perMessageDeflate: boolean
  followRedirects: boolean
  maxRedirects: number
  heartbeat: { intervalSec: number; payload: string; pongTimeoutMs: number; autoPong: boolean }
  reconnect: { enabled: boolean; baseMs: number; capMs: number; maxAttempts: number; stableMs: number }
  preamble: string
  record: boolean
  /** Codec chains per direction (`gzip → msgpack`); empty: sniffed per message. */
  decodeIn: string
  decodeOut: string
  /** The most a decode may produce, in MiB (default 64). */
  decodeMaxOutputMiB: number
  /** The imported Protobuf schema, or null. */
  protobuf: ProtoSchemaDoc | null
  /** The protocol over the socket: automatic (from the URL), raw, or pinned; Socket.IO's namespace and auth JSON. */
  /** The protocol spoken over the socket, and its connect settings. */
  protocol: ProtocolDraft
  /**
   * The options this form was opened from (a profile): what the form leaves as it showed them is saved exactly
   * as it was, so nothing it cannot show (a multi-line preamble message, an unset default) is lost or rewritten.
   */
  base?: ConnectionOptions
}

export function newDraft(url = 'ws://127.0.0.1:8080'): Draft {
  return {
    url,
    query: [],
    headers: [],
    subprotocols: '',
    origin: '',
    auth: { type: 'none' },
    tls: { ca: '', cert: '', key: '', pfx: '', passphrase: '', servername: '', allowInvalidCertificates: false },
    proxy: { type: 'none', url: '' },
    handshakeTimeoutMs: DEFAULTS.handshakeTimeoutMs,
    closeTimeoutMs: DEFAULTS.closeTimeoutMs,
    maxPayloadBytes: DEFAULTS.maxPayloadBytes,
    maxFragments: DEFAULTS.maxFragments,
    maxBufferedChunks: DEFAULTS.maxBufferedChunks,
    perMessageDeflate: true,
    followRedirects: false,
    maxRedirects: DEFAULTS.maxRedirects,
    heartbeat: { intervalSec: 0, payload: '', pongTimeoutMs: DEFAULTS.pongTimeoutMs, autoPong: true },
    reconnect: {
      enabled: false,
      baseMs: DEFAULTS.reconnectBaseMs,
      capMs: DEFAULTS.reconnectCapMs,
      maxAttempts: 0,
      stableMs: DEFAULTS.reconnectStableMs
    },
    preamble: '',
    record: true,
    decodeIn: '',
    decodeOut: '',
    decodeMaxOutputMiB: DEFAULT_DECODE_MAX_MIB,
    protobuf: null,
    protocol: newProtocolDraft()
  }
}

/** An editor row left empty (no name, no value): left out. A value without a name is kept, for validation to refuse. */
export const isBlankRow = (r: KeyValue): boolean => r.name.trim() === '' && r.value === ''

const rows = (kv: KeyValue[]): KeyValue[] =>
  kv
    .filter((r) => !isBlankRow(r))
    .map((r) => ({
      name: r.name.trim(),
      value: r.value,
      ...(r.secret ? { secret: true } : {}),
      ...(r.enabled === false ? { enabled: false } : {})
    }))

/** Splits PEM text holding several certificates into one string per certificate. */
export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN [^-]+-----[\s\S]+?-----END [^-]+-----/g) ?? (text.trim() ? [text.trim()] : [])
}

/**
 * One preamble message per non-empty line: `hex:0a0b` and `base64:AAE=` are binary, `text:` keeps a line that
 * would look like those as text, anything else is text.
 */
export function preambleMessages(text: string): OutgoingMessage[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line): OutgoingMessage => {
      const m = /^(hex|base64|text):(.*)$/.exec(line)
      if (!m) return { kind: 'text', data: line }
      return m[1] === 'text' ? { kind: 'text', data: m[2] } : { kind: 'binary', encoding: m[1] as 'hex' | 'base64', data: m[2].trim() }
    })
}

/** The preamble as the form shows it (the reverse of preambleMessages). */
export function preambleText(messages: OutgoingMessage[]): string {
  return messages
    .map((m) => (m.kind === 'binary' ? `${m.encoding}:${m.data}` : /^(hex|base64|text):/.test(m.data) ? `text:${m.data}` : m.data))
    .join('\n')
}

/** The options the form shows, whatever it was opened from. */
function formOptions(d: Draft): ConnectionOptions {
  const o: ConnectionOptions = {
    url: d.url.trim(),
    handshakeTimeoutMs: d.handshakeTimeoutMs,
    closeTimeoutMs: d.closeTimeoutMs,
    maxPayloadBytes: d.maxPayloadBytes,
    perMessageDeflate: d.perMessageDeflate,
    followRedirects: d.followRedirects
  }
  if (rows(d.query).length) o.query = rows(d.query)
  if (rows(d.headers).length) o.headers = rows(d.headers)
  const subs = splitSubprotocols(d.subprotocols)
  if (subs.length) o.subprotocols = subs
  if (d.origin.trim()) o.origin = d.origin.trim()
  if (d.auth.type !== 'none') o.auth = { ...d.auth }
  if (d.maxFragments !== DEFAULTS.maxFragments) o.maxFragments = d.maxFragments
  if (d.maxBufferedChunks !== DEFAULTS.maxBufferedChunks) o.maxBufferedChunks = d.maxBufferedChunks
  if (d.maxRedirects !== DEFAULTS.maxRedirects) o.maxRedirects = d.maxRedirects
  const t = d.tls
  const tls: NonNullable<ConnectionOptions['tls']> = {}
  if (t.ca.trim()) tls.ca = splitPem(t.ca)
  if (t.cert.trim()) tls.cert = t.cert.trim()
  if (t.key.trim()) tls.key = t.key.trim()
  if (t.pfx.trim()) tls.pfx = t.pfx.trim()
  if (t.passphrase) tls.passphrase = t.passphrase
  if (t.servername.trim()) tls.servername = t.servername.trim()
  if (t.allowInvalidCertificates) tls.allowInvalidCertificates = true
  if (Object.keys(tls).length) o.tls = tls
  if (d.proxy.type !== 'none') o.proxy = { type: d.proxy.type, url: d.proxy.url.trim() }
  o.heartbeat = { intervalSec: d.heartbeat.intervalSec || 0, pongTimeoutMs: d.heartbeat.pongTimeoutMs, autoPong: d.heartbeat.autoPong }
  if (d.heartbeat.payload) o.heartbeat.payload = d.heartbeat.payload
  if (d.reconnect.enabled) {
    const r = d.reconnect
    o.reconnect = { enabled: true, baseMs: r.baseMs, capMs: r.capMs, maxAttempts: r.maxAttempts }
    if (r.stableMs !== DEFAULTS.reconnectStableMs) o.reconnect.stableMs = r.stableMs
  }
  const pre = preambleMessages(d.preamble)
  if (pre.length) o.preamble = pre
  if (!d.record) o.record = false
  const maxOut = d.decodeMaxOutputMiB !== DEFAULT_DECODE_MAX_MIB ? { maxOutputBytes: Math.round(d.decodeMaxOutputMiB * 1024 * 1024) } : {}
  if (d.decodeIn || d.decodeOut || maxOut.maxOutputBytes)
    o.decode = { ...(d.decodeIn ? { in: d.decodeIn } : {}), ...(d.decodeOut ? { out: d.decodeOut } : {}), ...maxOut }
  if (d.protobuf) o.protobuf = d.protobuf
  const protocol = protocolOptionsOf(d.protocol)
  if (protocol) o.protocol = protocol
  return o
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * The form's options. Opened from a profile, every setting the user left as the form first showed it keeps its
 * saved value exactly (including settings the form cannot show); only what they changed is replaced.
 */
export function draftToOptions(d: Draft): ConnectionOptions {
  const fresh = formOptions(d)
  if (!d.base) return fresh
  const shown = formOptions(optionsToDraftFields(d.base))
  const out: Record<string, unknown> = { ...d.base }
  const keys = new Set([...Object.keys(fresh), ...Object.keys(shown)]) as Set<keyof ConnectionOptions>
  for (const k of keys) {
    if (same(fresh[k], shown[k])) continue // untouched: the saved value (or its absence) stands
    if (fresh[k] === undefined) delete out[k]
    else out[k] = fresh[k]
  }
  // Plain data: the base may be a reactive proxy, which structured clone (Electron IPC) refuses.
  return JSON.parse(JSON.stringify(out)) as ConnectionOptions
}

/**
 * The protocol this form's connection speaks: the pinned one, else the one the negotiated subprotocol names (once a
 * connection opened), else what its URL says.
 */
export function draftProtocol(d: Pick<Draft, 'url' | 'protocol'>, subprotocol?: string | null): ProtocolKind {
  return protocolOf(d.url, { kind: d.protocol.kind }, subprotocol)
}
