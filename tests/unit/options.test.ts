import { describe, expect, it } from 'vitest'
import { validateConnectionOptions, validateOutgoing, ValidationError } from '../../src/shared/schema'
import { buildRequest } from '../../src/main/core/buildRequest'
import { closeCodeMeaning, isSendableCloseCode } from '../../src/shared/closeCodes'
import { backoffCeiling, fullJitterDelay } from '../../src/main/core/backoff'

function problem(input: unknown): string {
  try {
    validateConnectionOptions(input)
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError)
    return (e as Error).message
  }
  throw new Error('expected a validation error')
}

describe('connection options are rejected before connecting, naming the field and why', () => {
  it.each([
    [{ url: 'http://x/y' }, /options.url: http:\/\/ is for web pages, not WebSockets; use ws:\/\/x\/y/],
    [{ url: 'ftp://x' }, /options.url: the scheme ftp:\/\/ is not a WebSocket scheme/],
    [{ url: 'ws+unix:/tmp/s' }, /ws\+unix: URLs are not supported/],
    [{ url: 'not a url' }, /options.url: "not a url" is not a valid URL/],
    [{ url: 'ws://x/#frag' }, /fragment/],
    [{ url: 'ws://x', headers: [{ name: 'Bad Name', value: 'v' }] }, /options.headers.0.name: "Bad Name" is not a valid header name/],
    [{ url: 'ws://x', headers: [{ name: 'X', value: 'a\r\nInjected: 1' }] }, /options.headers.0.value: must not contain line breaks/],
    [{ url: 'ws://x', subprotocols: ['a b'] }, /options.subprotocols.0: "a b" is not a valid subprotocol/],
    [{ url: 'ws://x', subprotocols: ['a', 'a'] }, /must not repeat/],
    [{ url: 'ws://x', handshakeTimeoutMs: -1 }, /options.handshakeTimeoutMs: must be at least 1/],
    [{ url: 'ws://x', heartbeat: { intervalSec: -2 } }, /options.heartbeat.intervalSec: must be 0 \(off\) or more/],
    [{ url: 'ws://x', heartbeat: { intervalSec: 1, payload: 'x'.repeat(126) } }, /125 bytes/],
    [{ url: 'ws://x', tls: { cert: 'nope', key: 'nope' } }, /options.tls.cert: must be PEM/],
    [{ url: 'ws://x', proxy: { type: 'ftp', url: 'x' } }, /options.proxy.type/],
    [{ url: 'ws://x', auth: { type: 'basic', username: 'a:b', password: '' } }, /options.auth.username/],
    [{ url: 'ws://x', reconnect: { enabled: true, baseMs: 5000, capMs: 10 } }, /baseMs must not exceed capMs/],
    [{ url: 'ws://x', surprise: 1 }, /surprise/]
  ])('%j', (input, re) => {
    expect(problem(input)).toMatch(re)
  })

  it('accepts a full, valid set and builds the request from it', () => {
    const o = validateConnectionOptions({
      url: 'wss://example.test/feed?x=1',
      query: [{ name: 'y', value: '2' }],
      headers: [
        { name: 'X-A', value: '1' },
        { name: 'x-a', value: '2' }
      ],
      auth: { type: 'apiKey', name: 'k', value: 'v', in: 'query' },
      tls: { ca: ['-----BEGIN CERTIFICATE-----\n'], allowInvalidCertificates: false, servername: 'sni.test' },
      heartbeat: { intervalSec: 5, autoPong: false },
      preamble: [{ kind: 'binary', encoding: 'hex', data: '0a0b' }]
    })
    const b = buildRequest(o)
    expect(b.url).toBe('wss://example.test/feed?x=1&y=2&k=v')
    expect(b.ws.headers).toEqual({ 'X-A': '1, 2' })
    expect(b.ws.rejectUnauthorized).toBe(true)
    expect((b.ws.ca as string[]).length).toBeGreaterThan(100) // Node's roots kept, the import added
    expect((b.ws as { servername?: string }).servername).toBe('sni.test')
    // Pings are answered by the connection itself, and the handshake deadline is the connection's own (total, not idle).
    expect(b.ws.autoPong).toBe(false)
    expect(b.ws.handshakeTimeout).toBeUndefined()
    expect(b.ws.maxPayload).toBe(16 * 1024 * 1024)
    expect(b.ws.followRedirects).toBe(false)
  })

  it('validates outgoing binary messages', () => {
    expect(() => validateOutgoing({ kind: 'binary', encoding: 'hex', data: 'abc' })).toThrow(/even number/)
    expect(() => validateOutgoing({ kind: 'binary', encoding: 'hex', data: 'zz' })).toThrow(/only 0-9/)
    expect(() => validateOutgoing({ kind: 'binary', encoding: 'base64', data: '@@' })).toThrow(/base64/)
    expect(validateOutgoing({ kind: 'binary', encoding: 'hex', data: 'de ad' })).toMatchObject({ data: 'de ad' })
  })
})

describe('close codes and backoff', () => {
  it('names close codes', () => {
    expect(closeCodeMeaning(1007)).toMatch(/UTF-8/)
    expect(closeCodeMeaning(3001)).toMatch(/Registered/)
    expect(closeCodeMeaning(4999)).toMatch(/Application/)
    expect(closeCodeMeaning(2000)).toMatch(/Unknown/)
    expect([1000, 3000, 4999].every(isSendableCloseCode)).toBe(true)
    expect([999, 1001, 1005, 2999, 5000].some(isSendableCloseCode)).toBe(false)
  })

  it('full jitter stays within [0, min(cap, base*2^(n-1))]', () => {
    expect(backoffCeiling(1, 100, 1000)).toBe(100)
    expect(backoffCeiling(4, 100, 1000)).toBe(800)
    expect(backoffCeiling(10, 100, 1000)).toBe(1000)
    for (let n = 1; n < 12; n++) {
      for (let i = 0; i < 50; i++) {
        const d = fullJitterDelay(n, 100, 1000)
        expect(d).toBeGreaterThanOrEqual(0)
        expect(d).toBeLessThanOrEqual(backoffCeiling(n, 100, 1000))
      }
    }
    expect(fullJitterDelay(3, 100, 1000, () => 0.5)).toBe(200)
  })
})
