/** Pure checks shared by the option schema and the engine. */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

export function isHttpToken(name: string): boolean {
  return TOKEN.test(name)
}

export function hasCrLfOrNul(value: string): boolean {
  return /[\r\n\0]/.test(value)
}

/** Why a URL cannot be used for a WebSocket connection, or null when it can. */
export function wsUrlProblem(raw: string): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return `"${raw}" is not a valid URL; write it like ws://host:port/path or wss://host/path`
  }
  if (url.protocol === 'ws+unix:') return 'ws+unix: URLs are not supported; use ws:// or wss://'
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    return `the scheme must be ws:// or wss://; did you mean ${url.protocol === 'http:' ? 'ws' : 'wss'}://${url.host}${url.pathname}?`
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    return `the scheme ${url.protocol}// is not a WebSocket scheme; use ws:// or wss://`
  }
  if (!url.hostname) return 'the URL has no host'
  if (url.hash) return 'a WebSocket URL cannot contain a #fragment; remove it'
  return null
}

/** RFC 6455 subprotocol tokens. */
export function isSubprotocol(p: string): boolean {
  return p.length > 0 && isHttpToken(p)
}

export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length
}

export function hexProblem(hex: string): string | null {
  const clean = hex.replace(/\s+/g, '')
  if (!/^[0-9a-fA-F]*$/.test(clean)) return 'hex may contain only 0-9, a-f and spaces'
  if (clean.length % 2 !== 0) return 'hex needs an even number of digits (two per byte)'
  return null
}

export function base64Problem(b64: string): string | null {
  const clean = b64.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
    return 'base64 may contain only A-Z, a-z, 0-9, + and / with = padding'
  }
  return null
}
