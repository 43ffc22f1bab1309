import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { recordingManager } from '../helpers/events'
import { startWsServer, type RunningWs } from '../helpers/servers'
import type { ErrorEvent, HandshakeEvent, RedirectEvent } from '../../src/shared/events'

const cleanups: Array<() => Promise<unknown> | void> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

/** An HTTP server that answers every upgrade with a redirect to `location`. */
async function redirector(location: (port: number) => string): Promise<{ url: string }> {
  const server: Server = createServer()
  server.on('upgrade', (_req, socket) => {
    socket.end(`HTTP/1.1 302 Found\r\nLocation: ${location((server.address() as AddressInfo).port)}\r\nContent-Length: 0\r\n\r\n`)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())))
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/start` }
}

describe('engine: redirects', () => {
  let target: RunningWs
  const secretOpts = {
    headers: [
      { name: 'X-Public', value: 'p' },
      { name: 'X-Token', value: 'secret-value', secret: true }
    ],
    auth: { type: 'bearer', token: 'tok' }
  }

  it('are not followed by default: the 302 and its Location are reported', async () => {
    target = await startWsServer()
    cleanups.push(target.close)
    const r = await redirector(() => `${target.url}/final`)
    const { manager, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: r.url })
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(err).toMatchObject({ class: 'http-status', status: 302 })
    expect(err.next).toContain(`${target.url}/final`)
    expect(target.requests).toHaveLength(0)
  })

  it('when followed to another origin, secrets are dropped and each hop is an event', async () => {
    target = await startWsServer()
    cleanups.push(target.close)
    // Same machine, other origin: "localhost" vs "127.0.0.1".
    const r = await redirector(() => `ws://localhost:${target.port}/final`)
    const { manager, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: r.url, followRedirects: true, ...secretOpts })
    const redirect = await waitFor<RedirectEvent>((e) => e.type === 'redirect')
    expect(redirect.status).toBe(302)
    expect(redirect.stripped.map((s) => s.toLowerCase()).sort()).toEqual(['authorization', 'x-token'])
    const hs = await waitFor<HandshakeEvent>((e) => e.type === 'handshake')
    expect(hs.redirects).toHaveLength(1)
    const seen = target.requests[0].headers
    expect(seen['x-public']).toBe('p')
    expect(seen['x-token']).toBeUndefined()
    expect(seen.authorization).toBeUndefined()
  })

  it('keeps secrets on a same-origin redirect', async () => {
    target = await startWsServer()
    cleanups.push(target.close)
    target.server.prependListener('upgrade', (req, socket) => {
      if (req.url === '/start') socket.end('HTTP/1.1 301 Moved\r\nLocation: /final\r\nContent-Length: 0\r\n\r\n')
    })
    target.wss.shouldHandle = (req) => req.url !== '/start'
    const { manager, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: `${target.url}/start`, followRedirects: true, ...secretOpts })
    await waitFor<HandshakeEvent>((e) => e.type === 'handshake')
    expect(target.requests[0].headers['x-token']).toBe('secret-value')
    expect(target.requests[0].headers.authorization).toBe('Bearer tok')
  })

  it.each(['http://127.0.0.1:1/x', 'ws+unix:/tmp/sock'])('refuses to follow a redirect to %s', async (loc) => {
    const r = await redirector(() => loc)
    const { manager, waitFor } = recordingManager()
    cleanups.push(() => manager.dispose())
    manager.open({ url: r.url, followRedirects: true })
    const err = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(err).toMatchObject({ class: 'protocol', code: 'SOCKSCOPE_REDIRECT_REFUSED' })
    expect(err.message).toContain('only ws:// and wss://')
  })
})
