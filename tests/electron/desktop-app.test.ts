/**
 * The real desktop app through Playwright's _electron driver. It needs the Electron binary, which cannot be
 * downloaded on every machine (not on this project's CI box): there each test reports itself skipped with why.
 * Here: launch and relaunch, File › New Window (each window its own session), and a reload that re-syncs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserWindow } from 'electron'
import { connectTo, sendText } from '../e2e/harness'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { bin, cleanUp, closeAll, freshDataDir, launchApp, messageLog, newWindow, SKIP, startPathEcho, uiUp } from './electronApp'

let echo: RunningWs

beforeAll(async () => {
  echo = await startWsServer()
})
afterEach(closeAll)
afterAll(async () => {
  await closeAll()
  await echo?.close()
  cleanUp()
})

describe('desktop app (_electron)', () => {
  it('launches, connects to a local echo server, sends, sees the reply, quits and relaunches', async (ctx) => {
    if (!bin) return ctx.skip(SKIP)
    const dataDir = freshDataDir()
    const { app, page } = await launchApp(dataDir)
    await connectTo(page, echo.url)
    await sendText(page, 'hello desktop')
    await expect.poll(() => messageLog(page).getByText('hello desktop').count()).toBe(2)
    await app.close()
    const again = await launchApp(dataDir)
    await again.page.getByRole('textbox', { name: 'URL' }).waitFor()
    expect(existsSync(join(dataDir, 'window-state.json'))).toBe(true)
    await again.app.close()
  })

  it('File › New Window is its own session: messages stay in their window; closing one closes its connections only', async (ctx) => {
    if (!bin) return ctx.skip(SKIP)
    const srv = await startPathEcho()
    try {
      const { app, page: a } = await launchApp(freshDataDir())
      const b = await newWindow(app)
      expect(app.windows()).toHaveLength(2)
      await connectTo(a, `${srv.server.url}/a`)
      await connectTo(b, `${srv.server.url}/b`)
      await sendText(a, 'only in window A')
      await sendText(b, 'only in window B')
      // Each echo arrives in its own window (sent and received: two rows) and never in the other.
      await expect.poll(() => messageLog(a).getByText('only in window A').count()).toBe(2)
      await expect.poll(() => messageLog(b).getByText('only in window B').count()).toBe(2)
      expect(await messageLog(a).getByText('only in window B').count()).toBe(0)
      expect(await messageLog(b).getByText('only in window A').count()).toBe(0)
      expect(srv.received.get('/a')).toEqual(['only in window A'])
      expect(srv.received.get('/b')).toEqual(['only in window B'])
      expect(await a.getByRole('tablist', { name: 'Connections' }).getByRole('tab').count()).toBe(1)
      expect(await b.getByRole('tablist', { name: 'Connections' }).getByRole('tab').count()).toBe(1)

      // Closing window B (as its close button does) closes B's connection: the server sees it go.
      const winB = await app.browserWindow(b)
      await Promise.all([b.waitForEvent('close'), winB.evaluate((w: BrowserWindow) => w.close())])
      await expect.poll(() => srv.closed).toEqual(['/b'])
      expect(app.windows()).toHaveLength(1)
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)

      // Window A keeps working.
      await a.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
      await sendText(a, 'A after B closed')
      await expect.poll(() => messageLog(a).getByText('A after B closed').count()).toBe(2)
      expect(srv.received.get('/a')).toEqual(['only in window A', 'A after B closed'])
      expect(srv.closed).toEqual(['/b'])
      await app.close()
      // Quitting closes A's connection too.
      await expect.poll(() => [...srv.closed].sort()).toEqual(['/a', '/b'])
    } finally {
      await srv.server.close()
    }
  }, 120_000)

  it('a reload re-syncs: the tab and its rows come back once, the connection is kept, new messages arrive once', async (ctx) => {
    if (!bin) return ctx.skip(SKIP)
    const srv = await startPathEcho()
    try {
      const { app, page } = await launchApp(freshDataDir())
      const tabs = page.getByRole('tablist', { name: 'Connections' }).getByRole('tab')
      await connectTo(page, `${srv.server.url}/kept`)
      await sendText(page, 'before the reload')
      await expect.poll(() => messageLog(page).getByText('before the reload').count()).toBe(2)
      await page.waitForTimeout(600) // the page saves its tabs a moment after the last change

      await page.reload()
      await uiUp(page)
      await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
      await expect.poll(() => messageLog(page).getByText('before the reload').count()).toBe(2)
      expect(await tabs.count()).toBe(1)
      // The same connection, not a new one: the server saw one upgrade and no close.
      expect(srv.server.requests).toHaveLength(1)
      expect(srv.closed).toEqual([])

      await sendText(page, 'after the reload')
      await expect.poll(() => messageLog(page).getByText('after the reload').count()).toBe(2)
      await page.waitForTimeout(500) // a duplicate would arrive with the next batch
      expect(await messageLog(page).getByText('after the reload').count()).toBe(2)
      expect(await messageLog(page).getByText('before the reload').count()).toBe(2)
      expect(await tabs.count()).toBe(1)
      expect(srv.received.get('/kept')).toEqual(['before the reload', 'after the reload'])
      await app.close()
    } finally {
      await srv.server.close()
    }
  }, 120_000)
})
