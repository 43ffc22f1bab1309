/**
 * A mock WebSocket server that plays the server side of a recording (`sockscope mock`, and later the app's "Serve
 * as mock…"). Each client gets the conversation from the start: what the server sent on connect, then, after each
 * client message that matches a recorded one, what the server sent after that one, with the recorded gaps
 * (`timing: 'original'`) or at once (`'fast'`). Matching (mockMatch.ts for the rule):
 * - `order`: the client's n-th message stands for the recording's n-th; it is answered even when its content
 *   differs, and the log says how it differs. Messages past the recorded ones are logged and not answered.
 * - `content`: each message is answered with the first recorded client message not used yet that it equals
 *   (volatile values aside), so a client may send them in another order. Others are logged and not answered.
 * A server close in the recording closes the client with the same code; a drop (1006) drops the socket.
 * Listens on 127.0.0.1 unless another host is asked for. Electron-free.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { SockEvent } from '../shared/events'
import type { MockLogKind } from '../shared/api'
import { carryOver, compareMessages, preview, type Carry, type Payload } from './mockMatch'
import { readRecordingEvents, scriptOf, type MockScript, type MockTurn } from './mockRecording'

export type { MockScript } from './mockRecording'

export interface MockOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  host?: string
  timing?: 'original' | 'fast'
  match?: 'order' | 'content'
  /** Which WebSocket entry of a HAR (1-based, among those with messages). */
  entry?: number
  /** Told of each log entry as it happens (the command line prints them). */
  onLog?: (entry: MockLogEntry) => void
}

export type { MockLogKind } from '../shared/api'

export interface MockLogEntry {
  ts: number
  /** Which client, counted from 1 in the order they connected. */
  client: number
  kind: MockLogKind
  text: string
  /** The recorded client message it was matched with (1-based), for matched and differs. */
  turn?: number
}

export interface MockServer {
  url: string
  port: number
  script: MockScript
  /** What clients did, oldest first (the latest 10,000 entries). */
  log: MockLogEntry[]
  close(): Promise<void>
}

const LOG_LIMIT = 10_000

/** Close codes `ws` may send (RFC 6455 §7.4: 1004-1006 and 1015 are never sent on the wire). */
const sendable = (code: number): boolean =>
  (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999)

class MockClient {
  private queue: Promise<void> = Promise.resolve()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly used = new Set<number>()
  private received = 0
  private ended = false

  constructor(
    private readonly n: number,
    private readonly ws: WebSocket,
    private readonly script: MockScript,
    private readonly opts: Required<Pick<MockOptions, 'timing' | 'match'>>,
    private readonly log: (client: number, kind: MockLogKind, text: string, turn?: number) => void
  ) {
    ws.on('message', (data, isBinary) => this.message(payloadOf(data, isBinary)))
    ws.on('close', (code, reason) => this.end(`closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`))
    ws.on('error', (e) => this.end(`dropped: ${e.message}`))
    this.play(script.turns[0], new Map())
  }

  private message(data: Payload): void {
    const n = ++this.received
    const turns = this.script.turns
    if (this.opts.match === 'order') {
      if (n >= turns.length) {
        this.log(
          this.n,
          'unmatched',
          `message ${n} ${preview(data)}: the recording has only ${turns.length - 1} client message(s); nothing sent`
        )
        return
      }
      const c = compareMessages(turns[n].client!, data)
      if (c.equal) this.log(this.n, 'matched', `message ${n} matched recorded client message ${n}: ${preview(data)}`, n)
      else
        this.log(
          this.n,
          'differs',
          `message ${n} differs from recorded client message ${n} (${c.why}); answered as recorded: ${preview(data)}`,
          n
        )
      this.play(turns[n], c.carry)
      return
    }
    for (let i = 1; i < turns.length; i++) {
      if (this.used.has(i)) continue
      const c = compareMessages(turns[i].client!, data)
      if (!c.equal) continue
      this.used.add(i)
      this.log(this.n, 'matched', `message ${n} matched recorded client message ${i}: ${preview(data)}`, i)
      this.play(turns[i], c.carry)
      return
    }
    this.log(this.n, 'unmatched', `message ${n} matched no recorded client message left; nothing sent: ${preview(data)}`)
  }

