/**
 * "Serve as mock…" (issue 18) through the service, as the Recordings dialog calls it: a recording the app made is
 * served back on 127.0.0.1; a client gets the recorded replies; the mock's log says what it matched, from where the
 * page last read; it stops when asked and when the app quits; bad arguments are refused in words.
 */
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { newTestService, type TestService } from '../helpers/service'
import { startWsServer, type RunningWs } from '../helpers/servers'
import type { MockLogLine } from '../../src/shared/api'
import type { RecordingInfo } from '../../src/shared/storeTypes'

let svc: TestService | null = null
let server: RunningWs | null = null
afterEach(async () => {
  await svc?.dispose()
  await server?.close()
  svc = server = null
})

const open = (url: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
const next = (ws: WebSocket): Promise<string> => new Promise((r) => ws.once('message', (d) => r(String(d))))
const until = async (check: () => Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20))
}

/** Records a session with a server that answers `hi` with `hello <n>` through the service. */
async function recorded(t: TestService): Promise<string> {
  server = await startWsServer({ onConnection: (ws) => ws.on('message', (d) => ws.send(`hello ${String(d).length}`)) })
  const session = t.service.openSession('w', () => undefined)
  const { id } = (await t.service.call(session, 'connect', [{ url: server.url }])) as { id: string }
  await until(async () => ((await t.service.call(session, 'list', [])) as Array<{ state: string }>)[0]?.state === 'open')
  await t.service.call(session, 'send', [id, { kind: 'text', data: 'hi' }])
  await new Promise((r) => setTimeout(r, 100))
  await t.service.call(session, 'close', [id, 1000])
  await until(async () => ((await t.service.call(session, 'list', [])) as Array<{ state: string }>)[0]?.state === 'closed')
  await t.recordings.endAll()
  const list = (await t.service.call(session, 'recordingsList', [])) as RecordingInfo[]
  return list[0].id
}

describe('Serve as mock…', () => {
  it("serves a recording's replies on 127.0.0.1, logs what clients did, and stops when asked", async () => {
    svc = newTestService()
    const recording = await recorded(svc)
    const session = svc.service.openSession('w2', () => undefined)
    const { id, url } = (await svc.service.call(session, 'mockStart', [recording, { timing: 'fast', match: 'content' }])) as {
      id: string
      url: string
    }
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/)
    const client = await open(url)
    const reply = next(client)
    client.send('hi')
    expect(await reply).toBe('hello 2')
    let log: { entries: MockLogLine[]; next: number; running: boolean } = { entries: [], next: 0, running: true }
    await until(async () => {
      log = (await svc!.service.call(session, 'mockLog', [id, 0])) as typeof log
      return log.entries.some((e) => e.kind === 'sent')
    })
    expect(log.entries.map((e) => e.kind)).toEqual(['connected', 'matched', 'sent'])
    // Read again from where the page got to: only what is new.
    const again = (await svc.service.call(session, 'mockLog', [id, log.next])) as typeof log
    expect(again.entries).toEqual([])
    const dropped = new Promise((r) => client.once('close', r))
    await svc.service.call(session, 'mockStop', [id])
    await dropped
    await expect(open(url)).rejects.toThrow(/ECONNREFUSED/)
    expect(((await svc.service.call(session, 'mockLog', [id, 0])) as typeof log).running).toBe(false)
  })

  it('stops with the app, and refuses a bad recording name or setting in words', async () => {
    svc = newTestService()
    const recording = await recorded(svc)
    const session = svc.service.openSession('w2', () => undefined)
    const { url } = (await svc.service.call(session, 'mockStart', [recording, { timing: 'original', match: 'order' }])) as { url: string }
    await expect(svc.service.call(session, 'mockStart', ['../profiles.json', { timing: 'fast', match: 'order' }])).rejects.toThrow(
      /must be a recording name/
    )
    await expect(svc.service.call(session, 'mockStart', [recording, { timing: 'slow', match: 'order' }])).rejects.toThrow(
      /must be original or fast/
    )
    expect(await svc.service.shutdown()).toBe('done')
    await expect(open(url)).rejects.toThrow(/ECONNREFUSED/)
  })
})
