/** Who may talk to the browser-mode host: loopback Host names only, our own Origin, the session token. */
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { hostname, networkInterfaces } from 'node:os'

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]'])

export interface GuardConfig {
  port: number
  token: string
  /**
   * Set only when bound beyond loopback by explicit choice (--allow-remote): these names (the bind address), and then
   * also the machine's own names and addresses (see `machineHostNames`), are accepted.
   */
  extraHosts?: string[]
}

/**
 * How other machines (and this one) reach us when bound beyond loopback: the host name, its `.local` mDNS form or
 * short form, and every interface address (IPv6 in brackets, as a Host header writes it). Read per request, so an
 * address the machine gains later works without a restart. A DNS name that merely points here is not among them:
 * accepting any name is exactly what DNS rebinding needs.
 */
export function machineHostNames(): Set<string> {
  const names = new Set<string>()
  const h = hostname().toLowerCase()
  if (h) {
    names.add(h)
    names.add(h.includes('.') ? h.slice(0, h.indexOf('.')) : `${h}.local`)
  }
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) names.add(a.family === 'IPv6' ? `[${a.address.split('%')[0].toLowerCase()}]` : a.address)
  }
  return names
}

/** Rejects DNS-rebinding: the Host header must name us (loopback, or an explicitly allowed name) on our port. */
export function hostAllowed(host: string | undefined, cfg: GuardConfig): boolean {
  if (!host) return false
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase())
  if (!m) return false
  const [, name, port] = m
  if (Number(port ?? 80) !== cfg.port) return false
  if (LOOPBACK_NAMES.has(name)) return true
  const extra = cfg.extraHosts ?? []
  return extra.length > 0 && (extra.includes(name) || machineHostNames().has(name))
}

export function originAllowed(origin: string | undefined, cfg: GuardConfig): boolean {
  if (!origin) return false
  let u: URL
  try {
    u = new URL(origin)
  } catch {
    return false
  }
  return u.protocol === 'http:' && hostAllowed(u.host, cfg)
}

export function tokenMatches(given: string | null, cfg: GuardConfig): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(cfg.token)
  return a.length === b.length && timingSafeEqual(a, b)
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; why: string }

export function checkBridgeRequest(req: IncomingMessage, cfg: GuardConfig): Verdict {
  if (!hostAllowed(req.headers.host, cfg))
    return { ok: false, status: 403, why: `foreign Host header ${JSON.stringify(req.headers.host ?? '')}` }
  if (!originAllowed(req.headers.origin, cfg))
    return { ok: false, status: 403, why: `foreign Origin ${JSON.stringify(req.headers.origin ?? '')}` }
  const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token')
  if (!tokenMatches(token, cfg)) return { ok: false, status: 401, why: token ? 'wrong token' : 'missing token' }
  return { ok: true }
}

/**
 * The event stream is a same-origin fetch, which sends no Origin header on GET: the browser's Fetch Metadata says
 * where it came from instead (`Sec-Fetch-Site`, sent by every current browser), and the token must match.
 */
export function checkStreamRequest(req: IncomingMessage, cfg: GuardConfig): Verdict {
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin') return { ok: false, status: 403, why: `a ${String(site)} request` }
  const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token')
  if (!tokenMatches(token, cfg)) return { ok: false, status: 401, why: token ? 'wrong token' : 'missing token' }
  return { ok: true }
}
