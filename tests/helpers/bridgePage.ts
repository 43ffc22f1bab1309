/** A browser-mode host on a temp folder and "pages" that speak its bridge protocol from Node, for host-level tests. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { startWebHost, type WebHost } from '../../src/main/web/host'
import type { SockEvent } from '../../src/shared/events'
import { eventsFromWire, fromWire, type ServerFrame } from '../../src/shared/wire'

export async function startTestHost(extra: Partial<Parameters<typeof startWebHost>[0]> = {}): Promise<WebHost & { logs: string[] }> {
  const renderer = mkdtempSync(join(tmpdir(), 'sockscope-renderer-'))
  mkdirSync(join(renderer, 'assets'))
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>')
  const dataDir = mkdtempSync(join(tmpdir(), 'sockscope-hostdata-'))
  const logs: string[] = []
  const host = await startWebHost({
    port: 0,
    host: '127.0.0.1',
    rendererDir: renderer,
    dataDir,
    version: 't',
    log: (l) => logs.push(l),
    ...extra
  })
  return {
    ...host,
    logs,
    close: async () => {
      await host.close()
      rmSync(renderer, { recursive: true, force: true })
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

export interface TestPage {
  ws: WebSocket
  frames: ServerFrame[]
  events: SockEvent[]
  session: string | null
  closed: { code: number } | null
  hello(session?: string, takeover?: boolean): Promise<{ session: string; resumed: boolean }>
  call<T = unknown>(m: string, ...a: unknown[]): Promise<T>
  /** Sends raw text as a frame. */
  raw(text: string): void
  close(): Promise<void>
}

export async function openPage(host: WebHost): Promise<TestPage> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/bridge?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  let n = 0
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let welcomed: ((f: { session: string; resumed: boolean }) => void) | null = null
  const page: TestPage = {
    ws,
    frames: [],
    events: [],
    session: null,
    closed: null,
    hello(session, takeover) {
      return new Promise((resolve) => {
        welcomed = resolve
        ws.send(JSON.stringify({ t: 'hello', ...(session ? { session } : {}), ...(takeover ? { takeover } : {}) }))
      })
    },
    call<T>(m: string, ...a: unknown[]) {
      const id = ++n
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
        ws.send(JSON.stringify({ t: 'call', n: id, m, a }))
      })
    },
    raw: (text) => ws.send(text),
    close: () =>
      new Promise((r) => {
        if (ws.readyState === ws.CLOSED) return r()
        ws.once('close', () => r())
        ws.close()
      })
  }
  ws.on('message', (d, isBinary) => {
    // A page's bridgeClient parses text frames only: the host must never send it a binary one.
    if (isBinary) throw new Error('the host sent a binary frame on the bridge socket')
    const f = JSON.parse(d.toString()) as ServerFrame
    page.frames.push(f)
    if (f.t === 'welcome') {
      page.session = f.session
      welcomed?.({ session: f.session, resumed: f.resumed })
    } else if (f.t === 'ev') page.events.push(...eventsFromWire(f.b))
    else if (f.t === 'ret') {
      const w = waiting.get(f.n)
      waiting.delete(f.n)
      if (f.ok) w?.resolve(fromWire(f.v))
      else w?.reject(Object.assign(new Error(f.e.message), f.e))
    }
  })
  ws.on('close', (code) => (page.closed = { code }))
  return page
}
