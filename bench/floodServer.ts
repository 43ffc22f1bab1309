/**
 * The flood server, a child process so the client under test owns its own event loop. Commands arrive over
 * IPC: `{ n, size, rate? }` floods the next client to connect (or the open one) with n text messages of `size`
 * bytes, at full speed or `rate` per second, and reports `{ started, sent }` with epoch-ms times.
 */
import { WebSocketServer, type WebSocket } from 'ws'

interface Flood {
  n: number
  size: number
  rate?: number
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
let client: WebSocket | null = null
const queue: Flood[] = []
/** Bumped by `halt`: running floods stop at their next step. */
let generation = 0

const payloads = new Map<number, string>()
/** One payload per size, built once: the server must outrun the client it floods. */
function payload(size: number): string {
  let p = payloads.get(size)
  if (!p) payloads.set(size, (p = 'x'.repeat(size)))
  return p
}

function run(ws: WebSocket, f: Flood): void {
  const gen = generation
  const started = Date.now()
  process.send?.({ started })
  let i = 0
  const done = (): void => {
    process.send?.({ sent: i, finished: Date.now() })
  }
  if (!f.rate) {
    const burst = (): void => {
      if (gen !== generation || ws.readyState !== ws.OPEN) return done()
      const end = Math.min(f.n, i + 2000)
      for (; i < end; i++) ws.send(payload(f.size))
      if (i < f.n) {
        // Let the socket drain rather than queue the whole flood in memory.
        if (ws.bufferedAmount > 8 * 1024 * 1024) setTimeout(burst, 1)
        else setImmediate(burst)
      } else done()
    }
    burst()
    return
  }
  const perTick = f.rate / 100
  let due = 0
  const t = setInterval(() => {
    if (gen !== generation || ws.readyState !== ws.OPEN) {
      clearInterval(t)
      return done()
    }
    due += perTick
    while (i < f.n && due >= 1) {
      ws.send(payload(f.size))
      i++
      due--
    }
    if (i >= f.n) {
      clearInterval(t)
      done()
    }
  }, 10)
}

wss.on('connection', (ws) => {
  client = ws
  ws.on('close', () => client === ws && (client = null))
  const f = queue.shift()
  if (f) run(ws, f)
})
wss.on('listening', () => process.send?.({ port: (wss.address() as { port: number }).port }))
process.on('message', (m: Flood | { big: number } | 'stop' | 'halt') => {
  if (m === 'stop') return process.exit(0)
  if (m === 'halt') {
    generation++
    return
  }
  if ('big' in m) {
    client?.send('y'.repeat(m.big))
    process.send?.({ started: Date.now() })
    return
  }
  if (client) run(client, m)
  else queue.push(m)
})
