/** Turns validated ConnectionOptions into what `ws` needs: the final URL, subprotocols and client options. */
import { offeredSubprotocols } from '../../shared/protocols'
import { rootCertificates } from 'node:tls'
import type { Agent } from 'node:http'
import type { ClientOptions } from 'ws'
import { HttpsProxyAgent } from 'https-proxy-agent'
import { SocksProxyAgent } from 'socks-proxy-agent'
import { DEFAULTS, type ConnectionOptions, type KeyValue } from '../../shared/options'
import type { HeaderEntry, RedirectInfo } from '../../shared/events'
import { SECRET_MASK } from '../../shared/secrets'

/** `ws` options that @types/ws does not describe yet. */
export type WsClientOptions = ClientOptions & { closeTimeout?: number }

export interface BuiltRequest {
  url: string
  protocols: string[]
  headers: HeaderEntry[]
  /** Lower-case names of headers whose values are secret (auth, marked headers). */
  secretHeaders: Set<string>
  /** Query parameter names whose values are secret; `displayUrl` masks them. */
  secretQuery: Set<string>
  displayUrl: string
  ws: WsClientOptions
}

const enabled = (kv: KeyValue): boolean => kv.enabled !== false

function authHeaders(o: ConnectionOptions): { headers: HeaderEntry[]; query: KeyValue[] } {
  const a = o.auth
  if (!a || a.type === 'none') return { headers: [], query: [] }
  switch (a.type) {
    case 'basic':
      return {
        headers: [{ name: 'Authorization', value: 'Basic ' + Buffer.from(`${a.username}:${a.password}`).toString('base64'), secret: true }],
        query: []
      }
    case 'bearer':
      return { headers: [{ name: 'Authorization', value: `Bearer ${a.token}`, secret: true }], query: [] }
    case 'apiKey':
      return a.in === 'header'
        ? { headers: [{ name: a.name, value: a.value, secret: true }], query: [] }
        : { headers: [], query: [{ name: a.name, value: a.value, secret: true }] }
  }
}

export function makeProxyAgent(proxy: ConnectionOptions['proxy']): Agent | undefined {
  if (!proxy) return undefined
  if (proxy.type === 'http') return new HttpsProxyAgent(proxy.url)
  const url = new URL(proxy.url)
  // Resolve names at the proxy (socks5h) so DNS follows the tunnel.
  if (url.protocol === 'socks5:' || url.protocol === 'socks:') url.protocol = 'socks5h:'
  return new SocksProxyAgent(url.toString())
}

export function buildRequest(o: ConnectionOptions): BuiltRequest {
  const auth = authHeaders(o)
  const url = new URL(o.url)
  const query = [...(o.query ?? []).filter(enabled), ...auth.query]
  for (const q of query) url.searchParams.append(q.name, q.value)
  const secretQuery = new Set(query.filter((q) => q.secret).map((q) => q.name))

  const headers: HeaderEntry[] = [
    ...(o.headers ?? []).filter(enabled).map((h) => ({ name: h.name, value: h.value, ...(h.secret ? { secret: true } : {}) })),
    ...auth.headers
  ]
  const secretHeaders = new Set(['authorization', 'cookie', 'proxy-authorization'])
  for (const h of headers) if (h.secret) secretHeaders.add(h.name.toLowerCase())

  const wsHeaders: Record<string, string> = {}
  for (const h of headers) {
    const key = Object.keys(wsHeaders).find((k) => k.toLowerCase() === h.name.toLowerCase())
    // Repeated names are joined as HTTP allows; auth helper wins over a hand-written Authorization.
    if (key && h.name.toLowerCase() === 'authorization') wsHeaders[key] = h.value
    else if (key) wsHeaders[key] = `${wsHeaders[key]}, ${h.value}`
    else wsHeaders[h.name] = h.value
  }

  const tls = o.tls ?? {}
  const ws: WsClientOptions = {
    headers: wsHeaders,
    // No `handshakeTimeout`: `ws` arms it as an idle timeout; the connection enforces a total deadline itself.
    closeTimeout: o.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs,
    maxPayload: o.maxPayloadBytes ?? DEFAULTS.maxPayloadBytes,
    maxFragments: o.maxFragments ?? DEFAULTS.maxFragments,
    maxBufferedChunks: o.maxBufferedChunks ?? DEFAULTS.maxBufferedChunks,
    perMessageDeflate: o.perMessageDeflate ?? true,
    followRedirects: o.followRedirects ?? false,
    maxRedirects: o.maxRedirects ?? DEFAULTS.maxRedirects,
    // The connection answers pings itself, so it can report a flood instead of a bare 1006 (see autoPong.ts).
    autoPong: false,
    skipUTF8Validation: false,
    rejectUnauthorized: !tls.allowInvalidCertificates,
    // Passing `ca` replaces Node's bundled roots, so keep them and add the imported ones.
    ...(tls.ca?.length ? { ca: [...rootCertificates, ...tls.ca] } : {}),
    ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}),
    ...(tls.pfx ? { pfx: Buffer.from(tls.pfx, 'base64') } : {}),
    ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
    ...(tls.servername ? { servername: tls.servername } : {}),
    ...(o.origin ? { origin: o.origin } : {})
  }
  const agent = makeProxyAgent(o.proxy)
  if (agent) ws.agent = agent

  const full = url.toString()
  return {
    url: full,
    displayUrl: redactUrl(full, secretQuery),
    protocols: offeredSubprotocols(o.subprotocols, o.protocol, full),
    headers,
    secretHeaders,
    secretQuery,
    ws
  }
}

const MASK = SECRET_MASK
/** The mask as the URL serializer writes it (WHATWG URL percent-encodes non-ASCII): %E2%80%A2… */
const ENCODED_MASK = encodeURIComponent(MASK)

/**
 * The URL with secret query values (and any password) masked, for events, listings and recordings. It is for
 * reading, so the mask shows as the bullets it is, not as the percent-encoding the URL serializer gives it.
 */
export function redactUrl(raw: string, secretQuery: Set<string>): string {
  const u = new URL(raw)
  if (u.password) u.password = MASK
  if (secretQuery.size) {
    const params = [...u.searchParams.entries()].map(([k, v]): [string, string] => [k, secretQuery.has(k) ? MASK : v])
    u.search = new URLSearchParams(params).toString()
  }
  return u.toString().replaceAll(ENCODED_MASK, MASK)
}

/** A redirect as the log shows it: secrets in either URL masked (a non-WebSocket target is kept as given). */
export function redactRedirect(r: RedirectInfo, secretQuery: Set<string>): RedirectInfo {
  return { ...r, from: redactUrl(r.from, secretQuery), to: /^wss?:/.test(r.to) ? redactUrl(r.to, secretQuery) : r.to }
}
