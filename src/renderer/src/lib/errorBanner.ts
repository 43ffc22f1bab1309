/**
 * What the connection error banner says about a failure, and which next steps it offers as buttons. Pure, so the
 * wording and the choice of actions are tested without a page.
 */
import type { ErrorEvent } from '../../../shared/events'
import type { Draft } from '../mappers/draft'
import type { ConnectionFailure } from './connectionFailure'

export type BannerActionKind =
  'import-ca' | 'allow-invalid' | 'use-wss' | 'tls-settings' | 'protocol-settings' | 'decode-settings' | 'retry'

export interface BannerAction {
  kind: BannerActionKind
  label: string
  /** For `tls-settings`: the id of the field to focus once the TLS settings are open. */
  field?: string
}

export interface BannerContent {
  /** The kind of failure, in words. */
  title: string
  /** Node's, `ws`'s or the engine's code, e.g. ECONNREFUSED. */
  code: string | null
  /** What Node or the server said, as it said it. */
  message: string | null
  /** The close code with its meaning, where the connection had opened (a refused attempt's 1006 says nothing). */
  close: string | null
  /** The engine's one sentence on what to do. */
  next: string | null
  actions: BannerAction[]
}

const LABELS: Record<BannerActionKind, string> = {
  'import-ca': 'Import CA…',
  'allow-invalid': 'Allow invalid certificates for this connection',
  'use-wss': 'Use wss://',
  'tls-settings': 'Open TLS settings',
  'protocol-settings': 'Open Protocol settings',
  'decode-settings': 'Open Decoding settings',
  retry: 'Retry'
}

/** Verification failures that trusting the server's CA would cure. */
const UNTRUSTED_ISSUER_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED'
])
/** Verification failures of any kind: skipping verification gets past each of them. */
const VERIFICATION_CODES = new Set([
  ...UNTRUSTED_ISSUER_CODES,
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE'
])

const CLASS_TITLES: Record<ErrorEvent['class'], string> = {
  'invalid-options': 'The connection settings were refused',
  dns: 'Host not found',
  refused: 'Connection refused',
  timeout: 'No answer in time',
  tls: 'The secure (TLS) connection failed',
  'http-status': 'The server did not accept the WebSocket upgrade',
  protocol: 'The server broke the WebSocket protocol',
  'payload-too-large': 'A message was larger than allowed',
  proxy: 'The proxy failed',
  network: 'The connection failed',
  send: 'A message could not be sent',
  internal: 'Sockscope hit an internal error',
  recording: 'The recording could not be written',
  'app-protocol': 'The server refused a request of its protocol',
  codec: 'A message did not decode as set'
}

function title(f: ConnectionFailure): string {
  const e = f.error
  if (!e) return f.close?.initiator === 'remote' ? 'The server closed the connection' : 'The connection dropped'
  if (e.class === 'tls' && e.code && VERIFICATION_CODES.has(e.code)) return "The server's certificate is not trusted"
  if (e.class === 'http-status' && e.status) return `The server answered HTTP ${e.status} instead of upgrading`
  if (e.class === 'network' && f.wasOpen) return 'The connection dropped'
  return CLASS_TITLES[e.class]
}

/** The TLS field most likely to need a change for this error. */
function tlsField(e: ErrorEvent): string {
  if (/certificate required|alert number 116|bad certificate|PEM routines|private key/i.test(e.message)) return 'tls-cert'
  if (/mac verify|pkcs12|passphrase|bad decrypt/i.test(e.message)) return 'tls-pass'
  if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'tls-sni'
  return 'tls-ca'
}

/** The URL as typed starts with ws:// (not a variable), so switching to wss:// is a plain edit. */
export function isPlainWsUrl(url: string): boolean {
  return /^\s*ws:\/\//i.test(url)
}

/** The URL with its ws:// scheme swapped for wss://; everything else kept. */
export function withWss(url: string): string {
  return url.replace(/^(\s*)ws:\/\//i, '$1wss://')
}

/**
 * Signs that a ws:// URL reached a server that only speaks TLS: a redirect to https or wss, a 400-class answer that
 * mentions HTTPS/SSL (nginx's "plain HTTP request was sent to HTTPS port", its 497), or a server that hung up on the
 * plain request before answering, which is what a TLS port does with bytes that are not a TLS hello.
 */
function looksLikeTlsOnly(f: ConnectionFailure): boolean {
  const e = f.error
  if (!e || f.wasOpen) return false
  if (e.class === 'http-status') {
    const location = e.headers?.find((h) => h.name.toLowerCase() === 'location')?.value ?? ''
    if (e.status && e.status >= 300 && e.status < 400) return /^(https|wss):/i.test(location)
    return /https|ssl|tls/i.test(`${e.body ?? ''} ${e.message}`) || e.status === 497
  }
  if (e.class === 'network' || e.class === 'protocol') {
    return e.code === 'ECONNRESET' || e.code === 'EPIPE' || /^HPE_/.test(e.code ?? '') || /socket hang up/i.test(e.message)
  }
  return false
}

function actions(f: ConnectionFailure, draft: Pick<Draft, 'url' | 'tls'>): BannerAction[] {
  const e = f.error
  const kinds: BannerAction[] = []
  const add = (kind: BannerActionKind, field?: string): void => {
    kinds.push(field ? { kind, label: LABELS[kind], field } : { kind, label: LABELS[kind] })
  }
  if (e?.class === 'tls' && e.code) {
    if (UNTRUSTED_ISSUER_CODES.has(e.code)) add('import-ca')
    if (VERIFICATION_CODES.has(e.code) && !draft.tls.allowInvalidCertificates) add('allow-invalid')
  }
  if (isPlainWsUrl(draft.url) && looksLikeTlsOnly(f)) add('use-wss')
  if (e?.class === 'tls') add('tls-settings', tlsField(e))
  if (e?.class === 'app-protocol') add('protocol-settings')
  if (e?.class === 'codec') return [{ kind: 'decode-settings', label: LABELS['decode-settings'] }]
  add('retry')
  return kinds
}

export function bannerContent(f: ConnectionFailure, draft: Pick<Draft, 'url' | 'tls'>): BannerContent {
  const e = f.error
  // A close that only says the attempt never got a close frame repeats the error; one from an open connection (or
  // with no error to explain it) is the news itself.
  const closeSays = f.close && (f.wasOpen || !e || f.close.code !== 1006)
  return {
    title: title(f),
    code: e?.code ?? null,
    message: e?.message ?? null,
    close: f.close && closeSays ? `Close ${f.close.code}: ${f.close.meaning}${f.close.reason ? ` (“${f.close.reason}”)` : ''}` : null,
    next: e?.next ?? null,
    actions: actions(f, draft)
  }
}

/** The CA field with one more PEM added after what is there (certificates of several CAs sit one after another). */
export function withExtraCa(current: string, pem: string): string {
  return current.trim() ? `${current.trim()}\n${pem}` : pem
}

/** A picked CA file must be PEM text: the field takes PEM, and a DER file read as text would only fail later. */
export function isPemCertificate(text: string): boolean {
  return /-----BEGIN (TRUSTED )?CERTIFICATE-----/.test(text)
}
