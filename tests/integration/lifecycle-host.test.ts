/**
 * Regression tests for the lifecycle defects of issue 10 in sessions and the browser-mode bridge (defects 4, 5,
 * 6 and 7). Real host, real bridge sockets, real servers on loopback. Each failed on the code before its fix.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import { startWsServer } from '../helpers/servers'
import { openPage, startTestHost, type TestPage } from '../helpers/bridgePage'
import { newTestService } from '../helpers/service'
import { sleepReal, until } from '../helpers/time'
import type { SockEvent } from '../../src/shared/events'
import type { SyncState } from '../../src/shared/api'
import type { RecordingInfo } from '../../src/shared/storeTypes'

const cleanups: Array<() => Promise<unknown> | void> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function setup(graceMs = 150) {
  const echo = await startWsServer()
  cleanups.push(echo.close)
  const host = await startTestHost({ reattachGraceMs: graceMs })
  cleanups.push(host.close)
  const page = async (): Promise<TestPage> => {
    const p = await openPage(host)
    cleanups.push(p.close)
    return p
  }
  /** A page with a session and one open connection to the echo server. */
  const connected = async (): Promise<{ a: TestPage; session: string; id: string }> => {
    const a = await page()
    const { session } = await a.hello()
    const { id } = await a.call<{ id: string }>('connect', { url: echo.url })
    await until(() => a.events.some(isOpen(id)), 'open')
    return { a, session, id }
  }
  return { echo, host, page, connected }
}

const isOpen = (id: string) => (e: SockEvent) => e.id === id && e.type === 'state' && e.state === 'open'
const echoed = (id: string, text: string) => (e: SockEvent) => e.id === id && e.type === 'message' && e.dir === 'in' && e.data === text

