/**
 * Issue 15, recordings a user controls: recording can be turned off per connection (on by default), and finished
 * recordings can be deleted, one or all; a live one is refused, and nothing outside the recordings folder can be named.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SockEvent } from '../../src/shared/events'
import { recordingLines } from '../helpers/recordingFile'
import { RecordingStore } from '../../src/main/store/recordings'
import { newTestService, type TestService } from '../helpers/service'
import { startWsServer, type RunningWs } from '../helpers/servers'

let svc: TestService | null = null
let server: RunningWs | null = null
afterEach(async () => {
  await svc?.dispose()
  await server?.close()
  svc = server = null
})

async function connected(t: TestService, options: Record<string, unknown>, about?: { profile: string }) {
  const events: SockEvent[] = []
  const session = t.service.openSession('w', (b) => events.push(...b))
  const { id } = (await t.service.call(session, 'connect', about ? [options, undefined, about] : [options])) as { id: string }
  for (let i = 0; i < 500 && !events.some((e) => e.type === 'handshake'); i++) await new Promise((r) => setTimeout(r, 10))
  return { session, id, events }
}
const files = (t: TestService): string[] => readdirSync(join(t.dir, 'recordings')).filter((f) => f.endsWith('.sockrec'))

describe('recordings a user controls', () => {
  it('ending all recordings waits for those already ending, so nothing is cut off by the exit that follows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockscope-ending-'))
    try {
      const store = new RecordingStore(dir)
      const id = store.start('conn-1', 'ws://127.0.0.1:1/')
      store.recordOne({ id: 'conn-1', seq: 1, ts: 1, type: 'message', dir: 'out', kind: 'text', size: 5, data: 'first' })
      void store.end('conn-1') // as removing a connection does, without waiting
      await store.endAll()
      // Before the fix endAll found no live recording and returned at once: the file was not even open yet.
      expect(recordingLines(join(dir, id)).lines.some((l) => l.includes('"data":"first"'))).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('quitting (service shutdown) resolves only once the last events of every recording are in its file', async () => {
    svc = newTestService()
    server = await startWsServer()
    const { session, id } = await connected(svc, { url: server.url })
    for (let i = 0; i < 50; i++) await svc.service.call(session, 'send', [id, { kind: 'text', data: `last words ${i}` }])
    expect(await svc.service.shutdown()).toBe('done')
    // Read at once, as the process would exit at once. Before the fix, closing the window's session ended its
    // recordings without waiting, so the shutdown found none left to wait for and the file held only its header.
    const { lines, whole } = recordingLines(join(svc.dir, 'recordings', files(svc)[0]))
    expect(whole).toBe(true)
    expect(lines.filter((l) => l.includes('"dir":"out"') && l.includes('last words')).length).toBe(50)
    // And the file says how the connection ended: the window closed it.
    expect(lines.slice(-2).map((l) => JSON.parse(l) as SockEvent)).toMatchObject([
      { type: 'close', initiator: 'local' },
      { type: 'state', state: 'closed' }
    ])
  })

  it('records by default, and writes nothing for a connection whose settings turn recording off', async () => {
    svc = newTestService()
    server = await startWsServer()
    await connected(svc, { url: server.url })
    expect(files(svc)).toHaveLength(1)
    const off = await connected(svc, { url: server.url, record: false })
    expect(off.events.some((e) => e.type === 'handshake')).toBe(true)
    expect(files(svc)).toHaveLength(1)
    expect(await svc.service.call(off.session, 'recordingsList', [])).toHaveLength(1)
  })

  it('deletes one finished recording; refuses a live one and names outside the folder; deletes all but the live', async () => {
    svc = newTestService()
    server = await startWsServer()
    const first = await connected(svc, { url: server.url })
    await svc.service.call(first.session, 'close', [first.id])
    await svc.service.call(first.session, 'remove', [first.id])
    const second = await connected(svc, { url: server.url })
    const third = await connected(svc, { url: server.url })
    await svc.service.call(third.session, 'remove', [third.id])
    await svc.recordings.settled()
    const list = (await svc.service.call(second.session, 'recordingsList', [])) as Array<{ id: string; active: boolean }>
    expect(list.map((r) => r.active).sort()).toEqual([false, false, true])
    const live = list.find((r) => r.active)!.id
    await expect(svc.service.call(second.session, 'recordingDelete', [live])).rejects.toThrow(/still being written: disconnect/)
    await expect(svc.service.call(second.session, 'recordingDelete', ['../profiles.json'])).rejects.toThrow(/must be a recording name/)
    writeFileSync(join(svc.dir, 'keep.sockrec'), 'not in the recordings folder')
    const done = list.filter((r) => !r.active).map((r) => r.id)
    await svc.service.call(second.session, 'recordingDelete', [done[0]])
    expect(files(svc)).not.toContain(done[0])
    expect(await svc.service.call(second.session, 'recordingsDeleteAll', [])).toEqual({ deleted: 1, live: 1 })
    expect(files(svc)).toEqual([live])
    expect(existsSync(join(svc.dir, 'keep.sockrec'))).toBe(true)
    const after = (await svc.service.call(second.session, 'recordingsList', [])) as Array<{ id: string }>
    expect(after.map((r) => r.id)).toEqual([live])
  })

  it('lists each recording with its message count and duration, live as written and finished as read back', async () => {
    svc = newTestService()
    server = await startWsServer({ onConnection: (ws) => ws.on('message', (d, binary) => ws.send(d, { binary })) })
    const c = await connected(svc, { url: server.url })
    for (const m of ['one', 'two', 'three']) await svc.service.call(c.session, 'send', [c.id, { kind: 'text', data: m }])
    for (let i = 0; i < 500 && c.events.filter((e) => e.type === 'message').length < 6; i++) await new Promise((r) => setTimeout(r, 10))
    type Info = { active: boolean; messages?: number; durationMs?: number }
    const [live] = (await svc.service.call(c.session, 'recordingsList', [])) as Info[]
    expect(live).toMatchObject({ active: true, messages: 6 })
    const times = c.events.map((e) => e.ts)
    expect(live.durationMs).toBe(Math.max(...times) - Math.min(...times))
    await svc.service.call(c.session, 'close', [c.id])
    await svc.service.call(c.session, 'remove', [c.id])
    await svc.recordings.settled()
    const [done] = (await svc.service.call(c.session, 'recordingsList', [])) as Info[]
    // Read back from the file: the same count, and a duration covering every recorded event (the close included).
    expect(done).toMatchObject({ active: false, messages: 6 })
    expect(done.durationMs).toBeGreaterThanOrEqual(live.durationMs!)
  })

  it("keeps the connection's settings (secrets emptied, and named) and its profile's name in the recording", async () => {
    svc = newTestService()
    server = await startWsServer()
    const canary = 'canary-5f3a9e'
    const c = await connected(
      svc,
      {
        url: server.url,
        headers: [
          { name: 'X-Team', value: 'blue' },
          { name: 'X-Api-Key', value: `${canary}-header`, secret: true }
        ],
        subprotocols: ['chat.v2'],
        auth: { type: 'bearer', token: `${canary}-token` }
      },
      { profile: 'chat production' }
    )
    await svc.service.call(c.session, 'close', [c.id])
    await svc.service.call(c.session, 'remove', [c.id])
    await svc.recordings.settled()
    const [r] = (await svc.service.call(c.session, 'recordingsList', [])) as Array<{
      options?: Record<string, unknown>
      secrets?: string[]
      profile?: string
    }>
    expect(r.profile).toBe('chat production')
    expect(r.options).toMatchObject({
      url: server.url,
      headers: [
        { name: 'X-Team', value: 'blue' },
        { name: 'X-Api-Key', value: '', secret: true }
      ],
      subprotocols: ['chat.v2'],
      auth: { type: 'bearer', token: '' }
    })
    expect(r.secrets).toEqual(['the value of header “X-Api-Key”', 'the bearer token'])
    expect(readFileSync(join(svc.dir, 'recordings', files(svc)[0])).includes(canary)).toBe(false)
  })
})
