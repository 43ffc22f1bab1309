import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { startWebHost, type WebHost } from '../../src/main/web/host'
import { parseWebArgs } from '../../src/main/web/args'
import { resolveStatic } from '../../src/main/web/staticFiles'
import { startWsServer } from '../helpers/servers'

let host: WebHost | null = null
const logs: string[] = []
afterEach(async () => {
  await host?.close()
  host = null
  logs.length = 0
})

const SECRET = 'SECRET-outside-the-renderer-folder'

/**
 * The renderer folder sits next to files it must never serve: `secret.txt` beside it, and `renderer-secret/`,
 * whose path starts with the renderer folder's (a prefix check without the separator would let it through).
 */
function rendererDir(): string {
  const parent = mkdtempSync(join(tmpdir(), 'sockscope-web-'))
  const dir = join(parent, 'renderer')
  mkdirSync(join(dir, 'assets'), { recursive: true })
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(join(dir, 'assets', 'a.js'), 'console.log(1)')
  writeFileSync(join(parent, 'secret.txt'), SECRET)
  mkdirSync(join(parent, 'renderer-secret'))
  writeFileSync(join(parent, 'renderer-secret', 'x.txt'), SECRET)
  return dir
}

async function start(extra: Partial<Parameters<typeof startWebHost>[0]> = {}): Promise<WebHost> {
  host = await startWebHost({
    port: 0,
    host: '127.0.0.1',
    rendererDir: rendererDir(),
    dataDir: '/tmp/x',
    version: 't',
    log: (l) => logs.push(l),
    ...extra
  })
  return host
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function bridge(
  h: WebHost,
  opts: { token?: string; origin?: string; headers?: Record<string, string> } = {}
): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const q = opts.token === undefined ? `?token=${h.token}` : opts.token ? `?token=${opts.token}` : ''
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/bridge${q}`, {
      origin: opts.origin ?? `http://127.0.0.1:${h.port}`,
      headers: opts.headers
    })
    ws.on('unexpected-response', (_q, res) => resolve({ status: res.statusCode ?? 0 }))
    ws.on('open', () => resolve({ status: 101, ws }))
    ws.on('error', () => undefined)
  })
}

