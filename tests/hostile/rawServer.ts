/**
 * The hostile-server harness: a server that speaks HTTP and WebSocket frames by hand over `net` or `tls`
 * (never through `ws`), so a test can break the protocol exactly where it wants.
 */
import net, { type AddressInfo } from 'node:net'
import tls from 'node:tls'
import { acceptKey, frame } from '../helpers/rawWs'

export { frame }

export interface Upgrade {
  socket: net.Socket
  request: string
  key: string
  headers: Record<string, string>
}

export interface HostileServer {
  port: number
  url: string
  sockets: Set<net.Socket>
  connections: number
  close(): Promise<void>
}

export type Responder = (u: Upgrade) => void

function parseHeaders(head: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':')
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  return out
}

/** Accepts connections, reads the upgrade request and hands it to `respond` (which writes whatever it likes). */
export async function hostileServer(respond: Responder, opts: { tls?: tls.TlsOptions } = {}): Promise<HostileServer> {
  const sockets = new Set<net.Socket>()
  const state = { connections: 0 }
  const onSocket = (s: net.Socket): void => {
    state.connections++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => undefined)
    let head = ''
    const onData = (c: Buffer): void => {
      head += c.toString('latin1')
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      s.off('data', onData)
      const request = head.slice(0, end)
      const headers = parseHeaders(request)
      respond({ socket: s, request, key: headers['sec-websocket-key'] ?? '', headers })
    }
    s.on('data', onData)
  }
  const server = opts.tls ? tls.createServer(opts.tls, onSocket) : net.createServer(onSocket)
  server.on('tlsClientError', () => undefined)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `${opts.tls ? 'wss' : 'ws'}://127.0.0.1:${port}/`,
    sockets,
    get connections() {
      return state.connections
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      })
  }
}

/** A correct 101 answer, with optional extra header lines. */
export function accept(u: Upgrade, extra: string[] = [], overrideAccept?: string): void {
  u.socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${overrideAccept ?? acceptKey(u.key)}`,
      ...extra,
      '',
      ''
    ].join('\r\n')
  )
}

/** A close frame with an arbitrary payload (for illegal codes and one-byte bodies). */
export function closeFrame(payload: Buffer): Buffer {
  return frame(0x8, payload)
}

export function codeAndReason(code: number, reason: Buffer | string = ''): Buffer {
  const r = typeof reason === 'string' ? Buffer.from(reason) : reason
  const b = Buffer.alloc(2 + r.length)
  b.writeUInt16BE(code, 0)
  r.copy(b, 2)
  return b
}

/** A frame with the MASK bit set (servers must never mask). */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4])
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]))
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | body.length]), mask, body])
}
