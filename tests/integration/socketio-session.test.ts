/**
 * Socket.IO through the engine against the reference server (`socket.io` 4, Engine.IO v4 over its WebSocket
 * transport), with a short ping interval: the session connects to a namespace with an auth payload, answers every
 * Engine.IO ping so the link outlives several ping timeouts, an emit with an ack id gets its ack, a refused auth
 * comes back as CONNECT_ERROR, and a raw connection (no session) is dropped by the server at its ping timeout.
 * Each frame the server sends reads the same through our parser as through `socket.io-parser`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { Decoder, type Packet } from 'socket.io-parser'
import { recordingManager } from '../helpers/events'
import type { CloseEvent, MessageEvent } from '../../src/shared/events'
import { parseSocketIoFrame } from '../../src/shared/protocols/socketio'

const PING_INTERVAL = 150
const PING_TIMEOUT = 200

let http: HttpServer
let io: Server
let url = ''
/** Sockets the server saw connect to /admin, and whether each is still connected. */
const admins: Array<{ connected: boolean }> = []

beforeEach(async () => {
  http = createServer()
  io = new Server(http, { transports: ['websocket'], pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT })
  const admin = io.of('/admin')
  admin.use((socket, next) => (socket.handshake.auth.token === 's3cret' ? next() : next(new Error('not authorized'))))
  admin.on('connection', (socket) => {
    admins.push(socket)
    socket.emit('welcome', { n: 1 })
    socket.on('chat', (msg: unknown, ack: (r: unknown) => void) => ack({ ok: true, echo: msg }))
  })
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/?EIO=4&transport=websocket`
})
afterEach(async () => {
  admins.length = 0
  await new Promise<void>((r) => io.close(() => r()))
})

const frames = (msgs: MessageEvent[], dir: 'in' | 'out'): string[] =>
  msgs.filter((m) => m.dir === dir && typeof m.data === 'string').map((m) => m.data as string)

describe('Socket.IO session in the engine (reference server)', () => {
  it('connects to a namespace with auth, outlives several ping timeouts, and gets the ack of an emit', async () => {
    const { manager, waitFor, of } = recordingManager()
    const { id } = manager.open({ url, protocol: { namespace: '/admin', auth: '{"token":"s3cret"}' } })
    await waitFor((e) => e.type === 'message' && e.dir === 'in' && e.data === '42/admin,["welcome",{"n":1}]')
    expect(frames(of('message'), 'out')[0]).toBe('40/admin,{"token":"s3cret"}')
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