describe('browser-mode host', () => {
  it('serves the renderer with the CSP and security headers, and nothing outside its folder', async () => {
    const h = await start()
    const index = await get(h.port, '/')
    expect(index.status).toBe(200)
    expect(index.headers['content-security-policy']).toContain("script-src 'self'")
    expect(index.headers['x-content-type-options']).toBe('nosniff')
    expect((await get(h.port, '/assets/a.js')).status).toBe(200)
    expect((await get(h.port, '/assets/%61.js')).body).toBe('console.log(1)') // paths are percent-decoded
  })

  // `new URL()` already resolves `..`, `%2e%2e` and raw backslashes before the host sees the path; these are the
  // encodings that survive it and reach the folder check in staticFiles.ts.
  it.each([
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/.%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%2e%2e%5csecret.txt',
    '/assets%5c..%5c..%5csecret.txt',
    '/..%2frenderer-secret%2fx.txt'
  ])('refuses %s, which reaches the folder check', async (path) => {
    const h = await start()
    expect(new URL(path, 'http://x').pathname).toBe(path) // not normalised away before the check
    const res = await get(h.port, path)
    expect(res.body).not.toContain(SECRET)
    expect(res.status).toBe(404)
  })

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/..%252fsecret.txt', '/%c0%ae%c0%ae%2fsecret.txt'])(
    'refuses %s (normalised, double-encoded or invalid UTF-8)',
    async (path) => {
      const h = await start()
      const res = await get(h.port, path)
      expect(res.body).not.toContain(SECRET)
      expect(res.status).toBe(404)
    }
  )

  it('resolves a raw backslash path (as app:// hands it over) inside the folder only', () => {
    const dir = rendererDir()
    expect(new URL('app://sockscope/..\\secret.txt').pathname).toBe('/..\\secret.txt') // app: is not a special scheme
    expect(resolveStatic(dir, '/..\\secret.txt')).toBeNull()
    expect(resolveStatic(dir, '/assets\\..\\..\\renderer-secret\\x.txt')).toBeNull()
    expect(resolveStatic(dir, '/assets\\a.js')).toBe(join(dir, 'assets', 'a.js'))
    expect(resolveStatic(`${dir}/./`, '/index.html')).toBe(join(dir, 'index.html'))
  })

  it('refuses DNS-rebinding Host headers on pages and on the bridge', async () => {
    const h = await start()
    expect((await get(h.port, '/', { Host: `evil.example:${h.port}` })).status).toBe(403)
    expect((await get(h.port, '/', { Host: `127.0.0.1:${h.port + 1}` })).status).toBe(403)
    expect((await get(h.port, '/', { Host: `localhost:${h.port}` })).status).toBe(200)
    expect((await bridge(h, { headers: { Host: `attacker.example:${h.port}` } })).status).toBe(403)
    expect(logs.join('\n')).toMatch(/foreign Host header/)
  })

  it('requires the token and our Origin on the bridge', async () => {
    const h = await start()
    expect((await bridge(h, { token: '' })).status).toBe(401)
    expect((await bridge(h, { token: 'a'.repeat(32) })).status).toBe(401)
    expect((await bridge(h, { origin: 'http://evil.example' })).status).toBe(403)
    expect((await bridge(h, { origin: `http://localhost:${h.port}` })).status).toBe(101)
    expect(h.token).toMatch(/^[0-9a-f]{32}$/) // 128 bits
    expect(logs.filter((l) => l.includes('refused bridge request'))).toHaveLength(3)
  })

  it('answers calls and validation errors over the bridge, and a reloaded tab reattaches its session', async () => {
    const h = await start({ reattachGraceMs: 2000 })
    const echo = await startWsServer()
    const { ws } = await bridge(h)
    const frames: Array<Record<string, unknown>> = []
    ws!.on('message', (d) => frames.push(JSON.parse(d.toString())))
    ws!.send(JSON.stringify({ t: 'hello' }))
    ws!.send(JSON.stringify({ t: 'call', n: 1, m: 'appInfo', a: [] }))
    ws!.send(JSON.stringify({ t: 'call', n: 2, m: 'connect', a: [{ url: 'gopher://x' }] }))
    ws!.send(JSON.stringify({ t: 'call', n: 3, m: 'connect', a: [{ url: echo.url }] }))
    await expect.poll(() => frames.filter((f) => f.t !== 'ev').length).toBe(4)
    const session = frames[0].session as string
    const ret = (n: number) => frames.find((f) => f.t === 'ret' && f.n === n)
    expect(ret(1)).toMatchObject({ t: 'ret', n: 1, ok: true, v: { mode: 'browser' } })
    expect(ret(2)).toMatchObject({
      t: 'ret',
      n: 2,
      ok: false,
      e: { message: expect.stringMatching(/^URL: the scheme gopher:\/\/ is not a WebSocket scheme/) }
    })
    ws!.close()
    const again = (await bridge(h)).ws!
    const frames2: Array<Record<string, unknown>> = []
    again.on('message', (d) => frames2.push(JSON.parse(d.toString())))
    again.send(JSON.stringify({ t: 'hello', session }))
    await expect.poll(() => frames2[0]).toEqual({ t: 'welcome', session, resumed: true })
    again.close()
    await echo.close()
  })

  it('refuses to bind beyond loopback unless asked by name', async () => {
    await expect(startWebHost({ port: 0, host: '0.0.0.0', rendererDir: rendererDir(), dataDir: '/tmp/x', version: 't' })).rejects.toThrow(
      /--allow-remote/
    )
  })

  it('parses its flags and explains bad ones', () => {
    expect(parseWebArgs(['--port', '0', '--no-open', '--data-dir', '/d', '--host', '127.0.0.1'])).toEqual({
      port: 0,
      host: '127.0.0.1',
      open: false,
      dataDir: '/d',
      allowRemote: false
    })
    expect(parseWebArgs(['--port=8080'])).toMatchObject({ port: 8080 })
    expect(() => parseWebArgs(['--port', 'x'])).toThrow(/--port takes a number/)
    expect(() => parseWebArgs(['--bogus'])).toThrow(/unknown option --bogus/)
  })
})
