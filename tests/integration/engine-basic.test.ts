import { afterEach, describe, expect, it } from 'vitest'
import { recordingManager } from '../helpers/events'
import { startWsServer, type RunningWs } from '../helpers/servers'
import type { CloseEvent, HandshakeEvent, MessageEvent } from '../../src/shared/events'

let server: RunningWs | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

describe('engine: echo and handshake', () => {
  it('echoes text and binary, and reports each outgoing send as sent', async () => {
    server = await startWsServer()
    const { manager, waitFor, of } = recordingManager()
    const { id } = manager.open({ url: server.url })
    await waitFor((e) => e.type === 'state' && e.state === 'open')
    await manager.send(id, { kind: 'text', data: 'hello ☃' })
    await manager.send(id, { kind: 'binary', encoding: 'hex', data: '00 ff 10' })
    await manager.send(id, { kind: 'binary', encoding: 'base64', data: 'AQID' })
    await waitFor((e) => e.type === 'message' && e.dir === 'in' && e.kind === 'binary' && e.size === 3 && (e.data as Uint8Array)[0] === 1)
    const inbound = of('message').filter((m) => m.dir === 'in')
    expect(inbound[0]).toMatchObject({ kind: 'text', data: 'hello ☃', size: Buffer.byteLength('hello ☃') })
    expect([...(inbound[1].data as Uint8Array)]).toEqual([0, 255, 16])
    expect([...(inbound[2].data as Uint8Array)]).toEqual([1, 2, 3])
    const outbound = of('message').filter((m) => m.dir === 'out')
    expect(outbound.map((m) => m.sent)).toEqual([true, true, true])
    manager.close(id, 1000, 'bye')
    const close = await waitFor<CloseEvent>((e) => e.type === 'close')
    expect(close).toMatchObject({ code: 1000, initiator: 'local', meaning: 'Normal closure', clean: true })
    manager.dispose()
  })

  it('sends headers, query, subprotocol and origin, and records the handshake', async () => {
    server = await startWsServer({ ws: { perMessageDeflate: true, handleProtocols: (set) => (set.has('chat.v2') ? 'chat.v2' : false) } })
    const { manager, waitFor } = recordingManager()
    manager.open({
      url: server.url + '/path?a=1',
      query: [
        { name: 'b', value: 'two words' },
        { name: 'off', value: 'x', enabled: false }
      ],
      headers: [
        { name: 'X-Trace', value: 'abc' },
        { name: 'X-Secret', value: 's3cret', secret: true }
      ],
      subprotocols: ['chat.v1', 'chat.v2'],
      origin: 'https://app.example'
    })
    const hs = await waitFor<HandshakeEvent>((e) => e.type === 'handshake')
    const req = server.requests[0]
    expect(req.url).toBe('/path?a=1&b=two+words')
    expect(req.headers['x-trace']).toBe('abc')
    expect(req.headers['x-secret']).toBe('s3cret')
    expect(req.headers.origin).toBe('https://app.example')
    expect(hs.protocol).toBe('chat.v2')
    expect(hs.status).toBe(101)
    expect(hs.extensions).toContain('permessage-deflate')
    expect(hs.requestHeaders.find((h) => h.name.toLowerCase() === 'x-secret')).toMatchObject({ secret: true })
    expect(hs.requestHeaders.find((h) => h.name.toLowerCase() === 'sec-websocket-key')).toBeTruthy()
    expect(hs.responseHeaders.find((h) => h.name.toLowerCase() === 'sec-websocket-accept')).toBeTruthy()
    expect(hs.timings.upgradeMs).toBeGreaterThan(0)
    expect(hs.timings.tcpMs).toBeLessThanOrEqual(hs.timings.upgradeMs)
    manager.dispose()
  })

  it.each([
    [{ type: 'basic', username: 'ann', password: 'pw' }, 'authorization', 'Basic ' + Buffer.from('ann:pw').toString('base64')],
    [{ type: 'bearer', token: 'tok-123' }, 'authorization', 'Bearer tok-123'],
    [{ type: 'apiKey', name: 'X-Api-Key', value: 'k1', in: 'header' }, 'x-api-key', 'k1']
  ])('auth helper %j arrives as a header', async (auth, header, value) => {
    server = await startWsServer()
    const { manager, waitFor } = recordingManager()
    manager.open({ url: server.url, auth })
    const hs = await waitFor<HandshakeEvent>((e) => e.type === 'handshake')
    expect(server.requests[0].headers[header]).toBe(value)
    expect(hs.requestHeaders.find((h) => h.name.toLowerCase() === header)?.secret).toBe(true)
    manager.dispose()
  })

  it('api key in the query arrives as a query parameter', async () => {
    server = await startWsServer()
    const { manager, waitFor } = recordingManager()
    manager.open({ url: server.url + '/q', auth: { type: 'apiKey', name: 'key', value: 'v 1', in: 'query' } })
    await waitFor((e) => e.type === 'state' && e.state === 'open')
    expect(new URL(server.requests[0].url!, 'http://x').searchParams.get('key')).toBe('v 1')
    manager.dispose()
  })

  it('turns permessage-deflate off when asked', async () => {
    server = await startWsServer({ ws: { perMessageDeflate: true } })
    const { manager, waitFor } = recordingManager()
    manager.open({ url: server.url, perMessageDeflate: false })
    const hs = await waitFor<HandshakeEvent>((e) => e.type === 'handshake')
    expect(server.requests[0].headers['sec-websocket-extensions']).toBeUndefined()
    expect(hs.extensions).toBe('')
    manager.dispose()
  })

  it('refuses to send while not open, with a clear error', async () => {
    server = await startWsServer()
    const { manager, waitFor } = recordingManager()
    const { id } = manager.open({ url: server.url })
    expect(() => manager.send(id, { kind: 'text', data: 'early' })).toThrow(/connecting.*Connect first/)
    await waitFor((e) => e.type === 'state' && e.state === 'open')
    manager.close(id)
    await waitFor((e) => e.type === 'state' && e.state === 'closed')
    expect(() => manager.send(id, { kind: 'text', data: 'late' })).toThrow(/closed/)
    manager.dispose()
  })

  it('pings and pongs by hand with payloads, and times the pong', async () => {
    server = await startWsServer()
    const { manager, waitFor, of } = recordingManager()
    const { id } = manager.open({ url: server.url })
    await waitFor((e) => e.type === 'state' && e.state === 'open')
    manager.ping(id, new TextEncoder().encode('p1'))
    const pong = await waitFor((e) => e.type === 'pong' && e.dir === 'in')
    expect(pong.type === 'pong' && new TextDecoder().decode(pong.data)).toBe('p1')
    expect(pong.type === 'pong' && pong.rttMs).toBeGreaterThan(0)
    manager.pong(id, new TextEncoder().encode('unsolicited'))
    expect(of('pong').some((p) => p.dir === 'out')).toBe(true)
    expect(() => manager.ping(id, new Uint8Array(126))).toThrow(/125 bytes/)
    manager.dispose()
  })

  it('keeps seq strictly increasing and validates close codes and reasons', async () => {
    server = await startWsServer()
    const { manager, waitFor, events } = recordingManager()
    const { id } = manager.open({ url: server.url })
    await waitFor((e) => e.type === 'state' && e.state === 'open')
    for (let i = 0; i < 50; i++) void manager.send(id, { kind: 'text', data: `m${i}` })
    await waitFor((e) => e.type === 'message' && e.dir === 'in' && e.data === 'm49')
    expect(() => manager.close(id, 1006)).toThrow(/close.code: must be 1000 or 3000-4999/)
    expect(() => manager.close(id, 4000, 'x'.repeat(124))).toThrow(/123 bytes/)
    manager.close(id, 4001, 'é'.repeat(61))
    const close = await waitFor<CloseEvent>((e) => e.type === 'close')
    expect(close.code).toBe(4001)
    expect(close.meaning).toBe('Application-defined code')
    const seqs = events.map((e) => e.seq)
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1])
    const msgs = events.filter((e): e is MessageEvent => e.type === 'message' && e.dir === 'in').map((m) => m.data)
    expect(msgs).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`))
    manager.dispose()
  })

  it('lists and tracks several connections at once', async () => {
    server = await startWsServer()
    const { manager, waitFor } = recordingManager()
    const a = manager.open({ url: server.url + '/a' })
    const b = manager.open({ url: server.url + '/b' })
    await waitFor((e) => e.id === a.id && e.type === 'state' && e.state === 'open')
    await waitFor((e) => e.id === b.id && e.type === 'state' && e.state === 'open')
    expect(manager.list().map((c) => c.state)).toEqual(['open', 'open'])
    manager.remove(a.id)
    expect(manager.list().map((c) => c.id)).toEqual([b.id])
    manager.dispose()
  })
})
