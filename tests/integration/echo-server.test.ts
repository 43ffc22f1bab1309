/**
 * Issue 15, first run: the app's own echo server. It listens on 127.0.0.1 only, echoes text and binary as they
 * came, answers pings, is started once however often it is asked for, and is gone when the service shuts down.
 */
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { newTestService, type TestService } from '../helpers/service'

let svc: TestService | null = null
afterEach(async () => {
  await svc?.dispose()
  svc = null
})

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['chat.v2', 'other'])
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}
const next = (ws: WebSocket): Promise<{ data: Buffer; binary: boolean }> =>
  new Promise((r) => ws.once('message', (data: Buffer, binary: boolean) => r({ data, binary })))

describe('the first-run echo server', () => {
  it('echoes text and binary, answers pings and takes the first subprotocol offered, on 127.0.0.1', async () => {
    svc = newTestService()
    const session = svc.service.openSession('w', () => undefined)
    const { url } = (await svc.service.call(session, 'echoServerStart', [])) as { url: string }
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/echo$/)
    // Asked again (another window, a second click): the same server.
    expect(await svc.service.call(session, 'echoServerStart', [])).toEqual({ url })
    const ws = await open(url)
    expect(ws.protocol).toBe('chat.v2')
    let reply = next(ws)
    ws.send('héllo')
    expect(await reply).toEqual({ data: Buffer.from('héllo'), binary: false })
    reply = next(ws)
    ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]))
    expect(await reply).toEqual({ data: Buffer.from([0xde, 0xad, 0xbe, 0xef]), binary: true })
    const pong = new Promise<Buffer>((r) => ws.once('pong', r))
    ws.ping('are you there')
    expect((await pong).toString()).toBe('are you there')
    ws.close()
  })

  it('stops with the app: after shutdown its port refuses connections', async () => {
    svc = newTestService()
    const session = svc.service.openSession('w', () => undefined)
    const { url } = (await svc.service.call(session, 'echoServerStart', [])) as { url: string }
    const client = await open(url)
    const dropped = new Promise((r) => client.once('close', r))
    expect(await svc.service.shutdown()).toBe('done')
    await dropped
    await expect(open(url)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('keeps an error of its server after the start from reaching the process', async () => {
    svc = newTestService()
    const session = svc.service.openSession('w', () => undefined)
    await svc.service.call(session, 'echoServerStart', [])
    const echo = (svc.service as unknown as { echo: { server: import('ws').WebSocketServer } }).echo
    // An unhandled 'error' event throws: with no listener left, these lines would throw here (a start-only 'once'
    // listener takes the first error and leaves the second unhandled).
    for (let i = 0; i < 2; i++) expect(() => echo.server.emit('error', new Error('EMFILE: too many open files'))).not.toThrow()
  })
})
