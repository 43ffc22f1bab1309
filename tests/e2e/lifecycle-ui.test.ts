/**
 * Issue 10, defect 5, in the real renderer (Chromium) against the real browser-mode host: a lost host is said at
 * once; a dropped bridge re-syncs by `seq` (nothing missing, nothing twice, a marker where the host no longer
 * had events); a session the host no longer has resets its tabs with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page, WebSocketRoute } from 'playwright-core'
import type { WebSocket } from 'ws'
import { connectTo, launchChromium, startHost, type Host } from './harness'
import { startWsServer, type RunningWs } from '../helpers/servers'

/** What the page's read-only probe (`src/renderer/src/benchHook.ts`, on with `bench=1`) returns for the log. */
interface LogRow {
  seq: number
  dir: string
  kind: string
  text: string
  missed?: number
}

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

/** A server that sends numbered messages: `n` on request ("send N"), or a burst the test starts itself. */
async function counter(): Promise<{ server: RunningWs; sent: () => number; burst: (n: number) => void }> {
  let sent = 0
  const clients = new Set<WebSocket>()
  const server = await startWsServer({
    onConnection: (ws: WebSocket) => {
      clients.add(ws)
      ws.on('close', () => clients.delete(ws))
      ws.on('message', (d) => {
        const n = Number(/^send (\d+)$/.exec(d.toString())?.[1] ?? 0)
        for (let i = 0; i < n; i++) ws.send(`n${++sent}`)
      })
    }
  })
  const burst = (n: number): void => {
    for (let i = 0; i < n; i++) for (const c of clients) c.send(`n${++sent}`)
  }
  return { server, sent: () => sent, burst }
}

/** Opens the app with its bridge routed through Playwright, so a test can drop it without killing the host. */
async function openRouted(host: Host, rewriteHello?: (frame: Record<string, unknown>) => Record<string, unknown>) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const routes: Array<{ drop(): Promise<void> }> = []
  await page.routeWebSocket(/\/bridge/, (ws: WebSocketRoute) => {
    const server = ws.connectToServer()
    routes.push({ drop: async () => void (await Promise.all([ws.close({ code: 1006 }), server.close({ code: 1001 })])) })
    ws.onMessage((m) => {
      const text = String(m)
      const f = JSON.parse(text) as Record<string, unknown>
      server.send(f.t === 'hello' && rewriteHello && routes.length > 1 ? JSON.stringify(rewriteHello(f)) : text)
    })
    server.onMessage((m) => ws.send(m))
    // Either side closing ends the other, as a real dropped link does.
    ws.onClose(() => void server.close())
    server.onClose((code) => void ws.close({ code: code === 1005 ? 1000 : (code ?? 1000) }))
  })
  await page.goto(`${host.url}&bench=1`)
  await page.getByRole('textbox', { name: 'URL' }).waitFor()
  return { page, errors, routes, context }
}

const rows = (page: Page): Promise<LogRow[]> =>
  page.evaluate(() => (window as unknown as { __sockscopeBench: { rows(): LogRow[] } }).__sockscopeBench.rows())
const state = (page: Page) => page.getByRole('status', { name: 'Connection state' })

