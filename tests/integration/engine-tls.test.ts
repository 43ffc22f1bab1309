import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { recordingManager } from '../helpers/events'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { makeCA, makeClientCert, makeSelfSigned, makeServerCert, toPfxBase64, type Pair } from '../helpers/certs'
import type { ErrorEvent, HandshakeEvent } from '../../src/shared/events'
import { useFakeClock } from '../helpers/fakeClock'
import { until } from '../helpers/time'

let selfSigned: Pair
let ca: Pair
let plain: RunningWs
let mtls: RunningWs
let client: Pair

beforeAll(async () => {
  selfSigned = makeSelfSigned()
  ca = makeCA()
  const leaf = makeServerCert(ca)
  client = makeClientCert(ca)
  plain = await startWsServer({ tls: { cert: selfSigned.cert, key: selfSigned.key } })
  mtls = await startWsServer({ tls: { cert: leaf.cert, key: leaf.key, ca: [ca.cert], requestCert: true, rejectUnauthorized: true } })
}, 60_000)
afterEach(() => {
  vi.useRealTimers()
})
afterAll(async () => {
  await plain?.close()
  await mtls?.close()
})

describe('engine: TLS', () => {
  it('rejects a self-signed certificate by default with the tls class, Node code and a next step, and does not retry', async () => {
    useFakeClock()
    const { manager, of } = recordingManager()
    manager.open({ url: plain.url, reconnect: { enabled: true, baseMs: 10, capMs: 20 } })
    await until(() => of('state').some((e) => e.state === 'closed'), 'closed')
    const err = of('error')[0]
    expect(err.class).toBe('tls')
    expect(err.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT')
    expect(err.next).toMatch(/import it as a CA|allow invalid certificates/)
    // Node 24 adds advice for its own command line; the user of Sockscope gets the next step above instead.
    expect(err.message).not.toMatch(/--use-system-ca/)
    vi.advanceTimersByTime(60_000) // far beyond the backoff cap: a scheduled retry would have started
    expect(of('reconnect')).toHaveLength(0)
    expect(of('state').filter((e) => e.state === 'connecting')).toHaveLength(1)
    manager.dispose()
  })

  it('accepts it once the certificate is imported as a CA, and reports the chain', async () => {
    const { manager, waitFor } = recordingManager()
    manager.open({ url: plain.url, tls: { ca: [selfSigned.cert] } })
    const hs = await waitFor<HandshakeEvent>((e) => e.type === 'handshake')
    expect(hs.tls?.authorized).toBe(true)
    expect(hs.tls?.protocol).toMatch(/TLSv1\.[23]/)
    expect(hs.tls?.chain[0].subject).toContain('CN=localhost')
    expect(hs.tls?.chain[0].subjectAltNames).toContain('DNS:localhost')
    expect(hs.tls?.chain[0].fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(hs.timings.tlsMs).toBeGreaterThan(0)
    manager.dispose()
  })

  it('accepts it with the explicit allowInvalidCertificates opt-in, marked unauthorized', async () => {
    const { manager, waitFor } = recordingManager()
    manager.open({ url: plain.url, tls: { allowInvalidCertificates: true } })
    const hs = await waitFor<HandshakeEvent>((e) => e.type === 'handshake')
    expect(hs.tls?.authorized).toBe(false)
    expect(hs.tls?.authorizationError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT')
    manager.dispose()
  })

  it('mutual TLS works with a PEM certificate and key', async () => {
    const { manager, waitFor } = recordingManager()
    const { id } = manager.open({ url: mtls.url, tls: { ca: [ca.cert], cert: client.cert, key: client.key } })
    await waitFor((e) => e.type === 'state' && e.state === 'open')
    await manager.send(id, { kind: 'text', data: 'mtls' })
    await waitFor((e) => e.type === 'message' && e.dir === 'in' && e.data === 'mtls')
    manager.dispose()
  })

  it('mutual TLS works with a PFX and passphrase; a wrong passphrase is a clear error', async () => {
    const pfx = toPfxBase64(client, 'pass phrase')
    const ok = recordingManager()
    ok.manager.open({ url: mtls.url, tls: { ca: [ca.cert], pfx, passphrase: 'pass phrase' } })
    await ok.waitFor((e) => e.type === 'state' && e.state === 'open')
    ok.manager.dispose()
    const bad = recordingManager()
    bad.manager.open({ url: mtls.url, tls: { ca: [ca.cert], pfx, passphrase: 'wrong' } })
    const err = await bad.waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(err.class).toBe('tls')
    expect(err.next).toMatch(/passphrase/)
    bad.manager.dispose()
  })

  it('without a client certificate the error says one is needed', async () => {
    const { manager, waitFor } = recordingManager()
    manager.open({ url: mtls.url, tls: { ca: [ca.cert] } })
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(err.class).toBe('tls')
    expect(err.next).toMatch(/client certificate/)
    manager.dispose()
  })
})