describe('issue 10 defects in sessions and the bridge', () => {
  it('defect 4: a duplicated tab gets its own session; the first keeps its events and its connections', async () => {
    const { page, connected } = await setup()
    const { a, session, id } = await connected()
    // A duplicated tab copies sessionStorage, so it names the same session.
    const b = await page()
    const answer = await b.hello(session)
    expect(answer.session).not.toBe(session)
    expect(answer.resumed).toBe(false)
    await a.call('send', id, { kind: 'text', data: 'still mine' })
    // Before the fix the copy took the session over: the first tab stopped receiving.
    await until(() => a.events.some(echoed(id, 'still mine')), 'the echo in the first tab')
    expect(b.events.filter((e) => e.id === id)).toEqual([])
    await expect(b.call('send', id, { kind: 'text', data: 'x' })).rejects.toThrow(/does not belong/)
    // Before the fix, closing the copy closed the session's connections after the grace period.
    await b.close()
    await sleepReal(400)
    const list = await a.call<Array<{ id: string; state: string }>>('list')
    expect(list).toEqual([expect.objectContaining({ id, state: 'open' })])
  })

  it('defect 4: an explicit take-over moves the session and tells the first page, whose close then detaches nothing', async () => {
    const { page, connected } = await setup()
    const { a, session, id } = await connected()
    const b = await page()
    expect(await b.hello(session, true)).toEqual({ session, resumed: true })
    await until(() => a.frames.some((f) => f.t === 'taken') && a.closed !== null, 'the first page told and closed')
    expect(a.closed!.code).toBe(4001)
    await sleepReal(400) // past the grace period: the first page's close must not have detached the new owner
    await b.call('send', id, { kind: 'text', data: 'moved' })
    await until(() => b.events.some(echoed(id, 'moved')), 'the echo in the new owner')
  })

  it('defect 4: a reloaded page (its old socket gone) resumes its session', async () => {
    const { page, connected } = await setup(5000)
    const { a, session, id } = await connected()
    a.ws.terminate() // no close handshake, as with a crashed tab
    const b = await page()
    expect(await b.hello(session)).toEqual({ session, resumed: true })
    expect(await b.call('list')).toEqual([expect.objectContaining({ id, state: 'open' })])
  })

  it('defect 4: a page whose old socket still looks open but no longer answers is taken to be gone (reload race)', async () => {
    const { host, page, connected } = await setup(5000)
    const { a, session, id } = await connected()
    // The old page is unloading: its socket is open at the TCP level but reads nothing any more (no pong).
    ;(a.ws as unknown as { _socket: { pause(): void } })._socket.pause()
    const b = await page()
    expect(await b.hello(session)).toEqual({ session, resumed: true })
    await b.call('send', id, { kind: 'text', data: 'after reload' })
    await until(() => b.events.some(echoed(id, 'after reload')), 'the echo in the reloaded page')
    expect(host.service.sessionCount).toBe(1)
    a.ws.terminate()
  })

  it('defect 4: repeated hellos never leak sessions', async () => {
    const { host, page } = await setup(50)
    const base = host.service.sessionCount
    const a = await page()
    const first = await a.hello()
    for (let i = 0; i < 1000; i++) a.raw(JSON.stringify({ t: 'hello' }))
    await until(() => a.frames.filter((f) => f.t === 'welcome').length === 1001, '1,001 welcomes')
    expect(new Set(a.frames.filter((f) => f.t === 'welcome').map((f) => (f as { session: string }).session))).toEqual(
      new Set([first.session])
    )
    // Before the fix each hello opened a session that was never closed (100k hellos kept +116 MB).
    expect(host.service.sessionCount).toBe(base + 1)
    for (let i = 0; i < 30; i++) {
      const p = await openPage(host)
      await p.hello()
      await p.close()
    }
    await a.close()
    await until(() => host.service.sessionCount === base, 'every page session closed')
  })

  it('defect 4: one tab cannot read another tab’s large payloads or its live recording', async () => {
    const big = 'p'.repeat(300 * 1024)
    const server = await startWsServer({ onConnection: (ws: WebSocket) => ws.send(big) })
    cleanups.push(server.close)
    const { page } = await setup()
    const a = await page()
    await a.hello()
    const { id } = await a.call<{ id: string }>('connect', { url: server.url })
    await until(() => a.events.some((e) => e.id === id && e.type === 'message' && !!e.ref), 'a preview with a reference')
    const ref = (a.events.find((e) => e.id === id && e.type === 'message') as { ref: string }).ref
    expect(await a.call<string>('fetchPayload', ref)).toBe(big)
    const live = (await a.call<RecordingInfo[]>('recordingsList')).find((r) => r.active)!
    expect((await a.call<{ events: SockEvent[] }>('recordingRead', live.id)).events.length).toBeGreaterThan(0)

    const b = await page()
    await b.hello()
    await expect(b.call('fetchPayload', ref)).rejects.toThrow(/does not belong to this window/)
    await expect(b.call('recordingRead', live.id)).rejects.toThrow(/another window/)
    await expect(b.call('recordingExport', live.id, 'ndjson')).rejects.toThrow(/another window/)
  })

  it('defect 6: the caller chooses the connection id, so events that arrive before the reply are routed', async () => {
    const { echo, page } = await setup()
    const a = await page()
    await a.hello()
    const id = randomUUID()
    expect(await a.call('connect', { url: echo.url }, id)).toEqual({ id })
    await until(() => a.events.some(isOpen(id)), 'open under the chosen id')
    expect(a.events.filter((e) => e.id === id)[0]).toMatchObject({ seq: 1, type: 'state', state: 'connecting' })
    await expect(a.call('connect', { url: echo.url }, id)).rejects.toThrow(/already in use/)
    await expect(a.call('connect', { url: echo.url }, 'not-a-uuid')).rejects.toThrow(/UUID/)
  })

  it('defect 7: frames that are not calls (null, numbers, arrays, half calls, garbage) are answered and logged; the host keeps serving', async () => {
    const rejections: unknown[] = []
    const onRejection = (r: unknown): void => void rejections.push(r)
    process.on('unhandledRejection', onRejection)
    cleanups.push(() => void process.off('unhandledRejection', onRejection))
    const { host, page } = await setup()
    const a = await page()
    const bad = [
      'null',
      '42',
      '[]',
      '"x"',
      'true',
      '{}',
      '{"t":"call"}',
      '{"t":"call","n":5}',
      '{"t":"nope"}',
      'not json',
      '{"t":"hello","session":7}'
    ]
    for (const text of bad) a.raw(text)
    await until(() => a.frames.filter((f) => f.t === 'bad' || f.t === 'ret').length === bad.length, 'an answer to every bad frame')
    expect(a.frames.find((f) => f.t === 'ret')).toMatchObject({
      t: 'ret',
      n: 5,
      ok: false,
      e: { message: expect.stringMatching(/^Bad request/) }
    })
    expect(host.logs.filter((l) => l.includes('refused a bridge frame'))).toHaveLength(bad.length)
    await a.hello()
    expect(await a.call('appInfo')).toMatchObject({ mode: 'browser' })
    await sleepReal(20)
    // Before the fix `null` threw in the async handler: an unhandled rejection that ends the host.
    expect(rejections).toEqual([])
  })

  it('defect 5: a page that comes back re-syncs by seq: nothing twice, nothing silently missing', async () => {
    const server = await startWsServer({
      onConnection: (ws: WebSocket) => {
        ws.on('message', (d) => {
          const n = Number(d.toString())
          for (let i = 0; i < n; i++) ws.send(`m${i}`)
        })
      }
    })
    cleanups.push(server.close)
    const t = newTestService()
    cleanups.push(t.dispose)
    const seen: SockEvent[] = []
    const session = t.service.openSession('page', (b) => seen.push(...b))
    const { id } = (await t.service.call(session, 'connect', [{ url: server.url }])) as { id: string }
    await until(() => seen.some(isOpen(id)), 'open')
    await t.service.call(session, 'send', [id, { kind: 'text', data: '10' }])
    await until(() => seen.filter((e) => e.type === 'message' && e.dir === 'in').length === 10, '10 messages')
    const last = seen.at(-1)!.seq
    session.detach() // the bridge dropped
    await t.service.call(session, 'send', [id, { kind: 'text', data: '3000' }]) // more than the ring holds
    await until(() => t.service.manager.list()[0].lastSeq >= last + 3001, '3,000 more events')
    const later: SockEvent[] = []
    session.attach((b) => later.push(...b))
    const synced = (await t.service.call(session, 'sync', [{ [id]: last }])) as SyncState
    const firstHeld = synced.events[0].seq
    expect(firstHeld).toBeGreaterThan(last + 1)
    expect(synced.missed[id]).toBe(firstHeld - last - 1)
    // Every event after what the page saw is either returned or counted as missed: no silent gap, no repeat.
    const seqs = synced.events.map((e) => e.seq)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => firstHeld + i))
    expect(seqs.at(-1)).toBe(synced.connections[0].lastSeq)
    // A page that knew nothing gets every held event and the count of older ones.
    const fresh = (await t.service.call(session, 'sync', [])) as SyncState
    expect(fresh.missed[id]).toBe(fresh.events[0].seq - 1)
  })
})
