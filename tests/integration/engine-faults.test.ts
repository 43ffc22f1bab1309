import { afterEach, describe, expect, it } from 'vitest'
import { recordingManager } from '../helpers/events'
import { startTcpServer, startWsServer } from '../helpers/servers'
import { frame, startRawWsServer } from '../helpers/rawWs'
import type { CloseEvent, ErrorEvent, ReconnectScheduledEvent } from '../../src/shared/events'
import { backoffCeiling } from '../../src/main/core/backoff'

const cleanups: Array<() => Promise<unknown> | void> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

describe('engine: faults', () => {
  it('a server that never answers the upgrade hits the handshake timeout at the configured time', async () => {
    const tcp = await startTcpServer(() => undefined)
    cleanups.push(tcp.close)
    const { manager, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    const t0 = performance.now()
    manager.open({ url: `ws://127.0.0.1:${tcp.port}/`, handshakeTimeoutMs: 400 })
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error')
    const took = performance.now() - t0
    expect(err).toMatchObject({ class: 'timeout', code: 'HANDSHAKE_TIMEOUT' })
    expect(took).toBeGreaterThanOrEqual(390)
    expect(took).toBeLessThan(1500)
  })

  it('401 with a body is reported with status, headers and body, and not retried with reconnect on', async () => {
    const server = await startWsServer()
    cleanups.push(server.close)
    server.wss.shouldHandle = () => false
    server.server.removeAllListeners('upgrade')
    server.server.on('upgrade', (_req, socket) => {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nWWW-Authenticate: Bearer\r\nContent-Length: 25\r\n\r\n{"error":"token expired"}'
      )
    })
    const { manager, waitFor, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: server.url, reconnect: { enabled: true, baseMs: 10, capMs: 20 } })
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(err).toMatchObject({ class: 'http-status', status: 401, body: '{"error":"token expired"}' })
    expect(err.headers?.find((h) => h.name.toLowerCase() === 'www-authenticate')?.value).toBe('Bearer')
    await waitFor((e) => e.type === 'state' && e.state === 'closed')
    await new Promise((r) => setTimeout(r, 150))
    expect(of('reconnect')).toHaveLength(0)
    expect(of('error')).toHaveLength(1)
  })

  it('invalid UTF-8 in a text frame closes with 1007', async () => {
    const raw = await startRawWsServer((s) => s.write(frame(0x1, Buffer.from([0xc3, 0x28]))))
    cleanups.push(raw.close)
    const { manager, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: `ws://127.0.0.1:${raw.port}/` })
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(err).toMatchObject({ class: 'protocol', code: 'WS_ERR_INVALID_UTF8' })
    const close = await waitFor<CloseEvent>((e) => e.type === 'close')
    expect(close.code).toBe(1007)
    expect(close.initiator).toBe('local')
  })

  it('a message over max payload closes with 1009', async () => {
    const server = await startWsServer({ onConnection: (ws) => ws.send('x'.repeat(2048)) })
    cleanups.push(server.close)
    const { manager, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: server.url, maxPayloadBytes: 1024 })
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(err.class).toBe('payload-too-large')
    expect((await waitFor<CloseEvent>((e) => e.type === 'close')).code).toBe(1009)
  })

  it('endless one-byte fragments are refused at the fragment limit with memory bounded', async () => {
    const raw = await startRawWsServer((s) => {
      const parts = [frame(0x1, 'a', { fin: false })]
      for (let i = 0; i < 20_000; i++) parts.push(frame(0x0, 'b', { fin: false }))
      s.write(Buffer.concat(parts))
    })
    cleanups.push(raw.close)
    const { manager, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    const before = process.memoryUsage().heapUsed
    manager.open({ url: `ws://127.0.0.1:${raw.port}/`, maxFragments: 100 })
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(err).toMatchObject({ class: 'protocol', code: 'WS_ERR_TOO_MANY_BUFFERED_PARTS' })
    const close = await waitFor<CloseEvent>((e) => e.type === 'close')
    expect(close.code).toBe(1008)
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024)
  })

  it('an abrupt TCP drop shows 1006, then reconnect delays grow and stay under the cap', async () => {
    const server = await startWsServer({ onConnection: (ws) => setTimeout(() => ws.terminate(), 20) })
    cleanups.push(server.close)
    const { manager, waitFor, of } = recordingManager(() => 0.999)
    cleanups.push(() => manager.dispose())
    manager.open({ url: server.url, reconnect: { enabled: true, baseMs: 20, capMs: 120, stableMs: 60_000 } })
    const close = await waitFor<CloseEvent>((e) => e.type === 'close')
    expect(close).toMatchObject({ code: 1006, initiator: 'abnormal', clean: false })
    await server.close() // from now on every attempt is refused
    await waitFor((e) => e.type === 'reconnect' && e.attempt >= 6, 5000, 'sixth reconnect')
    const delays = of('reconnect').map((r: ReconnectScheduledEvent) => r.delayMs)
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1])
    expect(Math.max(...delays)).toBeLessThanOrEqual(120)
    expect(delays[0]).toBeLessThan(delays[delays.length - 1])
    expect(of('error').some((e) => e.class === 'refused' && e.code === 'ECONNREFUSED')).toBe(true)
  })

  it('jittered delays stay under the backoff ceiling, and Stop cancels a pending reconnect', async () => {
    const server = await startWsServer({ onConnection: (ws) => ws.terminate() })
    cleanups.push(server.close)
    const { manager, waitFor, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    const { id } = manager.open({ url: server.url, reconnect: { enabled: true, baseMs: 10, capMs: 80, stableMs: 60_000 } })
    await waitFor((e) => e.type === 'reconnect' && e.attempt >= 5, 5000)
    of('reconnect').forEach((r, i) => expect(r.delayMs).toBeLessThanOrEqual(backoffCeiling(i + 1, 10, 80)))
    manager.close(id)
    const count = of('reconnect').length
    await new Promise((r) => setTimeout(r, 250))
    expect(of('reconnect').length).toBe(count)
    expect(manager.list()[0].reconnectPending).toBe(false)
  })

  it('the preamble is sent in order after every open, reconnects included; seq keeps increasing', async () => {
    let connections = 0
    const got: string[][] = []
    const server = await startWsServer({
      onConnection: (ws) => {
        const mine: string[] = []
        got.push(mine)
        connections++
        ws.on('message', (d) => {
          mine.push(d.toString())
          if (connections === 1 && mine.length === 2) ws.terminate()
        })
      }
    })
    cleanups.push(server.close)
    const { manager, waitFor, events } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({
      url: server.url,
      preamble: [
        { kind: 'text', data: '{"op":"auth"}' },
        { kind: 'text', data: '{"op":"subscribe"}' }
      ],
      reconnect: { enabled: true, baseMs: 10, capMs: 20 }
    })
    await waitFor((e) => e.type === 'state' && e.state === 'open' && e.attempt === 2, 5000, 'second open')
    await waitFor(
      (e) =>
        e.type === 'message' &&
        e.dir === 'out' &&
        e.data === '{"op":"subscribe"}' &&
        events.filter((x) => x.type === 'message' && x.dir === 'out').length === 4
    )
    await new Promise((r) => setTimeout(r, 50))
    expect(got).toEqual([
      ['{"op":"auth"}', '{"op":"subscribe"}'],
      ['{"op":"auth"}', '{"op":"subscribe"}']
    ])
    for (let i = 1; i < events.length; i++) expect(events[i].seq).toBe(events[i - 1].seq + 1)
  })

  it('a server with auto-pong off is declared dead within interval + pong timeout', async () => {
    const server = await startWsServer({ ws: { autoPong: false } })
    cleanups.push(server.close)
    const { manager, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    const t0 = performance.now()
    manager.open({ url: server.url, heartbeat: { intervalSec: 0.2, pongTimeoutMs: 300 } })
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error', 3000)
    const took = performance.now() - t0
    expect(err).toMatchObject({ class: 'timeout', code: 'PONG_TIMEOUT' })
    expect(took).toBeGreaterThanOrEqual(480)
    expect(took).toBeLessThan(200 + 300 + 400)
    expect((await waitFor<CloseEvent>((e) => e.type === 'close')).code).toBe(1006)
  })

  it('RTTs are reported when the server answers our timed pings', async () => {
    const server = await startWsServer()
    cleanups.push(server.close)
    const { manager, waitFor, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: server.url, heartbeat: { intervalSec: 0.05, payload: 'hb', pongTimeoutMs: 1000 } })
    await waitFor(() => of('pong').filter((p) => p.dir === 'in').length >= 3, 3000, 'three pongs')
    const pongs = of('pong').filter((p) => p.dir === 'in')
    for (const p of pongs) {
      expect(p.rttMs).toBeGreaterThan(0)
      expect(p.rttMs).toBeLessThan(1000)
      expect(new TextDecoder().decode(p.data)).toBe('hb')
    }
  })

  it('a server that ignores our close is terminated at the close timeout', async () => {
    const raw = await startRawWsServer(() => undefined)
    cleanups.push(raw.close)
    const { manager, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    const { id } = manager.open({ url: `ws://127.0.0.1:${raw.port}/`, closeTimeoutMs: 300 })
    await waitFor((e) => e.type === 'state' && e.state === 'open')
    const t0 = performance.now()
    manager.close(id)
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error', 3000)
    expect(err.code).toBe('CLOSE_TIMEOUT')
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290)
    await waitFor((e) => e.type === 'state' && e.state === 'closed')
  })
})