  /** Queues a turn's actions behind the ones still playing, so replies keep the recorded order. */
  private play(turn: MockTurn, carry: Carry): void {
    for (const action of turn.actions) {
      this.queue = this.queue.then(async () => {
        if (this.over()) return
        if (this.opts.timing === 'original' && action.gapMs > 0) await this.sleep(action.gapMs)
        if (this.over()) return
        if (action.type === 'send') {
          const data = carryOver(action.data, carry)
          this.ws.send(data, { binary: typeof data !== 'string' })
          this.log(this.n, 'sent', `sent ${preview(data)}`)
        } else if (action.type === 'close') {
          this.log(this.n, 'sent', `closing with ${action.code}${action.reason ? ` ${action.reason}` : ''}, as the recording does`)
          if (sendable(action.code)) this.ws.close(action.code, action.reason)
          else this.ws.close()
        } else {
          this.log(this.n, 'sent', 'dropping the connection without a close frame, as the recording does')
          this.ws.terminate()
        }
      })
    }
  }

  /**
   * The conversation cannot go on: the client left, or the socket is closing (a recorded close or drop played, or the
   * client's close frame came) before its close event. `ws` drops a send on a socket that is not open without a word
   * (RFC 6455 §5.5.1: no data after a Close), so the log must not say it sent one.
   */
  private over(): boolean {
    return this.ended || this.ws.readyState !== this.ws.OPEN
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => (this.timers.delete(t), resolve()), ms)
      this.timers.add(t)
    })
  }

  end(why: string): void {
    if (this.ended) return
    this.ended = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.log(this.n, 'disconnected', why)
  }
}

function payloadOf(data: RawData, isBinary: boolean): Payload {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
  return isBinary ? new Uint8Array(buf) : buf.toString('utf8')
}

/** Starts a mock of a recording (its events, or the path of an NDJSON, .sockrec or HAR file). */
export async function startMock(source: SockEvent[] | string, opts: MockOptions = {}): Promise<MockServer> {
  const read = typeof source === 'string' ? await readRecordingEvents(source, opts.entry) : { events: source, notes: [] }
  const script = scriptOf(read.events, typeof source === 'string' ? source : 'events')
  script.notes.unshift(...read.notes)
  const settings = { timing: opts.timing ?? 'original', match: opts.match ?? 'order' } as const
  const log: MockLogEntry[] = []
  const record = (client: number, kind: MockLogKind, text: string, turn?: number): void => {
    const entry: MockLogEntry = { ts: Date.now(), client, kind, text, ...(turn !== undefined ? { turn } : {}) }
    log.push(entry)
    if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT)
    opts.onLog?.(entry)
  }

  const server: Server = createServer((_req, res) => {
    res
      .writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' })
      .end('This is a Sockscope mock: connect with a WebSocket client.\n')
  })
  const sockets = new Set<Socket>()
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  // Made once listening: `ws` re-emits the server's errors, and a refused listen (port in use) must reach the caller.
  const wss = new WebSocketServer({
    server,
    // The subprotocol the recorded server picked, when the client offers it; else the client's first (a client that
    // offers some refuses an answer that picks none).
    handleProtocols: (offered) => (offered.has(script.subprotocol) ? script.subprotocol : ([...offered][0] ?? false))
  })
  const clients = new Set<MockClient>()
  let count = 0
  wss.on('connection', (ws, req) => {
    const n = ++count
    record(
      n,
      'connected',
      `connected from ${req.socket.remoteAddress ?? '?'} to ${req.url ?? '/'}${ws.protocol ? ` (subprotocol ${ws.protocol})` : ''}`
    )
    const client = new MockClient(n, ws, script, settings, record)
    clients.add(client)
    ws.on('close', () => clients.delete(client))
  })

  wss.on('error', () => undefined) // `ws` passes on the server's errors; once listening they belong to single sockets
  const port = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `ws://${shownHost}:${port}`,
    port,
    script,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end('the mock stopped')
        for (const ws of wss.clients) ws.terminate()
        for (const s of sockets) s.destroy()
        wss.close()
        server.close(() => resolve())
      })
  }
}
