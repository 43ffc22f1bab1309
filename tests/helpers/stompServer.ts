/**
 * STOMP reference servers on 127.0.0.1 port 0, as the protocol tests use them.
 *
 * `startStompBroker`: `stomp-broker-js` 1.3 (a STOMP 1.1 broker over `ws` 5), given our http server and the path
 * /stomp. It always answers CONNECTED with version 1.1. Heart-beats: only client → server, and only when the
 * client's CONNECT offers one (cx > 0) and the broker's `heartbeat[1]` is non-zero; it then asks for one every
 * I = max(cx, heartbeat[1]) ms and checks every I ms. Its check moves its own clock back by each gap it sees, so a
 * client that sends nothing is closed at the third check, 3·I after CONNECT, when the margin is under 2·I; one
 * that beats every I is kept while no gap exceeds I + margin. A client that offers no heart-beat is never dropped.
 * It delivers a SEND to the other sessions' subscriptions only (never back to the sender), sends ERROR only when a
 * `connect` middleware refuses (message "CONNECTION ERROR"), and does not close after it.
 *
 * `startMiniStomp12`: a minimal STOMP 1.2 server written here for what the broker lacks: CONNECTED version 1.2
 * (sent split across two WebSocket frames), 1.2 header escaping, a SEND echoed to the sender's own subscription
 * as a MESSAGE with an `ack` header, in one WebSocket frame with its RECEIPT, ACK checked by that `ack` id, and a
 * refused login as an ERROR with a message and a body, split across two WebSocket frames, then closed.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { WebSocketServer, type WebSocket } from 'ws'

interface BrokerConfig {
  server: Server
  path: string
  heartbeat: [number, number]
  heartbeatErrorMargin: number
}
type Middleware = (socket: unknown, args: { headers: Record<string, string> }, next: () => boolean) => boolean
interface Broker {
  addMiddleware(command: 'connect', handler: Middleware): void
  on(event: 'connected' | 'disconnected', listener: (sessionId: string) => void): void
  on(event: 'subscribe', listener: (sub: { id: string; topic: string }) => void): void
  socket: { close(): void }
  send(topic: string, headers: Record<string, string>, body: string): void
}
const StompBroker = createRequire(import.meta.url)('stomp-broker-js') as new (config: BrokerConfig) => Broker

async function listen(http: Server): Promise<number> {
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  return (http.address() as AddressInfo).port
}

function closeHttp(http: Server): Promise<void> {
  http.closeAllConnections()
  return new Promise((r) => http.close(() => r()))
}

export interface RunningStompBroker {
  /** `ws://127.0.0.1:<port>/stomp` */
  url: string
  /** Broker session ids, in the order they connected (after CONNECT) and disconnected. */
  connected: string[]
  disconnected: string[]
  /** Resolves once a SUBSCRIBE to `topic` is in. */
  subscribed(topic: string): Promise<void>
  /** The broker itself sends a MESSAGE to `topic`'s subscribers (it never echoes a client's SEND to that client). */
  publish(topic: string, body: string): void
  close(): Promise<void>
}

/** The broker, asking for a client heart-beat every `heartBeatMs` (0: none), refusing a CONNECT whose login is wrong. */
export async function startStompBroker(o: {
  heartBeatMs: number
  marginMs: number
  login: string
  passcode: string
}): Promise<RunningStompBroker> {
  const http = createServer()
  const broker = new StompBroker({ server: http, path: '/stomp', heartbeat: [0, o.heartBeatMs], heartbeatErrorMargin: o.marginMs })
  broker.addMiddleware('connect', (_socket, args, next) =>
    args.headers.login === o.login && args.headers.passcode === o.passcode ? next() : false
  )
  const connected: string[] = []
  const disconnected: string[] = []
  const topics: string[] = []
  const waiting: Array<{ topic: string; resolve: () => void }> = []
  broker.on('connected', (id) => connected.push(id))
  broker.on('disconnected', (id) => disconnected.push(id))
  broker.on('subscribe', (sub) => {
    topics.push(sub.topic)
    for (const w of waiting.filter((x) => x.topic === sub.topic)) w.resolve()
  })
  const port = await listen(http)
  return {
    url: `ws://127.0.0.1:${port}/stomp`,
    connected,
    disconnected,
    publish: (topic, body) => broker.send(topic, { destination: topic }, body),
    subscribed: (topic) => (topics.includes(topic) ? Promise.resolve() : new Promise((resolve) => waiting.push({ topic, resolve }))),
    close: async () => {
      broker.socket.close()
      await closeHttp(http)
    }
  }
}

// The minimal 1.2 server: its own frame reading and writing, independent of src/shared/protocols/stomp.ts.

interface MiniFrame {
  command: string
  headers: Map<string, string>
  body: string
}

