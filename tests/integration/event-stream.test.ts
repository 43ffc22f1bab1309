/**
 * Browser mode's event stream (src/main/web/eventStream.ts): a page that asks for it gets its event batches over
 * a fetch-read HTTP response, in order after the socket's `streamed`; only the page's own socket can attach it; a
 * stream lost after use makes the page re-attach and re-sync. Real host, real loopback server, real HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { SockEvent } from '../../src/shared/events'
import { eventsFromBinaryFrame, eventsFromWire, type ServerFrame } from '../../src/shared/wire'
import { FrameReader } from '../../src/shared/streamFrames'
import { STREAM_LOST } from '../../src/main/web/eventStream'
import { openPage, startTestHost, type TestPage } from '../helpers/bridgePage'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { until } from '../helpers/time'

type Host = Awaited<ReturnType<typeof startTestHost>>
let host: Host | null = null
let server: RunningWs | null = null
const aborts: AbortController[] = []

afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort()
  await host?.close()
  await server?.close()
  host = null
  server = null
})

/** A page whose hello asks for the stream; resolves with its welcome. */
async function streamingPage(h: Host, session?: string): Promise<{ page: TestPage; welcome: Extract<ServerFrame, { t: 'welcome' }> }> {
  const page = await openPage(h)
  page.raw(JSON.stringify({ t: 'hello', stream: true, ...(session ? { session } : {}) }))
  await until(() => page.frames.some((f) => f.t === 'welcome'), 'welcome')
  return { page, welcome: page.frames.find((f) => f.t === 'welcome') as Extract<ServerFrame, { t: 'welcome' }> }
}

/** A binary batch as the page sees it, text that came as bytes decoded (the log does so when it shows a row). */
const pageEvents = (frame: Uint8Array): SockEvent[] =>
  eventsFromBinaryFrame(frame).map((e) =>
    e.type === 'message' && e.kind === 'text' && typeof e.data !== 'string' ? { ...e, data: new TextDecoder().decode(e.data) } : e
  )

const streamUrl = (h: Host, id: string, token = h.token): string => `http://127.0.0.1:${h.port}/bridge/events?token=${token}&stream=${id}`

/** Reads the stream as the page does, collecting its events. */
async function readStream(
  h: Host,
  id: string
): Promise<{ events: SockEvent[]; answers: ServerFrame[]; abort: AbortController; ended: Promise<void> }> {
  const abort = new AbortController()
  aborts.push(abort)
  const res = await fetch(streamUrl(h, id), { signal: abort.signal, headers: { 'sec-fetch-site': 'same-origin' } })
  expect(res.status).toBe(200)
  const events: SockEvent[] = []
  const answers: ServerFrame[] = []
  const frames = new FrameReader((frame) => {
    if (typeof frame !== 'string') {
      events.push(...pageEvents(frame))
      return
    }
    const f = JSON.parse(frame) as ServerFrame
    if (f.t === 'ev') events.push(...eventsFromWire(f.b))
    else answers.push(f)
  })
  const ended = (async () => {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) frames.push(chunk)
  })().catch(() => undefined)
  return { events, answers, abort, ended }
}

/** An echo server, a host, and a page whose stream is attached and read. */
async function streamingWithEcho(): Promise<{
  page: TestPage
  welcome: Extract<ServerFrame, { t: 'welcome' }>
  stream: Awaited<ReturnType<typeof readStream>>
  h: Host
  echo: RunningWs
}> {
  const echo = (server = await startWsServer())
  const h = (host = await startTestHost())
  const { page, welcome } = await streamingPage(h)
  const stream = await readStream(h, welcome.stream!)
  await until(() => page.frames.some((f) => f.t === 'streamed'), 'streamed')
  return { page, welcome, stream, h, echo }
}

