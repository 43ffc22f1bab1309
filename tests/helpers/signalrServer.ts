/**
 * A minimal SignalR hub (JSON hub protocol, HubProtocol.md in dotnet/aspnetcore) on `ws`, at 127.0.0.1 port 0 path
 * /chathub, for the protocol tests: npm has no Node SignalR server (the reference is ASP.NET Core), so this speaks the
 * spec itself. It takes the handshake (refusing a protocol it does not speak with an error, then closing), pings the
 * client every `pingIntervalMs`, and drops a client it heard nothing from for `clientTimeoutMs` with a Close that
 * carries an error, as ASP.NET Core's ClientTimeoutInterval does. Hub methods:
 * - `Echo(x)` completes with x as its result;
 * - `SendMessage(user, text)` invokes `ReceiveMessage(user, text)` on every client, then completes;
 * - `Counter(n)`, streaming: StreamItems 0..n-1 then a Completion (a CancelInvocation stops it early);
 * - `Fail()` completes with an error, as a hub method that throws does.
 * Frames are parsed here on their own (not with the parser under test), so the tests check one against the other.
 */
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'

const RS = '\x1e'
const record = (o: object): string => `${JSON.stringify(o)}${RS}`

export interface SignalrServerOptions {
  /** Drop a client silent this long (ms); ASP.NET Core's ClientTimeoutInterval. */
  clientTimeoutMs: number
  /** How often the hub pings each client (ms); ASP.NET Core's KeepAliveInterval. */
  pingIntervalMs: number
  /** The hub protocols it speaks; ['json'] unless told (['messagepack'] makes it refuse our handshake). */
  protocols?: string[]
  /** How long between stream items (ms); 5 unless told. */
  streamDelayMs?: number
}

export interface HubClient {
  /** The handshake succeeded. */
  joined: boolean
  /** The error of the Close the hub sent it, if any. */
  closedWith?: string
  /** Every record it sent, parsed, in order (the handshake first). */
  received: Array<Record<string, unknown>>
  open: boolean
}

export interface RunningSignalrServer {
  /** `ws://127.0.0.1:<port>/chathub` */
  url: string
  clients: HubClient[]
  close(): Promise<void>
}

export async function startSignalrServer(opts: SignalrServerOptions): Promise<RunningSignalrServer> {
  const protocols = opts.protocols ?? ['json']
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/chathub' })
  const clients: HubClient[] = []
  const sockets = new Map<WebSocket, HubClient>()

  wss.on('connection', (ws) => {
    const client: HubClient = { joined: false, received: [], open: true }
    clients.push(client)
    sockets.set(ws, client)
    const streams = new Map<string, NodeJS.Timeout>()
    let pinger: NodeJS.Timeout | undefined
    let timeout: NodeJS.Timeout | undefined
    let pending = ''
    const send = (o: object) => ws.readyState === ws.OPEN && ws.send(record(o))
    const stop = () => {
      clearInterval(pinger)
      clearTimeout(timeout)
      for (const t of streams.values()) clearTimeout(t)
      streams.clear()
    }
    // A Close message ends the connection ("Close": sent by the server when it closes, with an error if one caused it).
    const closeWith = (error?: string) => {
      client.closedWith = error
      send(error === undefined ? { type: 7 } : { type: 7, error })
      stop()
      ws.close(1000)
    }
    const heard = () => {
      clearTimeout(timeout)
      timeout = setTimeout(() => closeWith('Server timeout elapsed without receiving a message from the client.'), opts.clientTimeoutMs)
    }
    ws.on('close', () => {
      client.open = false
      sockets.delete(ws)
      stop()
    })
    ws.on('message', (data, isBinary) => {
      if (isBinary) return closeWith('This hub speaks the JSON protocol over text frames.')
      pending += data.toString()
      // Records may in principle span frames: keep what follows the last separator.
      const parts = pending.split(RS)
      pending = parts.pop() ?? ''
      for (const part of parts) {
        let m: Record<string, unknown>
        try {
          m = JSON.parse(part) as Record<string, unknown>
        } catch {
          return closeWith('Received a record that is not JSON.')
        }
        client.received.push(m)
        heard()
        if (!client.joined) {
          // "Overview": the first message must be a HandshakeRequest; a protocol the server lacks gets an error.
          if (typeof m.protocol !== 'string' || typeof m.version !== 'number') return closeWith('The first message was not a handshake.')
          if (!protocols.includes(m.protocol)) {
            send({ error: `Requested protocol '${m.protocol}' is not available.` })
            stop()
            return ws.close(1000)
          }
          client.joined = true
          send({})
          pinger = setInterval(() => send({ type: 6 }), opts.pingIntervalMs)
          continue
        }
        handle(m)
      }
    })

    const complete = (id: unknown, outcome: { result?: unknown; error?: string } = {}) => {
      // "Non-Blocking Invocations": no invocationId, no answer.
      if (typeof id === 'string') send({ type: 3, invocationId: id, ...outcome })
    }
    function handle(m: Record<string, unknown>): void {
      const id = m.invocationId
      const args = Array.isArray(m.arguments) ? m.arguments : []
      switch (m.type) {
        case 1:
          if (m.target === 'Echo') return complete(id, { result: args[0] })
          if (m.target === 'SendMessage') {
            for (const other of sockets.keys())
              if (sockets.get(other)?.joined) other.send(record({ type: 1, target: 'ReceiveMessage', arguments: args }))
            return complete(id)
          }
          if (m.target === 'Fail')
            return complete(id, { error: "An unexpected error occurred invoking 'Fail' on the server. It failed on purpose." })
          // "Completion and results": a streaming method called by Invocation completes with an error.
          if (m.target === 'Counter')
            return complete(id, { error: "The client attempted to invoke the streaming 'Counter' method with a non-streaming invocation." })
          return complete(id, { error: `Unknown hub method '${String(m.target)}'` })
        case 4: {
          if (m.target !== 'Counter') return complete(id, { error: `Unknown streaming hub method '${String(m.target)}'` })
          const n = Number(args[0])
          const streamId = String(id)
          let i = 0
          const next = () => {
            if (i >= n) {
              streams.delete(streamId)
              return complete(id)
            }
            send({ type: 2, invocationId: streamId, item: i++ })
            streams.set(streamId, setTimeout(next, opts.streamDelayMs ?? 5))
          }
          return next()
        }
        case 5: {
          // "Streaming": on CancelInvocation the callee stops sending items and sends a Completion.
          const t = streams.get(String(id))
          if (t === undefined) return
          clearTimeout(t)
          streams.delete(String(id))
          return complete(id)
        }
        case 6:
          return
        case 7:
          stop()
          return ws.close(1000)
        default:
          return closeWith(`Received a message of unknown type ${String(m.type)}.`)
      }
    }
  })

  await new Promise<void>((resolve) => wss.once('listening', resolve))
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/chathub`,
    clients,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets.keys()) ws.terminate()
        wss.close(() => resolve())
      })
  }
}
