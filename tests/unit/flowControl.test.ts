import { afterEach, describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import { createIpcTransport, type NumberedBatch } from '../../src/main/ipc/ipcTransport'
import { PRESSURE_HIGH, type SessionTransport } from '../../src/main/service/session'
import type { MessageEvent, SockEvent } from '../../src/shared/events'
import { startWsServer } from '../helpers/servers'
import { newTestService } from '../helpers/service'
import { sleepReal, until } from '../helpers/time'

const msg = (seq: number, size: number): MessageEvent => ({
  type: 'message',
  id: 'c',
  seq,
  ts: seq,
  dir: 'in',
  kind: 'text',
  size,
  data: 'x'.repeat(size)
})

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

/** A server that sends 16 KiB messages as fast as its socket takes them, with at most 64 not yet written. */
async function floodServer() {
  const chunk = 'f'.repeat(16 * 1024)
  const state = { written: 0, inflight: 0, ws: null as WebSocket | null }
  const server = await startWsServer({
    onConnection: (ws) => {
      state.ws = ws
      const pump = (): void => {
        while (ws.readyState === ws.OPEN && state.inflight < 64) {
          state.inflight++
          ws.send(chunk, () => {
            state.inflight--
            state.written++
            pump()
          })
        }
      }
      pump()
    }
  })
  return { server, state }
}

describe('flow control', () => {
  it('the IPC transport counts what is sent and not yet acknowledged', () => {
    const sent: NumberedBatch[] = []
    const t = createIpcTransport((p) => sent.push(p))
    t.deliver([msg(1, 1000), msg(2, 1000)])
    t.deliver([msg(3, 500)])
    expect(sent.map((s) => s.n)).toEqual([1, 2])
    const afterTwo = t.pending!()
    expect(afterTwo).toBeGreaterThan(2500)
    t.ack(1)
    expect(t.pending!()).toBeLessThan(afterTwo - 2000)
    t.ack(1) // repeated
    t.ack(99) // unknown
    t.ack(2)
    expect(t.pending!()).toBe(0)
  })

  it('the IPC transport sends large text as UTF-8 bytes in a buffer of their own, small text as it is', () => {
    const sent: NumberedBatch[] = []
    const t = createIpcTransport((p) => sent.push(p))
    const big = { ...msg(1, 2000), data: 'ü'.repeat(1000) }
    t.deliver([big, msg(2, 100)])
    const [bytes, small] = sent[0].batch as MessageEvent[]
    expect(bytes.data).toBeInstanceOf(Uint8Array)
    const b = bytes.data as Uint8Array
    // Its own buffer, exactly sized: a structured clone copies a view's whole buffer.
    expect([b.byteOffset, b.buffer.byteLength]).toEqual([0, 2000])
    expect(new TextDecoder().decode(b)).toBe(big.data)
    expect(small.data).toBe('x'.repeat(100))
  })

  it('a page that falls behind stops its socket being read, so the server backs up; reading resumes once it caught up', async () => {
    const { server, state } = await floodServer()
    cleanups.push(server.close)
    const svc = newTestService()
    cleanups.push(svc.dispose)
    // The page's backlog, as the transport reports it: the test decides when the page is behind.
    let behind = false
    let received = 0
    /** Each throttle event, with how many messages had arrived before it (events keep their order). */
    const throttles: Array<{ on: boolean; received: number }> = []
    const transport: SessionTransport = {
      deliver: (batch: SockEvent[]) => {
        for (const e of batch) {
          if (e.type === 'message' && e.dir === 'in') received++
          if (e.type === 'throttle') throttles.push({ on: e.on, received })
        }
      },
      pending: () => (behind ? PRESSURE_HIGH + 1 : 0)
    }
    const session = svc.service.openSession('flow', transport)
    await svc.service.call(session, 'connect', [{ url: server.url, perMessageDeflate: false }])

    await until(() => received > 200, 'the flood to arrive')
    expect(throttles).toEqual([])

    behind = true
    await until(() => throttles.length === 1, 'reading to stop')
    expect(throttles[0].on).toBe(true)
    // Nobody reads the socket: the kernel buffers fill and the server's writes stop completing.
    await until(() => state.inflight === 64 && (state.ws?.bufferedAmount ?? 0) >= 60 * 16 * 1024, 'the server to back up')
    const writtenThen = state.written
    // `ws` may still emit what it had already read when paused ("Some events can still be emitted after this is called,
    // until all buffered data is consumed", ws docs, websocket.pause()): a frame or two, never the flood.
    const receivedThen = received
    expect(receivedThen - throttles[0].received).toBeLessThan(8)
    await sleepReal(100) // a window in which nothing may move
    expect(received).toBe(receivedThen) // not one message read from the socket since it was paused
    expect(state.written).toBe(writtenThen)

    behind = false
    await until(() => throttles.length === 2, 'reading to resume')
    expect(throttles.map((t) => t.on)).toEqual([true, false])
    await until(() => received > throttles[0].received + 200 && state.written > writtenThen + 200, 'the flood to flow again')
  })

  it('a throttle raised while a batch is delivered is recorded after the event that caused it: the file stays in seq order', async () => {
    const { server } = await floodServer()
    cleanups.push(server.close)
    const svc = newTestService()
    cleanups.push(svc.dispose)
    // The page falls behind the moment a batch reaches it, and catches up 20 ms later: the batch that fills up by
    // bytes is delivered inside the push of the event that filled it, and the throttle is emitted right there.
    let behind = false
    let throttles = 0
    const transport: SessionTransport = {
      deliver: (batch: SockEvent[]) => {
        throttles += batch.filter((e) => e.type === 'throttle').length
        // A batch cut by its byte cap (512 KiB of 16 KiB messages), which is delivered inside a push.
        if (behind || batch.filter((e) => e.type === 'message').length < 30) return
        behind = true
        setTimeout(() => (behind = false), 20)
      },
      pending: () => (behind ? PRESSURE_HIGH + 1 : 0)
    }
    const session = svc.service.openSession('flow', transport)
    const { id } = (await svc.service.call(session, 'connect', [{ url: server.url, perMessageDeflate: false }])) as { id: string }
    await until(() => throttles >= 6, 'the flow to stop and resume a few times')
    await svc.service.call(session, 'close', [id])
    const recording = svc.recordings.recordingOf(id)!
    await svc.recordings.end(id)
    const { events } = await svc.recordings.read(recording)
    expect(events.filter((e) => e.type === 'throttle').length).toBeGreaterThanOrEqual(6)
    expect(events.findIndex((e, i) => i > 0 && e.seq <= events[i - 1].seq)).toBe(-1)
  })
})
