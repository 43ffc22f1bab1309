import { afterEach, describe, expect, it } from 'vitest'
import { recordingManager } from '../helpers/events'
import { startWsServer, closedPort, type RunningWs } from '../helpers/servers'
import { startConnectProxy, startSocks5Proxy, type RunningProxy } from '../helpers/proxies'
import type { ErrorEvent } from '../../src/shared/events'

let server: RunningWs | null = null
let proxy: RunningProxy | null = null
afterEach(async () => {
  await server?.close()
  await proxy?.close()
  server = proxy = null
})

describe('engine: proxies', () => {
  it.each([
    ['http', startConnectProxy],
    ['socks5', startSocks5Proxy]
  ] as const)('%s proxy: the connection really passes through it', async (type, start) => {
    server = await startWsServer()
    proxy = await start()
    const { manager, waitFor } = recordingManager()
    const { id } = manager.open({ url: server.url + '/via', proxy: { type, url: proxy.url } })
    await waitFor((e) => e.type === 'state' && e.state === 'open')
    await manager.send(id, { kind: 'text', data: 'through the tunnel' })
    await waitFor((e) => e.type === 'message' && e.dir === 'in' && e.data === 'through the tunnel')
    expect(proxy.tunnels).toEqual([`127.0.0.1:${server.port}`])
    // The server sees the proxy's socket, never ours directly: one connection, arrived via the tunnel.
    expect(server.requests).toHaveLength(1)
    manager.dispose()
  })

  it('a proxy that is not running is reported as a proxy error', async () => {
    server = await startWsServer()
    const port = await closedPort()
    const { manager, waitFor } = recordingManager()
    manager.open({ url: server.url, proxy: { type: 'http', url: `http://127.0.0.1:${port}` } })
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(err.class).toBe('proxy')
    expect(err.next).toMatch(/proxy/)
    manager.dispose()
  })
})
