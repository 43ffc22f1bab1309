/**
 * "Try with a local echo server": a WebSocket server inside the app for a newcomer with no server at hand. It binds
 * 127.0.0.1 only, on a port the system picks, starts on the first request and stops with the app. Every text or
 * binary message comes back as it came; pings are answered by `ws` itself (RFC 6455 §5.5.2-5.5.3), and the first
 * subprotocol offered is accepted, so the subprotocol setting can be tried too.
 */
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'

export class LocalEchoServer {
  private server: WebSocketServer | null = null
  private started: Promise<string> | null = null

  /** The server's URL, starting it on first use. */
  url(): Promise<string> {
    this.started ??= this.start().catch((err: unknown) => {
      this.started = null
      throw err
    })
    return this.started
  }

  private start(): Promise<string> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 * 1024 })
      this.server = wss
      // Before listening, an error fails the start; after, one must not reach the process (an unhandled 'error'
      // event would end the desktop app): the server just stops being useful.
      wss.on('error', (err) => reject(err))
      wss.once('listening', () => resolve(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/echo`))
      wss.on('connection', (ws) => {
        // A client that goes away mid-send is not the app's problem: no error may reach the process.
        ws.on('error', () => undefined)
        ws.on('message', (data, isBinary) => {
          if (ws.readyState === ws.OPEN) ws.send(data, { binary: isBinary })
        })
      })
    })
  }

  /** Stops listening and drops its clients; resolves once the port is free. */
  async close(): Promise<void> {
    const wss = this.server
    this.server = null
    this.started = null
    if (!wss) return
    for (const client of wss.clients) client.terminate()
    await new Promise<void>((r) => wss.close(() => r()))
  }
}
