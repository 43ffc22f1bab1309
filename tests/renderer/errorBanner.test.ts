/** Issue 15, errors where the eyes are: which failures raise the banner, what it says, and which buttons it offers. */
import { describe, expect, it } from 'vitest'
import { applyEvent, createTab } from '../../src/renderer/src/stores/connectionTab'
import { codecFailure, dismissFailure, type ConnectionFailure } from '../../src/renderer/src/lib/connectionFailure'
import { bannerContent, isPemCertificate, withExtraCa, withWss } from '../../src/renderer/src/lib/errorBanner'
import { newDraft } from '../../src/renderer/src/mappers/draft'
import type { CloseEvent, ErrorEvent, SockEvent } from '../../src/shared/events'

const ID = 'c1'
let seq = 0
const base = (): { id: string; seq: number; ts: number } => ({ id: ID, seq: ++seq, ts: 1_700_000_000_000 + seq })
const state = (s: 'connecting' | 'open' | 'closing' | 'closed', attempt = 1): SockEvent => ({ ...base(), type: 'state', state: s, attempt })
const error = (e: Partial<ErrorEvent> & Pick<ErrorEvent, 'class'>): ErrorEvent => ({
  ...base(),
  type: 'error',
  message: 'failed',
  next: 'Do the next thing.',
  ...e
})
const close = (code: number, initiator: CloseEvent['initiator'], reason = ''): CloseEvent => ({
  ...base(),
  type: 'close',
  code,
  reason,
  meaning: code === 1006 ? 'Abnormal closure (no close frame)' : code === 1008 ? 'Policy violation' : 'Normal closure',
  initiator,
  clean: initiator !== 'abnormal'
})

const UNKNOWN_CA = error({
  class: 'tls',
  code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  message: 'unable to verify the first certificate',
  next: 'The issuer of the server certificate is unknown: import its CA in the TLS tab.'
})
const REFUSED = error({
  class: 'refused',
  code: 'ECONNREFUSED',
  message: 'connect ECONNREFUSED 127.0.0.1:9',
  next: 'Nothing is listening there: check the host and port, and that the server is running.'
})

/** Applies events in the order given: each gets the next `seq`, as the engine numbers them (shared ones too). */
function apply(tab: ReturnType<typeof createTab>, events: SockEvent[]): void {
  for (const e of events) applyEvent(tab, { ...e, seq: ++seq })
}
/** A tab that went through these events. */
function tabAfter(...events: SockEvent[]): ReturnType<typeof createTab> {
  const tab = createTab('t', 'wss://127.0.0.1:1/')
  apply(tab, events)
  return tab
}

const failure = (error: ErrorEvent | null, closeEvent: CloseEvent, wasOpen = false): ConnectionFailure => ({
  error,
  close: closeEvent,
  wasOpen
})
const labels = (f: ConnectionFailure, url = 'wss://127.0.0.1:1/', insecure = false): string[] => {
  const d = newDraft(url)
  d.tls.allowInvalidCertificates = insecure
  return bannerContent(f, d).actions.map((a) => a.label)
}

