/** Who may talk to the browser-mode host: loopback Host names only, our own Origin, the session token. */
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]'])

export interface GuardConfig {
  port: number
  token: string
  /** Extra host names allowed when bound beyond loopback by explicit choice. */
  extraHosts?: string[]
}

/** Rejects DNS-rebinding: the Host header must name us (loopback, or an explicitly allowed name) on our port. */
export function hostAllowed(host: string | undefined, cfg: GuardConfig): boolean {
  if (!host) return false
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase())
  if (!m) return false
  const [, name, port] = m
  if (Number(port ?? 80) !== cfg.port) return false
  return LOOPBACK_NAMES.has(name) || (cfg.extraHosts ?? []).includes(name)
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
