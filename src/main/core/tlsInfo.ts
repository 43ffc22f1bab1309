import type { PeerCertificate, DetailedPeerCertificate, TLSSocket } from 'node:tls'
import type { CertificateInfo, DnField, TlsInfo } from '../../shared/events'

/** Characters a reader cannot see or that reorder the text around them: C0/C1 controls, bidi formatting marks. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u
/** RFC 4514 §2.4: escaped with a backslash wherever they appear in a value. */
const SPECIAL = /["+,;<>\\]/

/** `\XX` per UTF-8 byte: the hexpair escape of RFC 4514 §2.4, which may be used for any character. */
const hexEscape = (ch: string): string =>
  [...Buffer.from(ch, 'utf8')].map((b) => '\\' + b.toString(16).toUpperCase().padStart(2, '0')).join('')

/** A value on its own (a display field): only `\` and what cannot be seen are escaped. */
function fieldValue(v: string): string {
  return [...v].map((ch) => (ch === '\\' ? '\\\\' : HIDDEN.test(ch) ? hexEscape(ch) : ch)).join('')
}

/**
 * A value inside an RFC 4514 string (§2.4): `"+,;<>\` escaped, a leading space or `#` and a trailing space
 * escaped, NUL and the invisible characters as hexpairs. Without this a CN of `x, O=Google LLC` reads as an
 * organisation the certificate never named.
 */
export function escapeDnValue(v: string): string {
  const chars = [...v].map((ch) => (SPECIAL.test(ch) ? '\\' + ch : HIDDEN.test(ch) ? hexEscape(ch) : ch))
  if (chars[0] === ' ' || chars[0] === '#') chars[0] = '\\' + chars[0]
  if (chars.length > 1 && chars[chars.length - 1] === ' ') chars[chars.length - 1] = '\\ '
  return chars.join('')
}

/**
 * Node's name object (attribute → value, or values when repeated) as attributes, most specific first: RFC 4514
 * §2.1 writes the RDN sequence from its last element back to its first. Node merges repeated attributes and
 * cannot tell them from a multi-valued RDN (§2.2), so each value is shown as its own RDN.
 */
function attributes(name: unknown): Array<[string, string]> {
  if (!name || typeof name !== 'object') return []
  const flat = Object.entries(name as Record<string, string | string[]>).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, String(x)])
  )
  return flat.reverse()
}

const dn = (attrs: Array<[string, string]>): string => attrs.map(([k, v]) => `${k}=${escapeDnValue(v)}`).join(',')
const fields = (attrs: Array<[string, string]>): DnField[] => attrs.map(([name, v]) => ({ name, value: fieldValue(v) }))

function toInfo(c: PeerCertificate): CertificateInfo {
  const subject = attributes(c.subject)
  const issuer = attributes(c.issuer)
  return {
    subject: dn(subject),
    issuer: dn(issuer),
    subjectFields: fields(subject),
    issuerFields: fields(issuer),
    validFrom: c.valid_from,
    validTo: c.valid_to,
    // Node writes a SAN holding a comma or quote as a JSON string with the comma as \u002c, so this split is safe.
    subjectAltNames: c.subjectaltname ? c.subjectaltname.split(/,\s*/) : [],
    fingerprint256: c.fingerprint256,
    serialNumber: c.serialNumber
  }
}

/** The negotiated TLS parameters and the peer's chain, leaf first, from public TLSSocket methods. */
export function describeTls(socket: TLSSocket): TlsInfo {
  const chain: CertificateInfo[] = []
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true)
  const seen = new Set<string>()
  while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256)
    chain.push(toInfo(cert))
    cert = cert.issuerCertificate
  }
  const err = socket.authorizationError
  return {
    protocol: socket.getProtocol() ?? null,
    cipher: socket.getCipher()?.name ?? null,
    authorized: socket.authorized,
    ...(err ? { authorizationError: String(err) } : {}),
    chain
  }
}
