/**
 * A WebSocket server for the model-based tests whose behaviour per TCP connection is drawn at random: it speaks
 * HTTP and frames by hand over `net` (never `ws`), so it can be slow, deaf, rude or broken exactly as drawn.
 * Its delays use the global timers, so under fake timers they advance with the test's clock.
 */
import net, { type AddressInfo } from 'node:net'
import { acceptKey, frame } from '../helpers/rawWs'
import { protocolResponder, type ProtocolBehaviour, type Responder } from './protocolResponder'

export interface Behaviour {
  /** How the upgrade is answered: at once, one byte per 50 ms, with an HTTP error, or never. */
  handshake: 'accept' | 'trickle' | 'reject401' | 'reject503' | 'silent'
  /** Messages from us: echoed back, or read and ignored. */
  messages: 'echo' | 'ignore'
  /** false: after the handshake the server stops reading its socket. */
  reads: boolean
  /** Our close frame: answered at once, after a delay, or never. */
  close: 'answer' | 'ignore' | number
  /** Our pings: answered at once, after a delay, or never. */
  pings: 'answer' | 'never' | number
  /** Sent right after the handshake: `count` messages of `size` bytes (text). */
  flood: { count: number; size: number } | null
  /** The server drops the TCP connection this long after the handshake. */
  dropAfterMs: number | null
  /** The server sends its own close frame this long after the handshake, then keeps sending. */
  closeThenSendMs: number | null
  /** The server pings us this many times right after the handshake. */
  pingBurst: number
  /** When the connection speaks a protocol (Socket.IO, MQTT…): how the server's side of it behaves. */
  protocol: ProtocolBehaviour
}

/** What the server saw on one TCP connection. */
export interface ServerConn {
  behaviour: Behaviour
  socket: net.Socket
  /** Opcodes of the frames it received, in order. */
  received: number[]
  /** Data frames (text, binary, ping, pong) that arrived after our close frame: must stay 0. */
  afterClose: number
  closeReceived: boolean
  /** The request path of the upgrade. */
  path: string
  responder: Responder
}

export interface ScriptedServer {
  port: number
  url: string
  conns: ServerConn[]
  /** Closes every TCP connection and the listener, then listens again on the same port. */
  restart(): Promise<void>
  dropAll(): void
  /** TCP connections still open on the server side. */
  openSockets(): number
  close(): Promise<void>
}

/** Parses the masked frames a client sends (RFC 6455 §5.2, §5.3); returns the rest that is not a whole frame yet. */
function parseFrames(buf: Buffer, onFrame: (opcode: number, payload: Buffer) => void): Buffer {
  let off = 0
  while (buf.length - off >= 2) {
    const b0 = buf[off]
    const b1 = buf[off + 1]
    let len = b1 & 0x7f
    let p = off + 2
    if (len === 126) {
      if (buf.length - p < 2) break
      len = buf.readUInt16BE(p)
      p += 2
    } else if (len === 127) {
      if (buf.length - p < 8) break
      len = Number(buf.readBigUInt64BE(p))
      p += 8
    }
    const masked = (b1 & 0x80) !== 0
    if (buf.length - p < (masked ? 4 : 0) + len) break
    const mask = masked ? buf.subarray(p, p + 4) : null
    if (masked) p += 4
    const payload = Buffer.from(buf.subarray(p, p + len))
    if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3]
    onFrame(b0 & 0x0f, payload)
    off = p + len
  }
  return buf.subarray(off)
}

