/** Maps what Node, `ws` and our own checks throw to an error class and a next step for the user. */
import type { ErrorClass } from '../../shared/events'

export interface Classified {
  class: ErrorClass
  code?: string
  message: string
  next: string
  /** For protocol errors `ws` detects: the close code it sends the server. */
  closeCode?: number
}

/** The close code `ws` sends for each receiver error (RFC 6455 §7.4.1). */
const WS_ERROR_CLOSE_CODES: Record<string, number> = {
  WS_ERR_INVALID_UTF8: 1007,
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1009,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 1008
}

const TLS_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT:
    'The server uses a self-signed certificate: import it as a CA in the TLS tab, or allow invalid certificates for this connection.',
  SELF_SIGNED_CERT_IN_CHAIN:
    'The chain ends in a CA you do not trust: import that CA in the TLS tab, or allow invalid certificates for this connection.',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'The issuer of the server certificate is unknown: import its CA in the TLS tab.',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'The issuing CA is not trusted here: import it in the TLS tab.',
  UNABLE_TO_GET_ISSUER_CERT: 'The issuing CA is not trusted here: import it in the TLS tab.',
  CERT_HAS_EXPIRED: 'The server certificate has expired: renew it on the server, or allow invalid certificates for this connection.',
  CERT_NOT_YET_VALID: 'The server certificate is not valid yet: check the clocks, or allow invalid certificates for this connection.',
  ERR_TLS_CERT_ALTNAME_INVALID:
    'The certificate does not name this host: connect by a name it lists, set the TLS server name, or allow invalid certificates.'
}

function tlsNext(code: string, message: string): string {
  if (TLS_CODES[code]) return TLS_CODES[code]
  if (/certificate required|alert number 116|bad certificate/i.test(message)) {
    return 'The server demands a client certificate: add a PEM certificate and key, or a PFX, in the TLS tab.'
  }
  if (/mac verify|pkcs12|passphrase|bad decrypt/i.test(message)) return 'The PFX could not be opened: check its passphrase.'
  if (/PEM routines|private key/i.test(message))
    return 'The client certificate or key could not be read: check that both are PEM and belong together.'
  return 'Check the TLS settings (CA, client certificate, server name) for this connection.'
}

export function classifyError(err: unknown, ctx: { viaProxy: boolean }): Classified {
  const e = err as NodeJS.ErrnoException & { code?: string }
  const code = typeof e?.code === 'string' ? e.code : undefined
  // Node 24 appends advice for its own command line to certificate errors; our next step says what to do here.
  const message = (e instanceof Error ? e.message : String(err)).replace(
    /; if the root CA is installed locally, try running Node\.js with --use-system-ca$/,
    ''
  )

  if (code === 'SOCKSCOPE_REDIRECT_REFUSED')
    return { class: 'protocol', code, message, next: 'Point the URL at the final ws:// or wss:// address yourself.' }
  if (code && code.startsWith('WS_ERR_')) {
    const closeCode = WS_ERROR_CLOSE_CODES[code] ?? 1002
    return { ...classifyWsError(code, message), closeCode }
  }
  return classifyOther(err, code, message, ctx)
}

function classifyWsError(code: string, message: string): Classified {
  {
    if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      return { class: 'payload-too-large', code, message, next: 'Raise the maximum payload in Advanced if this size is expected.' }
    }
    if (code === 'WS_ERR_TOO_MANY_BUFFERED_PARTS') {
      return {
        class: 'protocol',
        code,
        message,
        next: 'The server split a message into too many pieces; raise the fragment limit in Advanced only if you trust it.'
      }
    }
    return { class: 'protocol', code, message, next: 'The server broke the WebSocket protocol; check the server implementation.' }
  }
}

function classifyOther(err: unknown, code: string | undefined, message: string, ctx: { viaProxy: boolean }): Classified {
  if (/Opening handshake has timed out/.test(message)) {
    return {
      class: 'timeout',
      code: 'HANDSHAKE_TIMEOUT',
      message,
      next: 'The server accepted TCP but never answered the upgrade: check the path and that it speaks WebSocket, or raise the handshake timeout.'
    }
  }
  if (ctx.viaProxy && (/proxy|socks/i.test(message) || code === 'ECONNREFUSED')) {
    return { class: 'proxy', code, message, next: 'Check the proxy address, that it is running, and its credentials.' }
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return { class: 'dns', code, message, next: 'The host name did not resolve: check the spelling, or your network and DNS.' }
  }
  if (code === 'ECONNREFUSED')
    return { class: 'refused', code, message, next: 'Nothing is listening there: check the host and port, and that the server is running.' }
  if (code === 'ETIMEDOUT') return { class: 'timeout', code, message, next: 'The host did not answer: check the address and any firewall.' }
  if (code && (TLS_CODES[code] || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || /CERT/.test(code))) {
    return { class: 'tls', code, message, next: tlsNext(code, message) }
  }
  if (/mac verify|pkcs12|bad decrypt|PEM routines|private key/i.test(message)) {
    return { class: 'tls', code: code ?? 'CLIENT_CERT_UNREADABLE', message, next: tlsNext('', message) }
  }
  if (/SSL|TLS|certificate/i.test(message)) return { class: 'tls', code, message, next: tlsNext(code ?? '', message) }
  if (/Invalid Sec-WebSocket-Accept|Invalid Upgrade header|subprotocol|Sec-WebSocket-Extensions|extension/i.test(message)) {
    return {
      class: 'protocol',
      code: code ?? 'HANDSHAKE_INVALID',
      message,
      next: 'The server answered the upgrade incorrectly; check the server or the subprotocols and compression you offer.'
    }
  }
  if (/Maximum redirects exceeded|Invalid URL/.test(message))
    return { class: 'protocol', code: code ?? 'REDIRECT', message, next: 'Point the URL at the final address yourself.' }
  return { class: 'network', code, message, next: 'The connection failed; check the server and the network, then connect again.' }
}

/** TLS verification failures are not retried: retrying cannot change the certificate. */
export function isTlsVerificationFailure(c: Classified): boolean {
  return c.class === 'tls' && !!c.code && (c.code in TLS_CODES || c.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
}
