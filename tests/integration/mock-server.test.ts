/**
 * The mock server (src/scenario/mock.ts) against a recording made here: a real session with the engine against a
 * scripted server on 127.0.0.1, written by the store's recording writer (.sockrec), then also as HAR and as NDJSON
 * lines. Clients are real `ws` clients. Both match modes, both timings, closes, carried-over ids and bad files. The
 * matching rule's properties are in tests/unit/mockMatch.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { WebSocket } from 'ws'
import { ConnectionManager } from '../../src/main/core/index'
import { RecordingStore } from '../../src/main/store/recordings'
import { eventsToHar } from '../../src/main/store/har'
import { eventToWire } from '../../src/shared/wire'
import type { SockEvent } from '../../src/shared/events'
import { startMock, type MockServer } from '../../src/scenario/mock'
import { ScenarioInputError } from '../../src/scenario/types'
import { startWsServer } from '../helpers/servers'

/** The original server's gap between its answer to a subscription and the first tick. */
const TICK_GAP_MS = 250

let dir: string
let recordingPath: string
let events: SockEvent[]

/** A conversation as the original server had it: welcome on connect, sub → ok + tick later, ping → pong, bye → close 4000. */
async function recordSession(): Promise<void> {
  const server = await startWsServer({
    onConnection: (ws) => {
      ws.send(JSON.stringify({ type: 'welcome', at: new Date().toISOString(), session: randomUUID() }))
      ws.on('message', (raw) => {
        const text = raw.toString()
        if (text === 'ping') return void ws.send('pong')
        const m = JSON.parse(text) as { op: string; id?: number; topic?: string }
        if (m.op === 'sub') {
          ws.send(JSON.stringify({ id: m.id, ok: true, count: 1 }))
          setTimeout(() => ws.send(JSON.stringify({ type: 'tick', topic: m.topic, n: 1, ts: Date.now() })), TICK_GAP_MS)
        }
        if (m.op === 'bye') ws.close(4000, 'bye now')
      })
    }
  })
  const store = new RecordingStore(join(dir, 'recordings'))
  const seen: SockEvent[] = []
  const waiters: Array<() => void> = []
  const manager = new ConnectionManager((e) => {
    seen.push(e)
    store.recordOne(e)
    for (const w of [...waiters]) w()
  })
  const until = (pred: (e: SockEvent) => boolean) =>
    new Promise<void>((resolve) => {
      const check = (): void => void (seen.some(pred) && (waiters.splice(waiters.indexOf(check), 1), resolve()))
      waiters.push(check)
      check()
    })
  const incoming = (text: string) => (e: SockEvent) =>
    e.type === 'message' && e.dir === 'in' && typeof e.data === 'string' && e.data.includes(text)
  let recordingId = ''
  const { id } = manager.open({ url: server.url }, (cid) => (recordingId = store.start(cid, server.url)))
  await until(incoming('welcome'))
  await manager.send(id, { kind: 'text', data: JSON.stringify({ op: 'sub', id: 1, topic: 'prices' }) })
  await until(incoming('tick'))
  await manager.send(id, { kind: 'text', data: 'ping' })
  await until(incoming('pong'))
  await manager.send(id, { kind: 'text', data: JSON.stringify({ op: 'bye' }) })
  await until((e) => e.type === 'state' && e.state === 'closed')
  await store.end(id)
  manager.dispose()
  await server.close()
  recordingPath = join(dir, 'recordings', recordingId)
  events = seen
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sockscope-mock-'))
  await recordSession()
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

interface Client {
  ws: WebSocket
  received: Array<{ data: string; at: number }>
  next(): Promise<{ data: string; at: number }>
  closed: Promise<{ code: number; reason: string }>
}

async function connect(url: string, protocols?: string[]): Promise<Client> {
  const ws = new WebSocket(url, protocols)
  const received: Client['received'] = []
  const waiting: Array<(m: { data: string; at: number }) => void> = []
  let read = 0
  ws.on('message', (d) => {
    received.push({ data: d.toString(), at: performance.now() })
    while (waiting.length && read < received.length) waiting.shift()!(received[read++])
  })
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => r({ code, reason: reason.toString() }))
  )
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)))
  return {
    ws,
    received,
    closed,
    next: () =>
      read < received.length
        ? Promise.resolve(received[read++])
        : new Promise((resolve, reject) => {
            const t = setTimeout(() => reject(new Error(`no message; got ${received.map((m) => m.data).join(' | ')}`)), 3000)
            waiting.push((m) => (clearTimeout(t), resolve(m)))
          })
  }
}