describe('browser mode: the event stream', () => {
  it('carries every event batch in seq order once attached, and the socket none after `streamed`', async () => {
    const N = 3000
    server = await startWsServer({
      onConnection: (ws) => ws.on('message', () => Array.from({ length: N }, (_, i) => ws.send(`m${i} ${'é'.repeat(i % 50)}`)))
    })
    host = await startTestHost()
    const { page, welcome } = await streamingPage(host)
    expect(welcome.stream).toMatch(/^[0-9a-f]{32}$/)
    const stream = await readStream(host, welcome.stream!)
    await until(() => page.frames.some((f) => f.t === 'streamed'), 'streamed on the socket')
    const { id } = await page.call<{ id: string }>('connect', { url: server.url })
    await until(() => stream.events.some((e) => e.id === id && e.type === 'state' && e.state === 'open'), 'open, on the stream')
    await page.call('send', id, { kind: 'text', data: 'go' })
    const incoming = (): SockEvent[] => stream.events.filter((e) => e.type === 'message' && e.dir === 'in')
    await until(() => incoming().length === N, `${N} messages on the stream`)
    expect(incoming().map((e) => (e as { data: string }).data)).toEqual(Array.from({ length: N }, (_, i) => `m${i} ${'é'.repeat(i % 50)}`))
    const seqs = stream.events.map((e) => e.seq)
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1])).toBe(true)
    const afterStreamed = page.frames.slice(page.frames.findIndex((f) => f.t === 'streamed'))
    expect(afterStreamed.filter((f) => f.t === 'ev')).toEqual([])
    expect(page.events).toEqual([]) // nothing on the socket: the stream was attached before the connection existed
    // A big answer (here the recording, over 64 KiB) comes down the stream too; a small one stays on the socket.
    const [rec] = await page.call<Array<{ id: string }>>('recordingsList')
    page.raw(JSON.stringify({ t: 'call', n: 9001, m: 'recordingRead', a: [rec.id] }))
    await until(() => stream.answers.some((f) => f.t === 'ret' && f.n === 9001), 'the big answer on the stream', 10_000)
    const big = stream.answers.find((f) => f.t === 'ret' && f.n === 9001) as { ok: boolean; v: { events: unknown[] } }
    expect(big.ok).toBe(true)
    expect(big.v.events.length).toBeGreaterThan(N)
    expect(page.frames.some((f) => f.t === 'ret' && f.n === 9001)).toBe(false)
  })

  it('is refused without the token, from another site, for an unknown id, and a second time for the same id', async () => {
    host = await startTestHost()
    const { welcome } = await streamingPage(host)
    const id = welcome.stream!
    expect((await fetch(streamUrl(host, id, 'f'.repeat(32)))).status).toBe(401)
    expect((await fetch(streamUrl(host, id), { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403)
    expect((await fetch(streamUrl(host, 'a'.repeat(32)))).status).toBe(404)
    await readStream(host, id)
    expect((await fetch(streamUrl(host, id))).status).toBe(404)
    expect(host.logs.join('\n')).toMatch(/refused an event stream \(401\): wrong token/)
    expect(host.logs.join('\n')).toMatch(/refused an event stream \(403\): a cross-site request/)
  })

  it('a page that does not ask keeps its events on the socket', async () => {
    server = await startWsServer()
    host = await startTestHost()
    const page = await openPage(host)
    const w = await page.hello()
    expect(page.frames.find((f) => f.t === 'welcome')).toEqual({ t: 'welcome', session: w.session, resumed: false })
    const { id } = await page.call<{ id: string }>('connect', { url: server.url })
    await until(() => page.events.some((e) => e.id === id && e.type === 'state' && e.state === 'open'), 'open on the socket')
  })

  it('a stream lost after use closes the socket (4002); the page re-attaches its session and re-syncs', async () => {
    const { page, welcome, stream, h, echo } = await streamingWithEcho()
    const { id } = await page.call<{ id: string }>('connect', { url: echo.url })
    await until(() => stream.events.some((e) => e.id === id && e.type === 'state' && e.state === 'open'), 'open on the stream')
    stream.abort.abort()
    await until(() => page.closed !== null, 'the bridge socket closed')
    expect(page.closed).toEqual({ code: STREAM_LOST })
    const again = await streamingPage(h, welcome.session)
    expect(again.welcome).toMatchObject({ session: welcome.session, resumed: true })
    expect(again.welcome.stream).not.toBe(welcome.stream)
    expect(await again.page.call('list')).toEqual([expect.objectContaining({ id, state: 'open' })])
  })

  it('an unused stream that goes away costs nothing: events go on over the socket', async () => {
    const { page, stream, echo } = await streamingWithEcho()
    stream.abort.abort()
    await stream.ended
    const { id } = await page.call<{ id: string }>('connect', { url: echo.url })
    await until(() => page.events.some((e) => e.id === id && e.type === 'state' && e.state === 'open'), 'open on the socket')
    expect(page.closed).toBeNull()
  })

  it('an answer the host cannot send becomes an error answer, never an unhandled rejection in the host', async () => {
    const { page, h } = await streamingWithEcho()
    // A value JSON cannot carry stands for any failure while answering (a stream that broke mid-write, say).
    h.service.call = () => Promise.resolve(1n)
    await expect(page.call('list')).rejects.toThrow('The host could not send its answer; try again.')
    expect(h.logs.join('\n')).toMatch(/could not answer list: .*BigInt/)
  })

  it('a page that does not read its stream slows the server down (flow control), and then gets everything', async () => {
    const N = 1500
    const big = 'x'.repeat(64 * 1024)
    const sender: { ws: { bufferedAmount: number } | null } = { ws: null }
    server = await startWsServer({
      onConnection: (ws) => {
        sender.ws = ws
        ws.on('message', () => Array.from({ length: N }, (_, i) => ws.send(`${i} ${big}`)))
      }
    })
    host = await startTestHost()
    const { page, welcome } = await streamingPage(host)
    // Attached but not read: the host's writes pile up in the response, which is the pressure it must heed.
    const abort = new AbortController()
    aborts.push(abort)
    const res = await fetch(streamUrl(host, welcome.stream!), { signal: abort.signal })
    await until(() => page.frames.some((f) => f.t === 'streamed'), 'streamed')
    const { id } = await page.call<{ id: string }>('connect', { url: server.url })
    const state = async (): Promise<string> => (await page.call<Array<{ state: string }>>('list'))[0]?.state ?? ''
    for (let t = 0; (await state()) !== 'open' && t < 100; t++) await new Promise((r) => setTimeout(r, 50))
    await page.call('send', id, { kind: 'text', data: 'go' })
    // 96 MB were queued; the unread stream must make the host pause reading (a throttle event) before we read. A
    // paused host shows at the server as a send buffer that stops draining (a fixed wait was too short on a
    // loaded machine, where the host had not yet filled the stream).
    let last = -1
    let still = 0
    for (let t = 0; t < 300 && still < 5; t++) {
      await new Promise((r) => setTimeout(r, 100))
      const now = sender.ws?.bufferedAmount ?? 0
      still = now > 0 && now === last ? still + 1 : 0
      last = now
    }
    expect(still, 'the server kept data it could not send: the host stopped reading').toBe(5)
    const events: SockEvent[] = []
    const frames = new FrameReader((frame) => {
      if (typeof frame !== 'string') events.push(...pageEvents(frame))
    })
    void (async () => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) frames.push(chunk)
    })().catch(() => undefined)
    const incoming = (): SockEvent[] => events.filter((e) => e.type === 'message' && e.dir === 'in')
    await until(() => incoming().length === N, `${N} messages once read`, 30_000)
    expect(incoming().map((e) => Number((e as { data: string }).data.split(' ')[0]))).toEqual(Array.from({ length: N }, (_, i) => i))
    // Paused, then resumed: once, or again when this reader fell behind on a loaded machine; always in turn, ending read.
    const throttles = events.filter((e) => e.type === 'throttle').map((e) => (e as { on: boolean }).on)
    expect(throttles.length).toBeGreaterThanOrEqual(2)
    expect(throttles).toEqual(throttles.map((_, i) => i % 2 === 0))
  }, 60_000)
})