async function sendText(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.click()
  await box.fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

describe('issue 10 defect 5: the page and the host lose and find each other', () => {
  it('defect 5: after the bridge drops and comes back the log re-syncs by seq: nothing missing, nothing twice', async () => {
    const host = await startHost()
    const { server, sent } = await counter()
    const { page, errors, routes, context } = await openRouted(host)
    try {
      await connectTo(page, server.url)
      await sendText(page, 'send 50')
      await expect.poll(async () => (await rows(page)).filter((r) => r.dir === 'in').length).toBe(50)
      await routes[0].drop() // the bridge drops; the host keeps capturing
      await page.getByRole('alert', { name: 'Host link' }).filter({ hasText: 'unreachable' }).waitFor({ timeout: 3000 })
      await expect.poll(() => state(page).textContent()).toContain('Unknown')
      // Back within a second; the page re-syncs what happened while it was away.
      await state(page).filter({ hasText: 'Connected' }).waitFor({ timeout: 5000 })
      await sendText(page, 'send 250')
      await expect.poll(async () => (await rows(page)).filter((r) => r.dir === 'in').length, { timeout: 10_000 }).toBe(300)
      const ins = (await rows(page)).filter((r) => r.dir === 'in').map((r) => r.text)
      expect(ins).toEqual(Array.from({ length: 300 }, (_, i) => `n${i + 1}`))
      expect((await rows(page)).filter((r) => r.missed)).toEqual([])
      expect(sent()).toBe(300)
      expect(errors).toEqual([])
    } finally {
      await context.close()
      await server.close()
      await host.stop()
    }
  })

  it('defect 5: events the host no longer holds are shown as a marker with their count, and the rest follows in order', async () => {
    const host = await startHost()
    const { server, burst } = await counter()
    const { page, routes, context } = await openRouted(host)
    try {
      await connectTo(page, server.url)
      await sendText(page, 'send 10')
      await expect.poll(async () => (await rows(page)).filter((r) => r.dir === 'in').length).toBe(10)
      // While the page is away the server sends more than the host keeps for re-sync (2,000 events per connection).
      await routes[0].drop()
      await page.getByRole('alert', { name: 'Host link' }).waitFor({ timeout: 3000 })
      burst(3000)
      await state(page).filter({ hasText: 'Connected' }).waitFor({ timeout: 5000 })
      await expect.poll(async () => (await rows(page)).at(-1)?.text, { timeout: 10_000 }).toBe('n3010')
      const all = await rows(page)
      const marker = all.find((r) => r.missed)!
      expect(marker.text).toMatch(/events missed while this page was away/)
      const ins = all.filter((r) => r.dir === 'in').map((r) => Number(r.text.slice(1)))
      // 1..10 before the marker; after it a contiguous run up to 3,010; the marker counts exactly what is not shown.
      expect(ins.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1))
      const after = ins.slice(10)
      expect(after).toEqual(Array.from({ length: after.length }, (_, i) => after[0] + i))
      expect(after.at(-1)).toBe(3010)
      expect(marker.missed).toBe(after[0] - 11)
    } finally {
      await context.close()
      await server.close()
      await host.stop()
    }
  })

  it('defect 5: when the host dies, the page says so at once and the connection shows as unknown, not Connected', async () => {
    const host = await startHost()
    const { server } = await counter()
    const { page, context } = await openRouted(host)
    try {
      await connectTo(page, server.url)
      host.proc.kill('SIGKILL') // no goodbye: the socket just ends
      await page.getByRole('alert', { name: 'Host link' }).filter({ hasText: 'unreachable' }).waitFor({ timeout: 3000 })
      await expect.poll(() => state(page).textContent()).toContain('Unknown')
      expect(await state(page).textContent()).not.toContain('Connected')
    } finally {
      await context.close()
      await server.close()
      await host.stop()
    }
  })

  it('defect 3: a page that falls behind sees capture throttled since when, nothing is dropped, and it ends when caught up', async () => {
    const host = await startHost()
    let flooding = true
    let sent = 0
    const chunk = 'x'.repeat(64 * 1024)
    const server = await startWsServer({
      onConnection: (ws: WebSocket) =>
        ws.once('message', () => {
          const pump = (): void => {
            if (!flooding || ws.readyState !== ws.OPEN) return
            sent++
            ws.send(chunk, pump)
          }
          pump()
        })
    })
    const { page, context } = await openRouted(host)
    try {
      await connectTo(page, server.url)
      // The page's main thread is busy 95% of the time: it takes the bridge's frames slower than they come.
      await page.evaluate(() => {
        const w = window as unknown as { slow: ReturnType<typeof setInterval> }
        w.slow = setInterval(() => {
          const end = performance.now() + 95
          while (performance.now() < end);
        }, 100)
      })
      await sendText(page, 'go')
      const banner = page.getByRole('status', { name: 'Capture throttled' })
      await banner.waitFor({ timeout: 45_000 })
      expect(await banner.textContent()).toMatch(/Capture throttled since \d\d:\d\d:\d\d\.\d{3}/)
      flooding = false
      await page.evaluate(() => clearInterval((window as unknown as { slow: ReturnType<typeof setInterval> }).slow))
      await banner.waitFor({ state: 'detached', timeout: 30_000 })
      const received = () =>
        page.evaluate(
          () => (window as unknown as { __sockscopeBench: { counts(): { received: number } } }).__sockscopeBench.counts().received
        )
      await expect.poll(received, { timeout: 30_000 }).toBe(sent)
      const kinds = (await rows(page)).filter((r) => r.dir === 'sys').map((r) => r.text)
      expect(kinds.some((t) => t.startsWith('Capture throttled'))).toBe(true)
      expect(kinds.some((t) => t.startsWith('Capture resumed'))).toBe(true)
    } finally {
      flooding = false
      await context.close()
      await server.close()
      await host.stop()
    }
  }, 120_000)

  it('defect 5: tabs whose connection the host no longer has are reset, saying why', async () => {
    const host = await startHost()
    const { server } = await counter()
    // On re-attach the page names a session the host does not know (as after the host restarted).
    const { page, routes, context } = await openRouted(host, (f) => ({ ...f, session: 'gone-session' }))
    try {
      await connectTo(page, server.url)
      await routes[0].drop()
      await page.getByRole('alert').filter({ hasText: 'no longer has this connection' }).waitFor({ timeout: 5000 })
      await expect.poll(() => state(page).textContent()).toContain('Disconnected')
      expect(await page.getByRole('button', { name: 'Connect', exact: true }).isEnabled()).toBe(true)
    } finally {
      await context.close()
      await server.close()
      await host.stop()
    }
  })
})
