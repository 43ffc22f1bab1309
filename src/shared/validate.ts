/** Pure checks shared by the option schema and the engine. */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

export function isHttpToken(name: string): boolean {
  return TOKEN.test(name)
}

export function hasCrLfOrNul(value: string): boolean {
  return /[\r\n\0]/.test(value)
}

/**
 * Where a URL names a port outside 1–65535, why; else null. The URL parser only says "invalid" for 99999, so the
 * port is read from the text itself (after the scheme, any user@ and the host, IPv6 in brackets included).
 */
function portProblem(raw: string): string | null {
  const m = /^[a-z][a-z\d+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:[\]]*):([^/?#]*)(?:[/?#]|$)/i.exec(raw.trim())
  if (!m || m[1] === '') return null
  if (!/^\d+$/.test(m[1])) return `the port "${m[1]}" is not a number; use a port from 1 to 65535 (or leave it out)`
  const port = Number(m[1])
  if (port < 1 || port > 65535) return `the port ${m[1]} is out of range; use a port from 1 to 65535`
  return null
}

/** An http(s) URL rewritten to the WebSocket scheme that matches it (TLS kept), the rest as typed; else null. */
export function wsSchemeFix(raw: string): string | null {
  const m = /^\s*(https?):/i.exec(raw)
  if (!m) return null
  return (m[1].toLowerCase() === 'https' ? 'wss' : 'ws') + raw.trim().slice(m[1].length)
}

/** Why a URL cannot be used for a WebSocket connection, or null when it can. */
export function wsUrlProblem(raw: string): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return portProblem(raw) ?? `"${raw}" is not a valid URL; write it like ws://host:port/path or wss://host/path`
  }
  if (url.protocol === 'ws+unix:') return 'ws+unix: URLs are not supported; use ws:// or wss://'
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const ws = url.protocol === 'http:' ? 'ws' : 'wss'
    // Host and path only: a query or user:password@ may hold secrets, and the fix button shows the full URL.
    return `${url.protocol}// is for web pages, not WebSockets; use ${ws}://${url.host}${url.pathname}`
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    return `the scheme ${url.protocol}// is not a WebSocket scheme; use ws:// or wss://`
  }
  if (!url.hostname) return 'the URL has no host'
  // The parser accepts port 0, but nothing can be connected to on it.
  if (url.port === '0') return portProblem(raw)
  if (url.hash) return 'a WebSocket URL cannot contain a #fragment; remove it'
  return null
}

/** RFC 6455 subprotocol tokens. */
export function isSubprotocol(p: string): boolean {
  return p.length > 0 && isHttpToken(p)
}

/**
 * The subprotocol field as typed: commas and/or spaces separate. Splitting on both is safe because each
 * Sec-WebSocket-Protocol value is an HTTP token (RFC 6455 §4.1), and a token holds neither a space nor a comma.
 */
export function splitSubprotocols(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean)
}

/** Why a header (or query parameter) row's name cannot be used, or null. A row with neither is the caller's to drop. */
export function rowNameProblem(kind: 'header' | 'query parameter', name: string, value: string): string | null {
  if (name === '') {
    return value === ''
      ? `a ${kind} needs a name; type one, or remove the row`
      : `a ${kind} with a value needs a name; type the name, or clear the value to drop the row`
  }
  if (kind === 'header' && !isHttpToken(name)) {
    return `"${name}" is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only)`
  }
  return null
}

/**
 * Why a header value cannot be sent as typed, or null. RFC 9110 §5.5: a field value is visible US-ASCII, space and
 * tab, plus obs-text bytes that carry no agreed meaning. Node writes each character as one Latin-1 byte, so "é"
 * would reach the server as a byte it reads differently (mojibake): refuse it. A secret's character is not echoed.
 */
export function headerValueProblem(value: string, secret = false): string | null {
  if (hasCrLfOrNul(value)) return 'must not contain line breaks (CR/LF) or NUL'
  const m = /[^\t\x20-\x7e]/u.exec(value)
  if (!m) return null
  const at = `character ${[...value.slice(0, m.index)].length + 1}`
  // Below U+00A0 everything refused here is a control character (C0 but tab, DEL, C1).
  if ((m[0].codePointAt(0) ?? 0) < 0xa0) return `${at} is a control character, which a header cannot carry; remove it`
  const hex = [...new TextEncoder().encode(m[0])].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')
  const which = secret ? at : `${at} ("${m[0]}")`
  const example = secret ? '' : ` ("${m[0]}" is ${hex})`
  return `${which} is not US-ASCII: header values are US-ASCII text (RFC 9110 §5.5), so the server would read other bytes than you typed; percent-encode the value${example} or base64 it, whichever the server expects`
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