const unescape12 = (s: string): string => s.replace(/\\([rnc\\])/g, (_, c: string) => ({ r: '\r', n: '\n', c: ':', '\\': '\\' })[c] ?? '')
const escape12 = (s: string): string => s.replace(/[\\\r\n:]/g, (c) => ({ '\\': '\\\\', '\r': '\\r', '\n': '\\n', ':': '\\c' })[c] ?? c)

/** One whole client frame per WebSocket frame (as our session and builders send them); null for a heart-beat. */
function readMiniFrame(data: string): MiniFrame | null {
  if (/^(\r?\n)+$/.test(data)) return null
  const headEnd = data.indexOf('\n\n')
  const [command, ...lines] = data.slice(0, headEnd).split('\n')
  const headers = new Map<string, string>()
  for (const line of lines) {
    const colon = line.indexOf(':')
    const [k, v] = [line.slice(0, colon), line.slice(colon + 1)]
    const [name, value] = command === 'CONNECT' ? [k, v] : [unescape12(k), unescape12(v)]
    if (!headers.has(name)) headers.set(name, value)
  }
  return { command, headers, body: data.slice(headEnd + 2, data.lastIndexOf('\0')) }
}

function writeMiniFrame(command: string, headers: Record<string, string>, body = ''): string {
  const enc = command === 'CONNECTED' ? (s: string) => s : escape12
  const lines = Object.entries(headers).map(([k, v]) => `${enc(k)}:${enc(v)}`)
  if (body) lines.push(`content-length:${Buffer.byteLength(body)}`)
  return `${[command, ...lines].join('\n')}\n\n${body}\0`
}

export interface RunningMiniStomp {
  /** `ws://127.0.0.1:<port>/v12/stomp`; it accepts only subprotocol v12.stomp. */
  url: string
  /** The client frames' commands in order, `EOL` for each heart-beat. */
  received: string[]
  close(): Promise<void>
}

export async function startMiniStomp12(o: { login: string; passcode: string; heartBeatMs: number }): Promise<RunningMiniStomp> {
  const http = createServer()
  const wss = new WebSocketServer({
    server: http,
    path: '/v12/stomp',
    handleProtocols: (offered) => (offered.has('v12.stomp') ? 'v12.stomp' : false)
  })
  const received: string[] = []
  wss.on('connection', (ws: WebSocket) => {
    const subscriptions: Array<{ id: string; destination: string; ack: string }> = []
    const unacked = new Set<string>()
    let n = 0
    const split = (frame: string, at: number) => {
      ws.send(frame.slice(0, at))
      ws.send(frame.slice(at))
    }
    const sendIfAny = (frames: string) => {
      if (frames) ws.send(frames)
    }
    const receiptOf = (f: MiniFrame) =>
      f.headers.has('receipt') ? writeMiniFrame('RECEIPT', { 'receipt-id': f.headers.get('receipt')! }) : ''
    ws.on('message', (raw) => {
      const f = readMiniFrame(String(raw))
      received.push(f?.command ?? 'EOL')
      if (!f) return
      const h = (name: string) => f.headers.get(name) ?? ''
      if (f.command === 'CONNECT') {
        if (!h('accept-version').split(',').includes('1.2') || h('login') !== o.login || h('passcode') !== o.passcode) {
          split(writeMiniFrame('ERROR', { message: 'bad credentials', 'content-type': 'text/plain' }, 'login or passcode is wrong'), 20)
          ws.close(1000)
          return
        }
        const connected = writeMiniFrame('CONNECTED', { version: '1.2', 'heart-beat': `0,${o.heartBeatMs}`, server: 'mini-stomp/1.2' })
        split(connected, 'CONNECTED\nversion:1.'.length)
      } else if (f.command === 'SUBSCRIBE') {
        subscriptions.push({ id: h('id'), destination: h('destination'), ack: h('ack') || 'auto' })
        sendIfAny(receiptOf(f))
      } else if (f.command === 'SEND') {
        const messages = subscriptions
          .filter((s) => s.destination === h('destination'))
          .map((s) => {
            const ack = `ack-${++n}`
            if (s.ack !== 'auto') unacked.add(ack)
            const headers = { subscription: s.id, 'message-id': `m-${n}`, destination: s.destination, ...(s.ack !== 'auto' ? { ack } : {}) }
            return writeMiniFrame('MESSAGE', headers, f.body)
          })
        // Several STOMP frames in one WebSocket frame.
        sendIfAny(messages.join('') + receiptOf(f))
      } else if (f.command === 'ACK') {
        if (unacked.delete(h('id'))) return sendIfAny(receiptOf(f))
        ws.send(writeMiniFrame('ERROR', { message: `unknown ack id ${h('id')}` }))
        ws.close(1000)
      } else if (f.command === 'DISCONNECT') {
        sendIfAny(receiptOf(f))
        ws.close(1000)
      }
    })
  })
  const port = await listen(http)
  return {
    url: `ws://127.0.0.1:${port}/v12/stomp`,
    received,
    close: async () => {
      for (const c of wss.clients) c.terminate()
      wss.close()
      await closeHttp(http)
    }
  }
}
