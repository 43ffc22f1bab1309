/**
 * Socket.IO through the engine against the reference server (`socket.io` 4, Engine.IO v4 over its WebSocket
 * transport), with a short ping interval: the session connects to a namespace with an auth payload, answers every
 * Engine.IO ping so the link outlives several ping timeouts, an emit with an ack id gets its ack, a refused auth
 * comes back as CONNECT_ERROR, and a raw connection (no session) is dropped by the server at its ping timeout.
 * Each frame the server sends reads the same through our parser as through `socket.io-parser`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Decoder, type Packet } from 'socket.io-parser'
import { recordingManager } from '../helpers/events'
import { startSocketIoServer, type RunningSocketIo } from '../helpers/socketio'
import type { CloseEvent, MessageEvent } from '../../src/shared/events'
import { parseSocketIoFrame } from '../../src/shared/protocols/socketio'
import { frame, startRawWsServer } from '../helpers/rawWs'

const PING_INTERVAL = 150
const PING_TIMEOUT = 200

let server: RunningSocketIo
let url = ''
let admins: RunningSocketIo['admins'] = []

beforeEach(async () => {
  server = await startSocketIoServer({ pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT })
  url = server.url
  admins = server.admins
})
afterEach(async () => {
  await server.close()
})

const frames = (msgs: MessageEvent[], dir: 'in' | 'out'): string[] =>
  msgs.filter((m) => m.dir === dir && typeof m.data === 'string').map((m) => m.data as string)

describe('Socket.IO session in the engine (reference server)', () => {
  it('connects to a namespace with auth, outlives several ping timeouts, and gets the ack of an emit', async () => {
    const { manager, waitFor, of } = recordingManager()
    const { id } = manager.open({ url, protocol: { namespace: '/admin', auth: '{"token":"s3cret"}' } })
    await waitFor((e) => e.type === 'message' && e.dir === 'in' && e.data === '42/admin,["welcome",{"n":1}]')
    // The server checked the real token (it let us into /admin); the log and the recording keep its mask.
    expect(frames(of('message'), 'out')[0]).toBe('40/admin,"••••••"')
    expect(JSON.stringify(of('message'))).not.toContain('s3cret')
    // Five ping timeouts: without our pongs the server would have closed by now.
    await new Promise((r) => setTimeout(r, 5 * (PING_INTERVAL + PING_TIMEOUT)))
    expect(of('close')).toEqual([])
    expect(admins.map((s) => s.connected)).toEqual([true])
    expect(frames(of('message'), 'out').filter((f) => f === '3').length).toBeGreaterThanOrEqual(5)
    await manager.send(id, { kind: 'text', data: '42/admin,7["chat","hi"]' })
    await waitFor((e) => e.type === 'message' && e.dir === 'in' && e.data === '43/admin,7[{"ok":true,"echo":"hi"}]')
    // Every frame the server sent reads the same through socket.io-parser, the reference implementation.
    for (const f of frames(of('message'), 'in').filter((x) => x.startsWith('4'))) {
      const ours = parseSocketIoFrame(f)
      let theirs: Packet | null = null
      const d = new Decoder()
      d.on('decoded', (p: Packet) => (theirs = p))
      d.add(f.slice(1))
      expect(ours).toMatchObject({
        engine: 'message',
        packet: { type: ['connect', 'disconnect', 'event', 'ack', 'connect_error'][theirs!.type], nsp: theirs!.nsp }
      })
      if (ours.engine === 'message') expect([ours.packet.id, ours.packet.data]).toEqual([theirs!.id, theirs!.data])
    }
    manager.close(id, 1000, 'bye')
    await waitFor<CloseEvent>((e) => e.type === 'close')
    manager.dispose()
  })

  it('shows a refused auth as the server’s CONNECT_ERROR', async () => {
    const { manager, waitFor } = recordingManager()
    const { id } = manager.open({ url, protocol: { namespace: '/admin', auth: '{"token":"wrong"}' } })
    const e = await waitFor<MessageEvent>((x) => x.type === 'message' && x.dir === 'in' && String(x.data).startsWith('44/admin,'))
    expect(parseSocketIoFrame(e.data)).toMatchObject({
      engine: 'message',
      packet: { type: 'connect_error', data: { message: 'not authorized' } }
    })
    manager.close(id)
    manager.dispose()
  })

  it('as raw WebSocket nothing answers the pings, and the server closes the link at its ping timeout', async () => {
    const { manager, waitFor, of } = recordingManager()
    manager.open({ url, protocol: { kind: 'raw' } })
    const close = await waitFor<CloseEvent>((e) => e.type === 'close', 5_000)
    expect(close.initiator).toBe('remote')
    expect(frames(of('message'), 'out')).toEqual([])
    manager.dispose()
  })
})

describe('Socket.IO session while closing', () => {
  it('sends nothing once our close frame is out (RFC 6455 §5.5.1): a ping that arrives then gets no pong and no error', async () => {
    // A server that opens Engine.IO, and on our close frame sends one more ping before it answers the close.
    const server = await startRawWsServer((s) => {
      s.write(frame(1, '0{"sid":"x","pingInterval":25000,"pingTimeout":20000}'))
      s.on('data', (c: Buffer) => {
        // Small masked client frames, possibly several in one chunk: 2 header bytes, a 4-byte mask, the payload.
        let close = false
        for (let at = 0; at < c.length; at += 6 + (c[at + 1] & 0x7f)) close ||= (c[at] & 0x0f) === 8
        if (!close) return
        s.write(frame(1, '2'))
        setTimeout(() => s.write(frame(8, Buffer.from([0x03, 0xe8]))), 50)
      })
    })
    const { manager, waitFor, of } = recordingManager()
    const { id } = manager.open({ url: `ws://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=websocket` })
    await waitFor((e) => e.type === 'message' && e.dir === 'out' && e.data === '40')
    manager.close(id, 1000, 'bye')
    await waitFor((e) => e.type === 'message' && e.dir === 'in' && e.data === '2')
    const close = await waitFor<CloseEvent>((e) => e.type === 'close')
    expect(close).toMatchObject({ code: 1000, initiator: 'local' })
    expect(of('error')).toEqual([])
    expect(frames(of('message'), 'out')).toEqual(['40'])
    manager.dispose()
    await server.close()
  })
})
