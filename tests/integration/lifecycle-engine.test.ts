/**
 * Regression tests for the lifecycle defects of issue 10 that live in the engine (defects 1, 3, 8 and 9).
 * Each one failed on the code before its fix. Timers are faked where the defect is about a timer; sockets are real.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type net from 'node:net'
import { recordingManager } from '../helpers/events'
import { startWsServer } from '../helpers/servers'
import { frame, startRawWsServer } from '../helpers/rawWs'
import { hostileServer } from '../hostile/rawServer'
import { sleepReal, until } from '../helpers/time'
import type { ErrorEvent, SockEvent } from '../../src/shared/events'

const cleanups: Array<() => Promise<unknown> | void> = []
afterEach(async () => {
  vi.useRealTimers()
  while (cleanups.length) await cleanups.pop()!()
})

const fakeTimers = (): void => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
}

const stateOf = (events: SockEvent[]): string | undefined =>
  [...events].reverse().find((e): e is Extract<SockEvent, { type: 'state' }> => e.type === 'state')?.state

describe('issue 10 defects in the engine', () => {
  it('defect 1: the heartbeat stops when the connection leaves open, so no ping is thrown from a timer while closing', async () => {
    // The server completes the handshake, then never reads again and never answers our close.
    const raw = await startRawWsServer((s) => s.pause())
    cleanups.push(raw.close)
    const { manager, events } = recordingManager()
    cleanups.push(() => manager.dispose())
    fakeTimers()
    const { id } = manager.open({ url: `ws://127.0.0.1:${raw.port}/`, heartbeat: { intervalSec: 1 }, closeTimeoutMs: 5000 })
    await until(() => stateOf(events) === 'open', 'open')
    manager.close(id)
    expect(stateOf(events)).toBe('closing')
    const before = events.length
    // Before the fix this threw "Cannot ping: the connection is closing" out of the interval's callback.
    expect(() => vi.advanceTimersByTime(3000)).not.toThrow()
    expect(events.slice(before).filter((e) => e.type === 'ping')).toEqual([])
    expect(() => vi.advanceTimersByTime(3000)).not.toThrow()
    await until(() => stateOf(events) === 'closed', 'closed after the close timeout')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('defect 1: a terminated or dead connection leaves no heartbeat timer behind', async () => {
    const raw = await startRawWsServer(() => undefined) // never answers pings
    cleanups.push(raw.close)
    const { manager, events, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    fakeTimers()
    const { id } = manager.open({ url: `ws://127.0.0.1:${raw.port}/`, heartbeat: { intervalSec: 1, pongTimeoutMs: 500 } })
    await until(() => stateOf(events) === 'open', 'open')
    vi.advanceTimersByTime(1000) // ping
    vi.advanceTimersByTime(500) // no pong: dead
    await until(() => stateOf(events) === 'closed', 'closed after the pong deadline')
    expect(of('error').map((e) => e.code)).toContain('PONG_TIMEOUT')
    expect(vi.getTimerCount()).toBe(0)
    expect(() => vi.advanceTimersByTime(5000)).not.toThrow()

    const again = manager.open({ url: `ws://127.0.0.1:${raw.port}/`, heartbeat: { intervalSec: 1 } })
    await until(() => events.some((e) => e.id === again.id && e.type === 'state' && e.state === 'open'), 'second open')
    manager.terminate(again.id)
    expect(() => vi.advanceTimersByTime(5000)).not.toThrow()
    await until(() => events.some((e) => e.id === again.id && e.type === 'close'), 'second close')
    expect(vi.getTimerCount()).toBe(0)
    void id
  })

  it('found by the model: after the server’s close frame (no event from `ws` yet) the heartbeat does not ping', async () => {
    // The server closes first, then neither reads nor ends TCP: `ws` is CLOSING while we have seen no close yet.
    const raw = await startRawWsServer((s) => {
      s.write(frame(0x8, Buffer.from([0x03, 0xe8])))
      s.pause()
    })
    cleanups.push(raw.close)
    const { manager, events, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    fakeTimers()
    const { id } = manager.open({ url: `ws://127.0.0.1:${raw.port}/`, heartbeat: { intervalSec: 1 }, closeTimeoutMs: 5000 })
    await until(() => stateOf(events) === 'open', 'open')
    await sleepReal(20) // the close frame arrives
    vi.advanceTimersByTime(3000)
    // Before the fix each tick threw "Cannot ping: the connection is open" (caught as an internal error).
    expect(of('error')).toEqual([])
    expect(() => manager.ping(id)).toThrow(/the server has started closing/)
    vi.advanceTimersByTime(3000)
    await until(() => stateOf(events) === 'closed', 'closed once the close timeout ends it')
  })

  it('defect 3: Disconnect while reading is paused for flow control completes the closing handshake at once', async () => {
    const server = await startWsServer()
    cleanups.push(server.close)
    const { manager, events, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    const { id } = manager.open({ url: server.url, closeTimeoutMs: 4000 })
    await waitFor((e) => e.type === 'state' && e.state === 'open')
    manager.setFlowPaused(id, true)
    const t0 = performance.now()
    manager.close(id, 1000, 'bye')
    const close = await waitFor<Extract<SockEvent, { type: 'close' }>>((e) => e.type === 'close', 3000, 'the close event')
    // Before the fix the paused socket never read the server's close frame: 4 s later, CLOSE_TIMEOUT and 1006.
    expect(close).toMatchObject({ code: 1000, clean: true, initiator: 'local' })
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(events.some((e) => e.type === 'error' && e.code === 'CLOSE_TIMEOUT')).toBe(false)
  })

  it('defect 3: while capture is throttled the pong deadline is suspended, and the throttle is shown with its start', async () => {
    const server = await startWsServer() // answers pings (ws auto-pong)
    cleanups.push(server.close)
    const { manager, events, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    fakeTimers()
    const { id } = manager.open({ url: server.url, heartbeat: { intervalSec: 1, pongTimeoutMs: 500 } })
    await until(() => stateOf(events) === 'open', 'open')
    manager.setFlowPaused(id, true)
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(500)
      await sleepReal(5) // let any pong reach the (paused) socket
    }
    // Before the fix: a ping was sent, its pong could not be read, and a healthy link was declared dead.
    expect(of('error')).toEqual([])
    expect(stateOf(events)).toBe('open')
    const throttle = of('throttle')
    expect(throttle.map((e) => e.on)).toEqual([true])
    manager.setFlowPaused(id, false)
    expect(of('throttle').map((e) => e.on)).toEqual([true, false])
    vi.advanceTimersByTime(1000)
    await until(() => of('pong').some((e) => e.dir === 'in' && e.rttMs !== undefined), 'a timed pong after resuming')
    expect(stateOf(events)).toBe('open')
  })

  it('defect 8: a handshake trickled one byte at a time ends at the handshake deadline, not later', async () => {
    const hostile = await hostileServer((u) => {
      const answer = Buffer.from(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n`
      )
      let i = 0
      const t = setInterval(() => {
        if (i >= answer.length || u.socket.destroyed) return clearInterval(t)
        u.socket.write(answer.subarray(i, ++i))
      }, 50)
      u.socket.on('close', () => clearInterval(t))
    })
    cleanups.push(hostile.close)
    const { manager, waitFor, events } = recordingManager()
    cleanups.push(() => manager.dispose())
    const t0 = performance.now()
    manager.open({ url: hostile.url, handshakeTimeoutMs: 400 })
    // The answer takes ~5 s at this pace; `ws` only times out an idle socket, so before the fix it hung for all of it.
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error', 3000, 'the handshake timeout')
    expect(err).toMatchObject({ class: 'timeout', code: 'HANDSHAKE_TIMEOUT' })
    expect(performance.now() - t0).toBeLessThan(2500)
    await waitFor((e) => e.type === 'state' && e.state === 'closed')
    expect(events.filter((e) => e.type === 'close')).toHaveLength(1)
  })

  it('defect 9: a ping flood the server does not let us answer is reported with the limit, and memory stays bounded', async () => {
    let serverSocket: net.Socket | null = null
    let sentPings = 0
    let flooding = true
    const raw = await startRawWsServer((s) => {
      serverSocket = s
      s.pause() // never read our pongs: they back up until the limit
      const pump = (): void => {
        while (flooding && !s.destroyed) {
          sentPings++
          if (!s.write(frame(0x9, `ping-${sentPings}`.padEnd(120, '.')))) return void s.once('drain', pump)
        }
      }
      pump()
    })
    cleanups.push(raw.close)
    const { manager, waitFor, of, events } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: `ws://127.0.0.1:${raw.port}/` })
    // Before the fix `ws` dropped the link at its silent limit: a bare 1006 "by network" and no error.
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error', 15_000, 'the flood to be reported')
    expect(err).toMatchObject({ class: 'protocol', code: 'PING_FLOOD' })
    expect(err.message).toMatch(/\b60\b/)
    expect(err.next).toBeTruthy()
    const pongsOut = (): number => of('pong').filter((e) => e.dir === 'out').length
    // Wait until the kernel's buffers towards the server are full: pong writes stop completing.
    let last = -1
    while (pongsOut() !== last) {
      last = pongsOut()
      await sleepReal(300)
    }
    const pingsThen = of('ping').length
    await until(() => of('ping').length >= pingsThen + 2000, '2,000 more pings received')
    expect(stateOf(events)).toBe('open')
    expect(of('close')).toEqual([])
    // From then on nothing more queues, however many pings arrive: the backlog is bounded.
    expect(pongsOut()).toBeLessThanOrEqual(last + 1)
    // Once the server reads again, the latest ping is answered (RFC 6455 §5.5.3).
    flooding = false
    await until(() => of('ping').length === sentPings, 'every ping sent to arrive', 10_000)
    serverSocket!.resume()
    const lastPing = new TextDecoder().decode(of('ping').at(-1)!.data)
    await until(
      () => of('pong').some((e) => e.dir === 'out' && new TextDecoder().decode(e.data) === lastPing),
      'the latest ping to be answered',
      10_000
    )
    expect(of('error')).toHaveLength(1)
  }, 60_000) // it waits for kernel buffers to fill and drain: slower on a loaded two-core machine

  it('a ping flood we can answer is answered, pong for ping (RFC 6455 §5.5.2)', async () => {
    const raw = await startRawWsServer((s) => {
      for (let i = 0; i < 500; i++) s.write(frame(0x9, `p${i}`))
    })
    cleanups.push(raw.close)
    const { manager, of } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: `ws://127.0.0.1:${raw.port}/` })
    // A burst in one TCP read may outrun the socket's writes: every ping is answered, or coalesced and said so.
    await until(() => of('ping').length === 500, '500 pings')
    const lastPing = new TextDecoder().decode(of('ping').at(-1)!.data)
    await until(() => of('pong').some((e) => e.dir === 'out' && new TextDecoder().decode(e.data) === lastPing), 'the last ping answered')
    const pongs = of('pong').filter((e) => e.dir === 'out').length
    if (pongs < 500) expect(of('error').map((e) => e.code)).toEqual(['PING_FLOOD'])
    else expect(of('error')).toEqual([])
  })
})