const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('mock server from a recording made by the engine', () => {
  let fast: MockServer

  beforeAll(async () => {
    fast = await startMock(recordingPath, { timing: 'fast' })
  })
  afterAll(() => fast?.close())

  it('listens on 127.0.0.1 and reads the recorded conversation', () => {
    expect(fast.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)
    expect(fast.script.turns.map((t) => t.client)).toEqual([null, '{"op":"sub","id":1,"topic":"prices"}', 'ping', '{"op":"bye"}'])
  })

  it('order, fast: sends the greeting on connect, answers each message at once with the client ids carried over, closes as the server did', async () => {
    const c = await connect(fast.url)
    const welcome = await c.next()
    const recordedWelcome = events.find((e) => e.type === 'message' && e.dir === 'in')!
    expect(welcome.data).toBe((recordedWelcome as { data: string }).data)
    c.ws.send(JSON.stringify({ op: 'sub', id: 7, topic: 'prices' }))
    const ok = await c.next()
    const tick = await c.next()
    expect(JSON.parse(ok.data)).toEqual({ id: 7, ok: true, count: 1 })
    expect(JSON.parse(tick.data)).toMatchObject({ type: 'tick', topic: 'prices', n: 1 })
    expect(tick.at - ok.at).toBeLessThan(TICK_GAP_MS / 2)
    c.ws.send('ping')
    expect((await c.next()).data).toBe('pong')
    c.ws.send('{"op":"bye"}')
    expect(await c.closed).toEqual({ code: 4000, reason: 'bye now' })
    const mine = fast.log.filter((e) => e.client === fast.log.find((x) => x.kind === 'connected')!.client)
    expect(mine.filter((e) => e.kind === 'matched').map((e) => e.turn)).toEqual([1, 2, 3])
  })

  it('order: a message that differs is answered as recorded, and the log says where it differs', async () => {
    const c = await connect(fast.url)
    await c.next()
    c.ws.send(JSON.stringify({ op: 'sub', id: 9, topic: 'weather' }))
    expect(JSON.parse((await c.next()).data)).toEqual({ id: 9, ok: true, count: 1 })
    const differs = fast.log.find((e) => e.kind === 'differs')
    expect(differs?.text).toContain('at $.topic: the recording has "prices", the client sent "weather"')
    c.ws.close()
  })

  it('original timing keeps the recorded gap between replies', async () => {
    const slow = await startMock(recordingPath, { timing: 'original' })
    try {
      const c = await connect(slow.url)
      await c.next()
      c.ws.send(JSON.stringify({ op: 'sub', id: 2, topic: 'prices' }))
      const ok = await c.next()
      const tick = await c.next()
      expect(tick.at - ok.at).toBeGreaterThanOrEqual(TICK_GAP_MS - 60)
      c.ws.close()
    } finally {
      await slow.close()
    }
  })

  it('content: answers messages in any order by what they say; one that matches nothing is logged and gets nothing', async () => {
    const byContent = await startMock(recordingPath, { timing: 'fast', match: 'content' })
    try {
      const c = await connect(byContent.url)
      await c.next()
      c.ws.send('ping')
      expect((await c.next()).data).toBe('pong')
      c.ws.send(JSON.stringify({ op: 'unsubscribe', id: 3 }))
      c.ws.send(JSON.stringify({ op: 'sub', id: 3, topic: 'prices' }))
      expect(JSON.parse((await c.next()).data)).toEqual({ id: 3, ok: true, count: 1 })
      expect(JSON.parse((await c.next()).data)).toMatchObject({ type: 'tick' })
      c.ws.send('ping') // used once already: nothing left to match
      await quiet(150)
      expect(c.received).toHaveLength(4)
      const unmatched = byContent.log.filter((e) => e.kind === 'unmatched').map((e) => e.text)
      expect(unmatched).toEqual([expect.stringContaining('"op":"unsubscribe"'), expect.stringContaining('ping')])
      c.ws.close()
    } finally {
      await byContent.close()
    }
  })
})

