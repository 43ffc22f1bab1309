// Makes the recordings in examples/recordings/ (`node examples/make-recordings.mjs`): three toy servers and a Socket.IO
// one (the `socket.io` package) on 127.0.0.1 port 0, each talked to once, turn by turn, and what was said written as a
// Sockscope NDJSON recording. The servers live only here; `sockscope mock` serves what they said, and
// examples/scenarios/ test against that.
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { WebSocket, WebSocketServer } from 'ws'

/** A server on 127.0.0.1 port 0 whose connections are handled by `onMessage(ws, text)`. */
async function server(onMessage) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise((r) => wss.once('listening', r))
  wss.on('connection', (ws) => ws.on('message', (d) => onMessage(ws, String(d))))
  return { url: `ws://127.0.0.1:${wss.address().port}`, close: () => new Promise((r) => wss.close(r)) }
}

/**
 * Talks to a server turn by turn (each message waits for its `replies` answers, as a person at the composer would)
 * and writes what happened as a Sockscope NDJSON recording: the events as the app records them.
 */
async function record(name, url, turns, greeting = 0) {
  const id = randomUUID()
  let seq = 0
  const lines = []
  const event = (e) => lines.push(JSON.stringify({ ...e, id, seq: ++seq, ts: Date.now() }))
  const ws = new WebSocket(url)
  const inbox = []
  let wake = () => {}
  ws.on('message', (d) => {
    const data = String(d)
    event({ type: 'message', dir: 'in', kind: 'text', size: Buffer.byteLength(data), data })
    inbox.push(data)
    wake()
  })
  event({ type: 'state', state: 'connecting', attempt: 1 })
  // Said in the open handler itself: a server that speaks first may have its message read in the same turn.
  await new Promise((r) => ws.once('open', () => r(event({ type: 'state', state: 'open', attempt: 1 }))))
  // A server that speaks first (Engine.IO's open packet): what it says belongs before the client's first message.
  while (inbox.length < greeting) await new Promise((r) => (wake = r))
  for (const [message, replies] of turns) {
    inbox.length = 0
    ws.send(message)
    event({ type: 'message', dir: 'out', kind: 'text', size: Buffer.byteLength(message), data: message, sent: true })
    while (inbox.length < replies) await new Promise((r) => (wake = r))
  }
  ws.close(1000)
  await new Promise((r) => ws.once('close', r))
  event({ type: 'close', code: 1000, reason: '', meaning: 'Normal closure', initiator: 'local', clean: true })
  event({ type: 'state', state: 'closed', attempt: 1 })
  writeFileSync(`examples/recordings/${name}.ndjson`, `${lines.join('\n')}\n`)
  console.error(`examples/recordings/${name}.ndjson: ${lines.length} events`)
}

const echo = await server((ws, text) => ws.send(text))
await record('echo', `${echo.url}/echo`, [
  ['hello', 1],
  ['{"type":"ping","n":1}', 1]
])
await echo.close()

// An order desk: `place` gets an ack with a fresh order id and time; `confirm` of an id gets `confirmed`.
const orders = await server((ws, text) => {
  const m = JSON.parse(text)
  if (m.op === 'place') ws.send(JSON.stringify({ type: 'ack', orderId: randomUUID(), item: m.item, at: new Date().toISOString() }))
  if (m.op === 'confirm') ws.send(JSON.stringify({ type: 'confirmed', id: m.id }))
})
await record('orders', `${orders.url}/orders`, [
  ['{"op":"place","item":"tea"}', 1],
  [`{"op":"confirm","id":"${randomUUID()}"}`, 1]
])
await orders.close()

// A ticker: `subscribe` gets an ack, then three ticks 100 ms apart; `unsubscribe` gets its ack.
const ticker = await server((ws, text) => {
  const m = JSON.parse(text)
  if (m.op === 'subscribe') {
    ws.send(JSON.stringify({ type: 'subscribed', symbol: m.symbol }))
    for (let i = 1; i <= 3; i++)
      setTimeout(() => ws.send(JSON.stringify({ type: 'tick', symbol: m.symbol, price: 100 + i, ts: Date.now() })), i * 100)
  }
  if (m.op === 'unsubscribe') setTimeout(() => ws.send(JSON.stringify({ type: 'unsubscribed', symbol: m.symbol })), 450)
})
await record('ticker', `${ticker.url}/ticker`, [
  ['{"op":"subscribe","symbol":"ETH-USD"}', 4],
  ['{"op":"unsubscribe","symbol":"ETH-USD"}', 1]
])
await ticker.close()

// A Socket.IO chat (socket.io 4, WebSocket transport): namespace /chat takes a client with an auth token, says
// `welcome`; `say` is acked with a fresh message id and told to the room, the sender included. Talked to in its own
// frames (Engine.IO open, namespace CONNECT, an emit with ack id 1), as Sockscope's Socket.IO view sends them.
const http = createServer()
const io = new Server(http, { transports: ['websocket'] })
const chat = io.of('/chat')
chat.use((socket, next) => (socket.handshake.auth.token ? next() : next(new Error('no token'))))
chat.on('connection', (socket) => {
  socket.join('lobby')
  socket.emit('welcome', { room: 'lobby', at: new Date().toISOString() })
  socket.on('say', (m, ack) => {
    ack({ ok: true, messageId: randomUUID() })
    chat.to('lobby').emit('said', { from: socket.handshake.auth.token, text: m.text })
  })
})
await new Promise((r) => http.listen(0, '127.0.0.1', r))
await record(
  'chat',
  `ws://127.0.0.1:${http.address().port}/socket.io/?EIO=4&transport=websocket`,
  [
    ['40/chat,{"token":"demo"}', 2],
    ['42/chat,1["say",{"text":"hi"}]', 2]
  ],
  1
)
await new Promise((r) => io.close(r))
