import { afterEach, describe, expect, it, vi } from 'vitest'
import { recordingManager } from '../helpers/events'
import { startTcpServer, startWsServer } from '../helpers/servers'
import { frame, startRawWsServer } from '../helpers/rawWs'
import type { CloseEvent, ErrorEvent, ReconnectScheduledEvent } from '../../src/shared/events'
import { backoffCeiling } from '../../src/main/core/backoff'
import { MiB, watchMemory } from '../helpers/memory'
import { useFakeClock } from '../helpers/fakeClock'
import { realNow, until } from '../helpers/time'

const cleanups: Array<() => Promise<unknown> | void> = []
afterEach(async () => {
  vi.useRealTimers()
  while (cleanups.length) await cleanups.pop()!()
})

describe('engine: faults', () => {
  it('a server that never answers the upgrade hits the handshake timeout at the configured time', async () => {
    useFakeClock()
    const tcp = await startTcpServer(() => undefined)
    cleanups.push(tcp.close)
    const { manager, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: `ws://127.0.0.1:${tcp.port}/`, handshakeTimeoutMs: 400 })
    await until(() => tcp.sockets.size === 1, 'the TCP connection')
    vi.advanceTimersByTime(399)
    expect(of('error')).toEqual([])
    vi.advanceTimersByTime(1)
    expect(of('error')).toMatchObject([{ class: 'timeout', code: 'HANDSHAKE_TIMEOUT' }])
    await until(() => of('state').some((e) => e.state === 'closed'), 'closed')
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
    useFakeClock()
    const { manager, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: server.url, reconnect: { enabled: true, baseMs: 10, capMs: 20 } })
    await until(() => of('state').some((e) => e.state === 'closed'), 'closed')
    const err = of('error')[0]
    expect(err).toMatchObject({ class: 'http-status', status: 401, body: '{"error":"token expired"}' })
    expect(err.headers?.find((h) => h.name.toLowerCase() === 'www-authenticate')?.value).toBe('Bearer')
    expect(manager.list()[0].reconnectPending).toBe(false)
    vi.advanceTimersByTime(60_000) // far beyond the backoff cap: a scheduled retry would have started
    expect(of('reconnect')).toHaveLength(0)
    expect(of('state').filter((e) => e.state === 'connecting')).toHaveLength(1)
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

  it('endless fragments are refused at the fragment limit, with the memory they can hold bounded', async () => {
    // 64 MiB in 64 KiB fragments: without the fragment limit all of it is held until the message ends (the byte
    // limit is set above it). The frames are built once, so the server adds no memory per write.
    const payload = Buffer.alloc(64 * 1024, 0x62)
    const frames = [frame(0x2, payload, { fin: false }), frame(0x0, payload, { fin: false }), frame(0x0, payload)]
    const FRAGMENTS = 1024
    let sent = 0
    const raw = await startRawWsServer((s) => {
      const pump = (): void => {
        while (!s.destroyed && sent < FRAGMENTS) {
          sent++
          if (!s.write(frames[sent === 1 ? 0 : sent === FRAGMENTS ? 2 : 1])) return void s.once('drain', pump)
        }
      }
      pump()
    })
    cleanups.push(raw.close)
    const { manager, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    const memory = await watchMemory()
    manager.open({ url: `ws://127.0.0.1:${raw.port}/`, maxFragments: 100, maxPayloadBytes: 256 * MiB, perMessageDeflate: false })
    const end = await waitFor((e) => e.type === 'error' || (e.type === 'message' && e.dir === 'in'), 20_000, 'the refusal')
    const growth = memory.stop()
    // 100 fragments are 6.4 MiB; the whole message would be 64 MiB (128 MiB once joined).
    expect(growth.arrayBuffers).toBeLessThan(24 * MiB)
    expect(sent).toBeGreaterThan(100)
    expect(end).toMatchObject({ type: 'error', class: 'protocol', code: 'WS_ERR_TOO_MANY_BUFFERED_PARTS' })
    const close = await waitFor<CloseEvent>((e) => e.type === 'close')
    expect(close.code).toBe(1008)
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
    // An attempt in flight when Stop was pressed still ends; after that no timer is left that could reconnect.
    await until(() => manager.list()[0].state === 'closed', 'closed')
    expect(manager.list()[0].reconnectPending).toBe(false)
    expect(manager.pendingTimers(id)).toEqual([])
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
    await until(() => got.length === 2 && got[1].length === 2, 'the second preamble at the server')
    expect(got).toEqual([
      ['{"op":"auth"}', '{"op":"subscribe"}'],
      ['{"op":"auth"}', '{"op":"subscribe"}']
    ])
    for (let i = 1; i < events.length; i++) expect(events[i].seq).toBe(events[i - 1].seq + 1)
  })

  it('a server with auto-pong off is declared dead within interval + pong timeout', async () => {
    useFakeClock()
    const server = await startWsServer({ ws: { autoPong: false } })
    cleanups.push(server.close)
    const { manager, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: server.url, heartbeat: { intervalSec: 0.2, pongTimeoutMs: 300 } })
    await until(() => of('state').some((e) => e.state === 'open'), 'open')
    vi.advanceTimersByTime(199)
    expect(of('ping')).toEqual([])
    vi.advanceTimersByTime(1)
    expect(of('ping').map((p) => p.dir)).toEqual(['out'])
    // The deadline is armed from the same clock reading as the ping's time, so it is exact (a second reading
    // once let a GC pause on a loaded machine fire it at 298 ms).
    vi.advanceTimersByTime(299)
    expect(of('error')).toEqual([])
    vi.advanceTimersByTime(1)
    expect(of('error')).toMatchObject([{ class: 'timeout', code: 'PONG_TIMEOUT' }])
    await until(() => of('close').length > 0, 'close')
    expect(of('close')[0].code).toBe(1006)
  })

  it('RTTs are reported when the server answers our timed pings', async () => {
    useFakeClock()
    const server = await startWsServer()
    cleanups.push(server.close)
    const { manager, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: server.url, heartbeat: { intervalSec: 0.05, payload: 'hb', pongTimeoutMs: 1000 } })
    await until(() => of('state').some((e) => e.state === 'open'), 'open')
    const pongs = () => of('pong').filter((p) => p.dir === 'in')
    for (let n = 1; n <= 3; n++) {
      // The RTT is real time from our ping to its pong: more than nothing, and no more than we waited for it.
      const t0 = realNow()
      vi.advanceTimersByTime(50)
      await until(() => pongs().length === n, `pong ${n}`)
      const waited = realNow() - t0
      const p = pongs()[n - 1]
      expect(p.rttMs).toBeGreaterThan(0)
      expect(p.rttMs).toBeLessThanOrEqual(waited)
      expect(new TextDecoder().decode(p.data)).toBe('hb')
    }
  })

  it('a server that ignores our close is terminated at the close timeout', async () => {
    useFakeClock()
    const raw = await startRawWsServer(() => undefined)
    cleanups.push(raw.close)
    const { manager, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    const { id } = manager.open({ url: `ws://127.0.0.1:${raw.port}/`, closeTimeoutMs: 300 })
    await until(() => of('state').some((e) => e.state === 'open'), 'open')
    manager.close(id)
    vi.advanceTimersByTime(299)
    expect(manager.pendingTimers(id)).toContain('close-timeout')
    expect(of('error')).toEqual([])
    vi.advanceTimersByTime(1)
    expect(manager.pendingTimers(id)).not.toContain('close-timeout')
    await until(() => of('state').some((e) => e.state === 'closed'), 'closed')
    expect(of('error')).toMatchObject([{ code: 'CLOSE_TIMEOUT' }])
  })
})
