/** Records one connection attempt's handshake from public `ws` and Node events: headers, timings, TLS, redirects. */
import type { ClientRequest, IncomingMessage } from 'node:http'
import { TLSSocket } from 'node:tls'
import type { Socket } from 'node:net'
import type { HandshakeTimings, HeaderEntry, RedirectInfo, TlsInfo } from '../../shared/events'
import { nowMs } from './clock'
import { describeTls } from './tlsInfo'

export function rawHeaderEntries(raw: string[], secret: Set<string>): HeaderEntry[] {
  const out: HeaderEntry[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    out.push({ name: raw[i], value: raw[i + 1], ...(secret.has(raw[i].toLowerCase()) ? { secret: true } : {}) })
  }
  return out
}

export class HandshakeCapture {
  readonly t0 = nowMs()
  url: string
  requestHeaders: HeaderEntry[] = []
  redirects: RedirectInfo[] = []
  timings: Partial<HandshakeTimings> = {}
  status = 0
  statusText = ''
  responseHeaders: HeaderEntry[] = []
  tls?: TlsInfo
  /** Status and Location of the last plain HTTP response (for redirects). */
  lastResponse: { status: number; location?: string } | null = null

  constructor(
    url: string,
    private readonly secret: Set<string>
  ) {
    this.url = url
  }

  private since(): number {
    return nowMs() - this.t0
  }

  /** Hooked into `ws`'s finishRequest: sees every request, redirects included, before it is sent. */
  request(req: ClientRequest): void {
    const names = req.getRawHeaderNames()
    this.requestHeaders = names.map((name) => {
      const v = req.getHeader(name)
      const value = Array.isArray(v) ? v.join(', ') : String(v ?? '')
      return { name, value, ...(this.secret.has(name.toLowerCase()) ? { secret: true } : {}) }
    })
    req.prependListener('response', (res: IncomingMessage) => {
      const loc = res.headers.location
      this.lastResponse = { status: res.statusCode ?? 0, ...(loc ? { location: loc } : {}) }
    })
    req.once('socket', (s: Socket) => {
      if (s.connecting) {
        s.once('lookup', () => (this.timings.dnsMs = this.since()))
        s.once('connect', () => (this.timings.tcpMs = this.since()))
      }
      if (s instanceof TLSSocket) s.once('secureConnect', () => (this.timings.tlsMs = this.since()))
    })
  }

  upgrade(res: IncomingMessage): void {
    this.timings.upgradeMs = this.since()
    this.status = res.statusCode ?? 101
    this.statusText = res.statusMessage ?? ''
    this.responseHeaders = rawHeaderEntries(res.rawHeaders, new Set(['set-cookie']))
    if (res.socket instanceof TLSSocket) this.tls = describeTls(res.socket)
  }

  finalTimings(): HandshakeTimings {
    return { ...this.timings, upgradeMs: this.timings.upgradeMs ?? this.since() }
  }

  /** The `handshake` event once `ws` opened: what was sent and answered, with URLs passed through `redact`. */
  toEvent(
    ws: { url: string; protocol: string; extensions: string },
    redact: (url: string) => string,
    redactRedirect: (r: RedirectInfo) => RedirectInfo
  ) {
    return {
      type: 'handshake' as const,
      url: redact(ws.url),
      requestHeaders: this.requestHeaders,
      status: this.status,
      statusText: this.statusText,
      responseHeaders: this.responseHeaders,
      protocol: ws.protocol,
      extensions: ws.extensions,
      redirects: this.redirects.map(redactRedirect),
      timings: this.finalTimings(),
      ...(this.tls ? { tls: this.tls } : {})
    }
  }
}
