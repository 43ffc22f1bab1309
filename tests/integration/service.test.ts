import { afterEach, describe, expect, it } from 'vitest'
import { SockscopeService } from '../../src/main/service/service'
import type { SockEvent } from '../../src/shared/events'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProfileStore } from '../../src/main/store/profileStore'
import { RecordingStore } from '../../src/main/store/recordings'
import { NO_ENCRYPTION } from '../../src/main/store/secrets'
import { until } from '../helpers/time'

function newService(): SockscopeService {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-service-'))
  return new SockscopeService({
    appInfo: { mode: 'browser', version: 't', dataDir: dir, platform: 'linux' },
    data: {
      profiles: new ProfileStore(dir, NO_ENCRYPTION, 'browser'),
      recordings: new RecordingStore(join(dir, 'recordings')),
      version: 't'
    }
  })
}

let server: RunningWs | null = null
let service: SockscopeService | null = null
afterEach(async () => {
  service?.dispose()
  await server?.close()
  server = service = null
})

describe('service: sessions own their connections', () => {
  it('routes events only to the owning session, refuses other sessions, and re-syncs recent events', async () => {
    server = await startWsServer()
    service = newService()
    const a: SockEvent[] = []
    const b: SockEvent[] = []
    const sa = service.openSession('a', (batch) => a.push(...batch))
    const sb = service.openSession('b', (batch) => b.push(...batch))
    const { id } = (await service.call(sa, 'connect', [{ url: server.url }])) as { id: string }
    await until(() => a.some((e) => e.type === 'state' && e.state === 'open'), 'open')
    await service.call(sa, 'send', [id, { kind: 'text', data: 'hi' }])
    await until(() => a.some((e) => e.type === 'message' && e.dir === 'in'), 'the echo')
    expect(b).toEqual([])
    await expect(service.call(sb, 'send', [id, { kind: 'text', data: 'x' }])).rejects.toThrow(/does not belong to this window/)
    expect(await service.call(sb, 'list', [])).toEqual([])
    const synced = (await service.call(sa, 'sync', [])) as { connections: Array<{ id: string; state: string }>; events: SockEvent[] }
    expect(synced.connections).toEqual([expect.objectContaining({ id, state: 'open' })])
    expect(synced.events.map((e) => e.seq)).toEqual(a.map((e) => e.seq))
    // A closed window closes its connections.
    service.closeSession('a')
    await until(() => server!.wss.clients.size === 0, 'the server to see the connection closed')
  })

  it('rejects unknown methods, and malformed arguments naming the field as the user sees it', async () => {
    service = newService()
    const s = service.openSession('x', () => undefined)
    await expect(service.call(s, 'eval', [])).rejects.toThrow(/Unknown method "eval"/)
    await expect(service.call(s, 'connect', [{ url: 'ws://x', headers: [{ name: 'a b', value: '' }] }])).rejects.toThrow(/^Header 1 name: /)
    await expect(service.call(s, 'connect', 'not an array')).rejects.toThrow(/^This request was refused: /)
    await expect(service.call(s, '__proto__', [])).rejects.toThrow(/Unknown method/)
  })
})
