/** Matrix rows 1, 3, 4 and 5: refused, reset, HTTP errors, broken upgrades and bad certificates. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { recordingManager } from '../helpers/events'
import { closedPort } from '../helpers/servers'
import { makeCA, makeSelfSigned, makeServerCert } from '../helpers/certs'
import { classifyError } from '../../src/main/core/classify'
import { accept, hostileServer, type HostileServer, type Upgrade } from './rawServer'
import type { ErrorEvent } from '../../src/shared/events'
import { useFakeClock } from '../helpers/fakeClock'
import { until } from '../helpers/time'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  vi.useRealTimers()
  while (cleanups.length) await cleanups.pop()!()
})

async function serve(respond: (u: Upgrade) => void, opts?: Parameters<typeof hostileServer>[1]): Promise<HostileServer> {
  const s = await hostileServer(respond, opts)
  cleanups.push(s.close)
  return s
}

async function firstError(
  options: Record<string, unknown>
): Promise<{ err: ErrorEvent; of: ReturnType<typeof recordingManager>['of']; wait: ReturnType<typeof recordingManager>['waitFor'] }> {
  const rec = recordingManager()
  cleanups.push(() => rec.manager.dispose())
  rec.manager.open(options)
  return { err: await rec.waitFor<ErrorEvent>((e) => e.type === 'error'), of: rec.of, wait: rec.waitFor }
}

describe('row 1: refused, DNS failure, reset during the handshake', () => {
  it('connection refused: classified with its code, and backoff when reconnect is on', async () => {
    const port = await closedPort()
    const { err, wait } = await firstError({ url: `ws://127.0.0.1:${port}/`, reconnect: { enabled: true, baseMs: 50, capMs: 100 } })
    expect(err).toMatchObject({ class: 'refused', code: 'ECONNREFUSED' })
    await wait((e) => e.type === 'reconnect')
  })

  it('DNS failure: ENOTFOUND and EAI_AGAIN are classified as dns with a next step (no query leaves loopback in tests)', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const c = classifyError(Object.assign(new Error(`getaddrinfo ${code} nowhere.invalid`), { code }), { viaProxy: false })
      expect(c).toMatchObject({ class: 'dns', code })
      expect(c.next).toMatch(/did not resolve/)
    }
  })

  it('reset during the handshake: a network error with ECONNRESET, retried when reconnect is on', async () => {
    const s = await serve((u) => u.socket.resetAndDestroy())
    const { err, wait } = await firstError({ url: s.url, reconnect: { enabled: true, baseMs: 50, capMs: 100 } })
    expect(err.code).toBe('ECONNRESET')
    await wait((e) => e.type === 'reconnect')
  })
})

describe('row 3: HTTP errors', () => {
  it.each([
    [401, 'Unauthorized', false],
    [403, 'Forbidden', false],
    [500, 'Internal Server Error', true]
  ])('%i with a body: status, headers and body shown; retried only for 5xx', async (status, text, retried) => {
    useFakeClock()
    const body = JSON.stringify({ error: text })
    const s = await serve((u) =>
      u.socket.end(`HTTP/1.1 ${status} ${text}\r\nX-Reason: test\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
    )
    const rec = recordingManager()
    cleanups.push(() => rec.manager.dispose())
    rec.manager.open({ url: s.url, reconnect: { enabled: true, baseMs: 20, capMs: 40 } })
    await until(() => rec.of('state').some((e) => e.state === 'closed'), 'closed')
    const err = rec.of('error')[0]
    expect(err).toMatchObject({ class: 'http-status', status, body })
    expect(err.headers?.find((h) => h.name === 'X-Reason')?.value).toBe('test')
    vi.advanceTimersByTime(60_000) // far beyond the backoff cap: a scheduled retry has started
    expect(rec.of('reconnect').length > 0).toBe(retried)
    expect(rec.of('state').filter((e) => e.state === 'connecting').length > 1).toBe(retried)
    if (retried) await until(() => s.connections === 2, 'the retry at the server')
  })
})

describe('row 4: broken upgrades', () => {
  it.each([
    ['a wrong Sec-WebSocket-Accept', (u: Upgrade) => accept(u, [], 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='), /Invalid Sec-WebSocket-Accept/],
    [
      'a missing Upgrade header',
      (u: Upgrade) => u.socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n'),
      /Upgrade: websocket|Invalid Upgrade header/
    ],
    ['an unrequested subprotocol', (u: Upgrade) => accept(u, ['Sec-WebSocket-Protocol: evil']), /subprotocol/],
    ['an unrequested extension', (u: Upgrade) => accept(u, ['Sec-WebSocket-Extensions: x-evil']), /extension/]
  ])('%s is a clear protocol error', async (_name, respond, re) => {
    const s = await serve(respond)
    const { err } = await firstError({ url: s.url, perMessageDeflate: false })
    expect(err.class).toBe('protocol')
    expect(err.message).toMatch(re)
    expect(err.next).toMatch(/answered the upgrade incorrectly/)
  })
})

describe('row 5: TLS', () => {
  const ca = makeCA('Hostile CA')
  const expired = makeServerCert(ca, ['localhost', '127.0.0.1'], { notBefore: new Date(Date.now() - 90 * 86_400_000), days: 30 })
  const wrongHost = makeServerCert(ca, ['other.example'])
  const unknownCa = makeServerCert(makeCA('Unknown CA'))
  const selfSigned = makeSelfSigned()
  const echoTls = (pair: { cert: string; key: string }) => serve((u) => accept(u), { tls: { cert: pair.cert, key: pair.key } })

  it.each([
    ['expired', expired, 'CERT_HAS_EXPIRED', {}, null],
    ['self-signed', selfSigned, 'DEPTH_ZERO_SELF_SIGNED_CERT', {}, { ca: [selfSigned.cert] }],
    [
      'for the wrong host name',
      wrongHost,
      'ERR_TLS_CERT_ALTNAME_INVALID',
      { ca: [ca.cert] },
      { ca: [ca.cert], servername: 'other.example' }
    ],
    ['from an unknown CA', unknownCa, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', {}, null]
  ] as const)(
    '%s: rejected with the code and a next step; works after the fix or the explicit opt-in',
    async (_n, pair, code, first, fix) => {
      useFakeClock()
      const s = await echoTls(pair)
      const rec = recordingManager()
      cleanups.push(() => rec.manager.dispose())
      rec.manager.open({ url: s.url, tls: { ...first }, reconnect: { enabled: true, baseMs: 20, capMs: 40 } })
      await until(() => rec.of('state').some((e) => e.state === 'closed'), 'closed')
      const err = rec.of('error')[0]
      expect(err).toMatchObject({ class: 'tls', code })
      expect(err.next.length).toBeGreaterThan(20)
      vi.advanceTimersByTime(60_000) // far beyond the backoff cap: a scheduled retry would have started
      expect(rec.of('reconnect')).toHaveLength(0) // a certificate does not fix itself: no retry
      expect(rec.of('state').filter((e) => e.state === 'connecting')).toHaveLength(1)
      for (const tls of [{ ...first, allowInvalidCertificates: true }, ...(fix ? [fix] : [])]) {
        const again = recordingManager()
        cleanups.push(() => again.manager.dispose())
        again.manager.open({ url: s.url, tls })
        await again.waitFor((e) => e.type === 'state' && e.state === 'open')
      }
    }
  )
})
