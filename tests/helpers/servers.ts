/** Real servers on 127.0.0.1, port 0, for the engine tests. */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https'
import net, { type AddressInfo } from 'node:net'
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws'

export interface RunningWs {
  url: string
  port: number
  wss: WebSocketServer
  server: Server
  /** The upgrade requests the server saw. */
  requests: IncomingMessage[]
  sockets: Set<net.Socket>
  close(): Promise<void>
}

export async function startWsServer(
  opts: { tls?: HttpsOptions; ws?: ServerOptions; onConnection?: (ws: WebSocket, req: IncomingMessage) => void; port?: number } = {}
): Promise<RunningWs> {
  const server: Server = opts.tls ? createHttpsServer(opts.tls) : createHttpServer()
  const wss = new WebSocketServer({ server, ...opts.ws })
  const requests: IncomingMessage[] = []
  const sockets = new Set<net.Socket>()
  server.on('connection', (s: net.Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('secureConnection', (s: net.Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  wss.on('connection', (ws, req) => {
    requests.push(req)
    if (opts.onConnection) opts.onConnection(ws, req)
    else ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
  })
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    url: `${opts.tls ? 'wss' : 'ws'}://127.0.0.1:${port}`,
    port,
    wss,
    server,
    requests,
    sockets,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate()
        for (const s of sockets) s.destroy()
        wss.close()
        server.close(() => r())
      })
  }
}

/** A raw TCP server with a handler per connection. */
export async function startTcpServer(
  onSocket: (s: net.Socket) => void
): Promise<{ port: number; sockets: Set<net.Socket>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => undefined)
    onSocket(s)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      })
  }
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}