describe('mock server from other recording formats', () => {
  it('serves a HAR (Chrome _webSocketMessages) and picks the recorded subprotocol when offered', async () => {
    const har = eventsToHar('ws://example.test/', events, '0.0.0')
    har.log.entries[0].response.headers.push({ name: 'Sec-WebSocket-Protocol', value: 'v2.feed' })
    const path = join(dir, 'session.har')
    writeFileSync(path, JSON.stringify(har))
    const mock = await startMock(path, { timing: 'fast' })
    try {
      const c = await connect(mock.url, ['v1.feed', 'v2.feed'])
      expect(c.ws.protocol).toBe('v2.feed')
      expect(JSON.parse((await c.next()).data)).toMatchObject({ type: 'welcome' })
      c.ws.send(JSON.stringify({ op: 'sub', id: 5, topic: 'prices' }))
      expect(JSON.parse((await c.next()).data)).toEqual({ id: 5, ok: true, count: 1 })
      c.ws.close()
    } finally {
      await mock.close()
    }
  })

  it('serves NDJSON lines written by hand, binary included, and drops the link where the recording did', async () => {
    const base = { id: 'c1', ts: 1_700_000_000_000 }
    const lines = [
      { type: 'sockscope-recording', version: 1, url: 'ws://x/', startedAt: new Date().toISOString(), connectionId: 'c1' },
      {
        ...base,
        seq: 1,
        type: 'handshake',
        url: 'ws://x/',
        requestHeaders: [],
        status: 101,
        statusText: 'Switching Protocols',
        responseHeaders: [],
        protocol: 'bin.v1',
        extensions: '',
        redirects: [],
        timings: { upgradeMs: 1 }
      },
      { ...base, seq: 2, type: 'message', dir: 'out', kind: 'binary', size: 2, data: { $b: 'AAE=' } },
      { ...base, seq: 3, ts: base.ts + 5, type: 'message', dir: 'in', kind: 'binary', size: 3, data: { $b: 'AQID' } },
      {
        ...base,
        seq: 4,
        ts: base.ts + 6,
        type: 'close',
        code: 1006,
        reason: '',
        meaning: 'Abnormal closure',
        initiator: 'abnormal',
        clean: false
      }
    ]
    const path = join(dir, 'hand.ndjson')
    writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    const mock = await startMock(path, { timing: 'fast' })
    try {
      const c = await connect(mock.url, ['bin.v1'])
      expect(c.ws.protocol).toBe('bin.v1')
      const got = new Promise<Buffer>((r) => c.ws.once('message', (d: Buffer) => r(d)))
      c.ws.send(Buffer.from([0, 1]))
      expect([...(await got)]).toEqual([1, 2, 3])
      expect((await c.closed).code).toBe(1006)
    } finally {
      await mock.close()
    }
  })

  it('takes events in memory (as the app will), NDJSON wire lines included', async () => {
    const wire = events.map((e) => JSON.parse(JSON.stringify(eventToWire(e))) as SockEvent)
    const mock = await startMock(wire, { timing: 'fast' })
    try {
      const c = await connect(mock.url)
      expect(JSON.parse((await c.next()).data)).toMatchObject({ type: 'welcome' })
      c.ws.close()
    } finally {
      await mock.close()
    }
  })

  it('refuses a file that is not a recording, naming the file and what it is not', async () => {
    const path = join(dir, 'notes.txt')
    writeFileSync(path, 'just some notes\n')
    await expect(startMock(path)).rejects.toThrow(ScenarioInputError)
    await expect(startMock(path)).rejects.toThrow(`${path}: is not a recording: neither Sockscope NDJSON, a .sockrec file nor HAR`)
    await expect(startMock(join(dir, 'missing.ndjson'))).rejects.toThrow(/missing\.ndjson: cannot read the recording \(ENOENT\)/)
  })
})
