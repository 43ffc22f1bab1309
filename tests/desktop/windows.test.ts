/**
 * Desktop-only window flows on the harness (the built main, preload and renderer): each window owns its own
 * connections and log, closing a window closes its connections, and a reload re-syncs what the window owns.
 * Real ws servers on loopback, the real UI driven by role and name as in tests/e2e.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type { WebSocket } from 'ws'
import { connectTo, launchChromium, sendText } from '../e2e/harness'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { launchDesktop, type DesktopApp } from './harness'

/** A ws server that echoes with a prefix and keeps the sockets it saw open and how many closed. */
async function server(prefix: string): Promise<RunningWs & { opened: WebSocket[]; closed: number }> {
  const seen = { opened: [] as WebSocket[], closed: 0 }
  const s = await startWsServer({
    onConnection: (ws) => {
      seen.opened.push(ws)
      ws.on('close', () => seen.closed++)
      ws.on('message', (d) => ws.send(`${prefix}${String(d)}`))
    }
  })
  return Object.assign(seen, s) // onto `seen`, so the counts stay live
}

let browser: Browser
let app: DesktopApp
let one: Awaited<ReturnType<typeof server>>
let two: Awaited<ReturnType<typeof server>>
const dataDir = mkdtempSync(join(tmpdir(), 'sockscope-windows-'))

beforeAll(async () => {
  ;[browser, one, two] = await Promise.all([launchChromium(), server('one:'), server('two:')])
  app = await launchDesktop({ browser, dataDir })
})
afterAll(async () => {
  if (app) expect(await app.quit()).toBe(0)
  expect(app?.crashes()).toBe('')
  await browser?.close()
  await Promise.all([one?.close(), two?.close()])
  rmSync(dataDir, { recursive: true, force: true })
})

const log = (page: Page) => page.getByRole('listbox', { name: 'Message log' })
/** Log entries whose payload preview is exactly `text`, in one direction. */
const entries = (page: Page, dir: 'in' | 'out', text: string) => log(page).locator(`.row.${dir} .preview`).getByText(text, { exact: true })
const tabs = (page: Page) => page.getByRole('tablist', { name: 'Connections' }).getByRole('tab')
const state = (page: Page) => page.getByRole('status', { name: 'Connection state' })

describe('desktop windows', () => {
  it('keeps each window’s connections and log to itself, and closing a window closes only its connections', async () => {
    const a = await app.firstWindow()
    const b = await app.newWindow()
    await connectTo(a.page, one.url)
    await connectTo(b.page, two.url)
    expect([one.opened.length, two.opened.length]).toEqual([1, 1])

    await sendText(a.page, 'from A')
    await sendText(b.page, 'from B')
    await entries(a.page, 'in', 'one:from A').waitFor()
    await entries(b.page, 'in', 'two:from B').waitFor()
    // Main pushes event batches only to the window that owns the connection: the other log never shows them.
    expect(await log(b.page).getByText('from A').count()).toBe(0)
    expect(await log(a.page).getByText('from B').count()).toBe(0)
    // Each window lists its own connection only (a tab is titled by host:port).
    expect(await tabs(a.page).allInnerTexts()).toEqual([expect.stringContaining(`:${one.port}`)])
    expect(await tabs(b.page).allInnerTexts()).toEqual([expect.stringContaining(`:${two.port}`)])

    // The user closes window B: its webContents is destroyed, so its session and connections close.
    await b.page.close()
    await expect.poll(() => two.closed, { timeout: 10_000 }).toBe(1)
    expect(app.rt.windows).toEqual([a.win])
    // A was never touched: still connected, and its connection still carries traffic both ways.
    expect(one.closed).toBe(0)
    await state(a.page).filter({ hasText: 'Connected' }).waitFor()
    one.opened[0].send('pushed to A')
    await sendText(a.page, 'after B closed')
    await entries(a.page, 'in', 'pushed to A').waitFor()
    await entries(a.page, 'in', 'one:after B closed').waitFor()
    expect(a.errors).toEqual([])
    expect(b.errors).toEqual([])
    expect(app.rt.missing).toEqual([])
  })

  it('re-syncs a reloaded window: the tab and its log come back once, still connected, and new messages arrive once', async () => {
    const w = await app.newWindow()
    const before = one.opened.length
    await connectTo(w.page, one.url)
    const socket = one.opened[before]
    for (const m of ['r-1', 'r-2', 'r-3']) await sendText(w.page, m)
    socket.send('r-pushed')
    await entries(w.page, 'in', 'one:r-3').waitFor()
    await entries(w.page, 'in', 'r-pushed').waitFor()
    const rowsBefore = await log(w.page).locator('.row').count()

    // A reload keeps the webContents (and so the session); the new page asks main to sync by seq.
    await w.page.reload()
    await w.page.getByRole('textbox', { name: 'URL' }).waitFor()
    await state(w.page).filter({ hasText: 'Connected' }).waitFor({ timeout: 10_000 })
    await expect.poll(() => tabs(w.page).count()).toBe(1)
    expect(await tabs(w.page).innerText()).toContain(`:${one.port}`)
    await entries(w.page, 'in', 'r-pushed').waitFor()
    // Every entry once: no duplicates from the sync, nothing lost.
    expect(await log(w.page).locator('.row').count()).toBe(rowsBefore)
    for (const m of ['r-1', 'r-2', 'r-3']) {
      expect(await entries(w.page, 'out', m).count()).toBe(1)
      expect(await entries(w.page, 'in', `one:${m}`).count()).toBe(1)
    }
    // Same socket on the server, not a reconnect.
    expect(one.opened.length).toBe(before + 1)
    expect(socket.readyState).toBe(socket.OPEN)

    // Traffic after the reload: each message exactly once, both ways.
    socket.send('after reload (server)')
    await sendText(w.page, 'after reload')
    await entries(w.page, 'in', 'one:after reload').waitFor()
    await entries(w.page, 'in', 'after reload (server)').waitFor()
    await w.page.evaluate('new Promise((r) => setTimeout(r, 200))') // a late duplicate batch would land by now
    expect(await entries(w.page, 'out', 'after reload').count()).toBe(1)
    expect(await entries(w.page, 'in', 'one:after reload').count()).toBe(1)
    expect(await entries(w.page, 'in', 'after reload (server)').count()).toBe(1)
    expect(await log(w.page).locator('.row').count()).toBe(rowsBefore + 3)
    expect(w.errors).toEqual([])
    expect(app.rt.missing).toEqual([])
  })
})