describe('when the banner shows', () => {
  it('shows an attempt that failed with its error, and keeps the log row too', () => {
    const tab = tabAfter(state('connecting'), UNKNOWN_CA, close(1006, 'abnormal'), state('closed'))
    expect(tab.failure.shown?.error?.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    expect(tab.failure.shown?.wasOpen).toBe(false)
    expect(tab.log.entries().some((r) => JSON.stringify(r).includes('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toBe(true)
  })

  it('stays through the next attempt and goes once one opens', () => {
    const tab = tabAfter(state('connecting'), REFUSED, close(1006, 'abnormal'), state('closed'), state('connecting'))
    expect(tab.failure.shown).not.toBeNull()
    apply(tab, [state('open')])
    expect(tab.failure.shown).toBeNull()
  })

  it('shows a connection that dropped or that the server closed with a complaint, not a normal close', () => {
    expect(tabAfter(state('connecting'), state('open'), close(1006, 'abnormal'), state('closed')).failure.shown?.wasOpen).toBe(true)
    expect(tabAfter(state('connecting'), state('open'), close(1008, 'remote', 'banned'), state('closed')).failure.shown?.close?.code).toBe(
      1008
    )
    expect(tabAfter(state('connecting'), state('open'), close(1000, 'remote'), state('closed')).failure.shown).toBeNull()
    expect(tabAfter(state('connecting'), state('open'), close(1000, 'local'), state('closed')).failure.shown).toBeNull()
    // The user's own close with an application code is not a failure either.
    expect(tabAfter(state('connecting'), state('open'), close(4000, 'local'), state('closed')).failure.shown).toBeNull()
  })

  it('shows our close after the server broke the protocol, but not errors the connection carried on through', () => {
    const broke = error({ class: 'protocol', code: 'WS_ERR_INVALID_UTF8' })
    expect(tabAfter(state('connecting'), state('open'), broke, close(1007, 'local'), state('closed')).failure.shown?.error?.code).toBe(
      'WS_ERR_INVALID_UTF8'
    )
    const sendFailed = error({ class: 'send', message: 'Preamble message not sent' })
    const slowClose = error({ class: 'timeout', code: 'CLOSE_TIMEOUT' })
    const tab = tabAfter(state('connecting'), state('open'), sendFailed, state('closing'), slowClose, close(1006, 'local'), state('closed'))
    expect(tab.failure.shown).toBeNull()
  })

  it('once dismissed, stays away through automatic retries and comes back for a new connection', () => {
    const tab = tabAfter(state('connecting'), REFUSED, close(1006, 'abnormal'), state('closed'))
    dismissFailure(tab.failure)
    expect(tab.failure.shown).toBeNull()
    apply(tab, [state('connecting', 2), REFUSED, close(1006, 'abnormal'), state('closed', 2)])
    expect(tab.failure.shown).toBeNull()
    apply(tab, [state('connecting', 1), REFUSED, close(1006, 'abnormal'), state('closed', 1)])
    expect(tab.failure.shown?.error?.code).toBe('ECONNREFUSED')
  })
})

describe('protocol and codec errors use the same banner', () => {
  const REFUSED_NSP = error({
    class: 'app-protocol',
    code: 'SOCKETIO_CONNECT_ERROR',
    message: 'Socket.IO refused namespace /admin: not authorized',
    next: 'Check the namespace and the auth payload in the Protocol settings, then reconnect.'
  })

  it('shows a refusal of the protocol while the socket stays open, and again after a dismissal, until an attempt opens', () => {
    const tab = tabAfter(state('connecting'), state('open'), REFUSED_NSP)
    expect(tab.failure.shown).toMatchObject({ error: { code: 'SOCKETIO_CONNECT_ERROR' }, close: null })
    dismissFailure(tab.failure)
    apply(tab, [REFUSED_NSP])
    expect(tab.failure.shown?.error?.code).toBe('SOCKETIO_CONNECT_ERROR')
    apply(tab, [close(1000, 'local'), state('closed'), state('connecting'), state('open')])
    expect(tab.failure.shown).toBeNull()
  })

  it('says it in the protocol words, offers the Protocol settings and a retry, and no close line while open', () => {
    const c = bannerContent({ error: REFUSED_NSP, close: null, wasOpen: true }, newDraft('ws://h/socket.io/?EIO=4'))
    expect(c).toMatchObject({
      title: 'The server refused a request of its protocol',
      code: 'SOCKETIO_CONNECT_ERROR',
      message: 'Socket.IO refused namespace /admin: not authorized',
      close: null
    })
    expect(c.actions.map((a) => a.label)).toEqual(['Open Protocol settings', 'Retry'])
  })

  it('a codec error offers the Decoding settings, and is not repeated over a failure that closed the link', () => {
    const codec = error({ class: 'codec', code: 'CODEC', message: 'Incoming messages do not decode as protobuf:t.T' })
    const tab = tabAfter(state('connecting'), state('open'))
    codecFailure(tab.failure, codec, 'in|protobuf:t.T')
    expect(bannerContent(tab.failure.shown!, tab.draft).actions.map((a) => a.label)).toEqual(['Open Decoding settings'])
    // Once per setting: dismissed, the same setting's next failure stays away; a changed setting may fail anew.
    dismissFailure(tab.failure)
    codecFailure(tab.failure, codec, 'in|protobuf:t.T')
    expect(tab.failure.shown).toBeNull()
    codecFailure(tab.failure, codec, 'in|protobuf:t.U')
    expect(tab.failure.shown).not.toBeNull()
    const closed = tabAfter(state('connecting'), REFUSED, close(1006, 'abnormal'), state('closed'))
    codecFailure(closed.failure, codec, 'in|protobuf:t.T')
    expect(closed.failure.shown?.error?.code).toBe('ECONNREFUSED')
  })
})

describe('what the banner says', () => {
  it('names the class in words, the code, the message and the next step; no close code for an attempt that never opened', () => {
    const c = bannerContent(failure(UNKNOWN_CA, close(1006, 'abnormal')), newDraft('wss://h/'))
    expect(c).toMatchObject({
      title: "The server's certificate is not trusted",
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      message: 'unable to verify the first certificate',
      close: null,
      next: 'The issuer of the server certificate is unknown: import its CA in the TLS tab.'
    })
    expect(bannerContent(failure(REFUSED, close(1006, 'abnormal')), newDraft('ws://h/')).title).toBe('Connection refused')
  })

  it('gives the close code, its meaning and the reason of a connection that had opened', () => {
    const c = bannerContent(failure(null, close(1008, 'remote', 'banned'), true), newDraft('ws://h/'))
    expect(c.title).toBe('The server closed the connection')
    expect(c.close).toBe('Close 1008: Policy violation (“banned”)')
    expect(bannerContent(failure(null, close(1006, 'abnormal'), true), newDraft('ws://h/')).close).toBe(
      'Close 1006: Abnormal closure (no close frame)'
    )
  })
})

describe('the buttons it offers', () => {
  it('an unknown CA: import it, allow invalid certificates, open the TLS settings at the CA field, retry', () => {
    const f = failure(UNKNOWN_CA, close(1006, 'abnormal'))
    expect(labels(f)).toEqual(['Import CA…', 'Allow invalid certificates for this connection', 'Open TLS settings', 'Retry'])
    expect(bannerContent(f, newDraft('wss://h/')).actions.find((a) => a.kind === 'tls-settings')?.field).toBe('tls-ca')
    // Already allowed: the button would do nothing.
    expect(labels(f, 'wss://h/', true)).not.toContain('Allow invalid certificates for this connection')
  })

  it('an expired certificate or a wrong host name: no CA to import, but verification can be skipped', () => {
    const expired = failure(error({ class: 'tls', code: 'CERT_HAS_EXPIRED' }), close(1006, 'abnormal'))
    expect(labels(expired)).toEqual(['Allow invalid certificates for this connection', 'Open TLS settings', 'Retry'])
    const altName = failure(error({ class: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), close(1006, 'abnormal'))
    expect(bannerContent(altName, newDraft('wss://h/')).actions.find((a) => a.kind === 'tls-settings')?.field).toBe('tls-sni')
  })

  it('a missing client certificate: the TLS settings open at the client certificate, nothing to skip', () => {
    const f = failure(
      error({ class: 'tls', code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', message: 'alert certificate required' }),
      close(1006, 'abnormal')
    )
    const c = bannerContent(f, newDraft('wss://h/'))
    expect(c.actions.map((a) => a.kind)).toEqual(['tls-settings', 'retry'])
    expect(c.actions[0].field).toBe('tls-cert')
  })

  it('a refused connection: Retry only', () => {
    expect(labels(failure(REFUSED, close(1006, 'abnormal')), 'ws://127.0.0.1:9/')).toEqual(['Retry'])
  })

  it('a ws:// URL that met a TLS-only server offers wss://, a wss:// or {{variable}} URL does not', () => {
    const hungUp = failure(error({ class: 'network', code: 'ECONNRESET', message: 'socket hang up' }), close(1006, 'abnormal'))
    expect(labels(hungUp, 'ws://127.0.0.1:8443/chat')).toEqual(['Use wss://', 'Retry'])
    expect(labels(hungUp, 'wss://127.0.0.1:8443/chat')).toEqual(['Retry'])
    expect(labels(hungUp, '{{base}}/chat')).toEqual(['Retry'])
    const plainToHttps = error({
      class: 'http-status',
      code: 'HTTP_400',
      status: 400,
      body: 'The plain HTTP request was sent to HTTPS port'
    })
    expect(labels(failure(plainToHttps, close(1006, 'abnormal')), 'ws://h/')).toContain('Use wss://')
    const redirect = error({ class: 'http-status', code: 'HTTP_301', status: 301, headers: [{ name: 'Location', value: 'https://h/' }] })
    expect(labels(failure(redirect, close(1006, 'abnormal')), 'ws://h/')).toContain('Use wss://')
    const notFound = error({ class: 'http-status', code: 'HTTP_404', status: 404, body: 'Not found' })
    expect(labels(failure(notFound, close(1006, 'abnormal')), 'ws://h/')).toEqual(['Retry'])
    // A reset after the connection had opened says nothing about the scheme.
    expect(labels(failure(hungUp.error, close(1006, 'abnormal'), true), 'ws://h/')).toEqual(['Retry'])
  })
})

describe('what the buttons change', () => {
  it('Use wss:// changes the scheme only', () => {
    expect(withWss('ws://{{host}}:8443/a?b=ws://x')).toBe('wss://{{host}}:8443/a?b=ws://x')
    expect(withWss('WS://h/')).toBe('wss://h/')
  })

  it('Import CA… adds the picked PEM after the CAs already there, and takes only PEM certificates', () => {
    expect(withExtraCa('', 'B')).toBe('B')
    expect(withExtraCa('A\n\n', 'B')).toBe('A\nB')
    expect(isPemCertificate('-----BEGIN CERTIFICATE-----\nMIIB…')).toBe(true)
    expect(isPemCertificate('\u0030\u0082\u0003')).toBe(false)
  })
})