export async function startScriptedServer(behaviours: Behaviour[]): Promise<ScriptedServer> {
  const conns: ServerConn[] = []
  const sockets = new Set<net.Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }
  const write = (s: net.Socket, b: Buffer | string): void => {
    if (!s.destroyed && s.writable) s.write(b)
  }

  const onSocket = (socket: net.Socket): void => {
    const behaviour = behaviours[conns.length % behaviours.length]
    const conn: ServerConn = { behaviour, socket, received: [], afterClose: 0, closeReceived: false, path: '/', responder: null! }
    conn.responder = protocolResponder(
      behaviour.protocol,
      (op, payload) => write(socket, frame(op, payload)),
      later,
      () => !socket.destroyed && !conn.closeReceived
    )
    conns.push(conn)
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    let head = ''
    let rest: Buffer = Buffer.alloc(0)
    let upgraded = false
    socket.on('data', (chunk: Buffer) => {
      if (!upgraded) {
        head += chunk.toString('latin1')
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) return
        upgraded = true
        conn.path = /^GET (\S+)/.exec(head)?.[1] ?? '/'
        const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? ''
        // RFC 6455 §4.2.2: the server picks one of the subprotocols offered (a protocol's client offers its own).
        const offered = /sec-websocket-protocol:\s*([^\r\n]+)/i.exec(head)?.[1].split(',')[0].trim()
        answerUpgrade(conn, key, offered)
        return
      }
      rest = parseFrames(Buffer.concat([rest, chunk]), (op, payload) => onFrame(conn, op, payload))
    })
  }

  const answerUpgrade = (conn: ServerConn, key: string, subprotocol: string | undefined): void => {
    const { socket, behaviour: b } = conn
    const picked = subprotocol ? `Sec-WebSocket-Protocol: ${subprotocol}\r\n` : ''
    const ok = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n${picked}\r\n`
    switch (b.handshake) {
      case 'silent':
        return
      case 'reject401':
        return void socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nnope')
      case 'reject503':
        return void socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n')
      case 'trickle': {
        let i = 0
        const step = (): void => {
          if (socket.destroyed) return
          write(socket, ok.slice(i, ++i))
          if (i < ok.length) later(50, step)
          else opened(conn)
        }
        return step()
      }
      case 'accept':
        write(socket, ok)
        return opened(conn)
    }
  }

  const opened = (conn: ServerConn): void => {
    const { socket, behaviour: b } = conn
    if (!b.reads) socket.pause()
    conn.responder.opened(conn.path)
    for (let i = 0; i < b.pingBurst; i++) write(socket, frame(0x9, `sp${i}`))
    if (b.flood) {
      const body = 'f'.repeat(Math.max(0, b.flood.size - 8))
      for (let i = 0; i < b.flood.count; i++) write(socket, frame(0x1, `${String(i).padStart(7, '0')}:${body}`))
    }
    if (b.dropAfterMs !== null) later(b.dropAfterMs, () => socket.destroy())
    if (b.closeThenSendMs !== null) {
      later(b.closeThenSendMs, () => {
        write(socket, frame(0x8, Buffer.from([0x03, 0xe8])))
        for (let i = 0; i < 3; i++) write(socket, frame(0x1, `after-close-${i}`))
      })
    }
  }

  const onFrame = (conn: ServerConn, op: number, payload: Buffer): void => {
    const { socket, behaviour: b } = conn
    conn.received.push(op)
    if (conn.closeReceived && op !== 0x8) conn.afterClose++
    if (op === 0x8) {
      conn.closeReceived = true
      const answer = (): void => {
        write(socket, frame(0x8, payload.subarray(0, 2)))
        socket.end()
      }
      if (b.close === 'answer') answer()
      else if (typeof b.close === 'number') later(b.close, answer)
    } else if (op === 0x9) {
      if (b.pings === 'answer') write(socket, frame(0xa, payload))
      else if (typeof b.pings === 'number') later(b.pings, () => write(socket, frame(0xa, payload)))
    } else if ((op === 0x1 || op === 0x2) && !conn.closeReceived && conn.responder.frame(op, payload)) {
      // the protocol's handshake or keep-alive, answered (or not) as drawn
    } else if ((op === 0x1 || op === 0x2) && b.messages === 'echo') {
      write(socket, frame(op, payload))
    }
  }

  let server = net.createServer(onSocket)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  const stop = (): Promise<void> => {
    for (const t of timers) clearTimeout(t)
    timers.clear()
    for (const s of sockets) s.destroy()
    return new Promise((r) => server.close(() => r()))
  }
  return {
    port,
    url: `ws://127.0.0.1:${port}/`,
    conns,
    dropAll: () => {
      for (const s of sockets) s.destroy()
    },
    openSockets: () => sockets.size,
    restart: async () => {
      await stop()
      server = net.createServer(onSocket)
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
    },
    close: stop
  }
}
