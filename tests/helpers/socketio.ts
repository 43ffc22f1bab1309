/**
 * The Socket.IO reference server (`socket.io` 4, WebSocket transport only) on 127.0.0.1 port 0, as the protocol
 * tests use it: namespace /admin takes a client whose auth token is "s3cret", greets it with `welcome`, and acks
 * `chat` with {ok, echo}, and answers `want-blob` with a binary event `blob` (one attachment). Short ping intervals make the keep-alive matter within a test.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'

export interface RunningSocketIo {
  /** The server's WebSocket URL: `ws://127.0.0.1:<port>/socket.io/?EIO=4&transport=websocket`. */
  url: string
  /** Sockets that joined /admin, and whether each is still connected. */
  admins: Array<{ connected: boolean }>
  close(): Promise<void>
}

export async function startSocketIoServer(timing: { pingInterval: number; pingTimeout: number }): Promise<RunningSocketIo> {
  const http = createServer()
  const io = new Server(http, { transports: ['websocket'], ...timing })
  const admins: Array<{ connected: boolean }> = []
  const admin = io.of('/admin')
  admin.use((socket, next) => (socket.handshake.auth.token === 's3cret' ? next() : next(new Error('not authorized'))))
  admin.on('connection', (socket) => {
    admins.push(socket)
    socket.emit('welcome', { n: 1 })
    socket.on('chat', (msg: unknown, ack: (r: unknown) => void) => ack({ ok: true, echo: msg }))
    // A binary event: its bytes follow the packet as an attachment frame.
    socket.on('want-blob', () => socket.emit('blob', { name: 'four bytes', data: Buffer.from([0xde, 0xad, 0xbe, 0xef]) }))
  })
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/?EIO=4&transport=websocket`,
    admins,
    close: () => new Promise<void>((r) => io.close(() => r()))
  }
}
