import type { PeerCertificate, DetailedPeerCertificate, TLSSocket } from 'node:tls'
import type { CertificateInfo, TlsInfo } from '../../shared/events'

function dn(name: unknown): string {
  if (!name || typeof name !== 'object') return ''
  return Object.entries(name as Record<string, string | string[]>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ')
}

function toInfo(c: PeerCertificate): CertificateInfo {
  return {
    subject: dn(c.subject),
    issuer: dn(c.issuer),
    validFrom: c.valid_from,
    validTo: c.valid_to,
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
