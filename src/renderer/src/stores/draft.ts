/** The editable form of connection settings, and its conversion to the contract's ConnectionOptions. */
import type { AuthOptions, ConnectionOptions, KeyValue, OutgoingMessage } from '../../../shared/options'
import { DEFAULTS } from '../../../shared/options'

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
  perMessageDeflate: boolean
  followRedirects: boolean
  heartbeat: { intervalSec: number; payload: string; pongTimeoutMs: number; autoPong: boolean }
  reconnect: { enabled: boolean; baseMs: number; capMs: number; maxAttempts: number }
  preamble: string
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
    perMessageDeflate: true,
    followRedirects: false,
    heartbeat: { intervalSec: 0, payload: '', pongTimeoutMs: DEFAULTS.pongTimeoutMs, autoPong: true },
    reconnect: { enabled: false, baseMs: DEFAULTS.reconnectBaseMs, capMs: DEFAULTS.reconnectCapMs, maxAttempts: 0 },
    preamble: ''
  }
}

const rows = (kv: KeyValue[]): KeyValue[] =>
  kv
    .filter((r) => r.name.trim() !== '')
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

/** One preamble message per non-empty line. */
export function preambleMessages(text: string): OutgoingMessage[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((data) => ({ kind: 'text', data }))
}

export function draftToOptions(d: Draft): ConnectionOptions {
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
  const subs = d.subprotocols
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (subs.length) o.subprotocols = subs
  if (d.origin.trim()) o.origin = d.origin.trim()
  if (d.auth.type !== 'none') o.auth = { ...d.auth }
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
  if (d.reconnect.enabled)
    o.reconnect = { enabled: true, baseMs: d.reconnect.baseMs, capMs: d.reconnect.capMs, maxAttempts: d.reconnect.maxAttempts }
  const pre = preambleMessages(d.preamble)
  if (pre.length) o.preamble = pre
  return o
}
