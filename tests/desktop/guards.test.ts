/**
 * The desktop security guards, exercised for real on the harness (the built main, preload and renderer): foreign
 * navigation is prevented, links leave only through the allowlist and a native confirmation, IPC answers only the
 * app's own windows on the app's own page, and the session refuses permissions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type { WebSocket } from 'ws'
import { connectTo, launchChromium } from '../e2e/harness'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { launchDesktop, type DesktopApp, type DesktopWindow } from './harness'
import type { FakeBrowserWindow } from './electron/windows'
import { METHOD_NAMES } from '../../src/shared/api'

const EVIL = 'https://evil.invalid/'
const EVIL_HTML = '<!doctype html><title>evil</title><p>not the app</p>'
const UI_URL = 'app://sockscope/index.html'

let browser: Browser
let app: DesktopApp
let main: DesktopWindow
let ws: RunningWs
const sockets: WebSocket[] = []
const dataDir = mkdtempSync(join(tmpdir(), 'sockscope-guards-'))

beforeAll(async () => {
  // Chromium itself grants notifications and (fake) media here, so only the app's session handler can refuse them.
  ;[browser, ws] = await Promise.all([
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
    startWsServer({ onConnection: (s) => void sockets.push(s) })
  ])
  app = await launchDesktop({ browser, dataDir })
  app.rt.foreignPages.set(EVIL, EVIL_HTML)
  main = await app.firstWindow()
})
afterAll(async () => {
  if (app) expect(await app.quit()).toBe(0)
  expect(app?.crashes()).toBe('')
  await browser?.close()
  await ws?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

type Bridge = { sockscope: Record<string, (...a: unknown[]) => Promise<unknown>> & { onEvents(fn: (b: unknown[]) => void): () => void } }
const bridge = (page: Page, method: string) =>
  page.evaluate((m) => (window as unknown as Bridge).sockscope[m](), method) as Promise<{ ok: boolean; e?: { code?: string } }>

const everyCall = (page: Page) =>
  page.evaluate(
    async (names) => {
      const api = (window as unknown as Bridge).sockscope
      return Promise.all(names.map(async (m) => [m, ((await api[m]()) as { e?: { code?: string } }).e?.code ?? 'ok']))
    },
    METHOD_NAMES as readonly string[]
  )
const FORBIDDEN = METHOD_NAMES.map((m) => [m, 'FORBIDDEN'])
/** The event batches a foreign page in an app window received (collected by one test, judged by the next). */
let leaked: unknown[] | undefined

/** What Electron hands a window-open handler for window.open(url) (https://www.electronjs.org/docs/latest/api/web-contents#contentssetwindowopenhandlerhandler). */
const openDetails = (url: string) => ({
  url,
  frameName: '',
  features: '',
  disposition: 'foreground-tab',
  referrer: { url: '', policy: 'default' }
})

describe('desktop guards', () => {
  it('prevents navigation away from the app: the window stays on the app and the attempt is recorded', async () => {
    await main.page.evaluate((url) => void (location.href = url), EVIL)
    await expect.poll(() => app.rt.recorded).toContainEqual({ kind: 'navigation-prevented', url: EVIL })
    expect(main.win.webContents.getURL()).toBe(UI_URL)
    await main.page.getByRole('textbox', { name: 'URL' }).waitFor()
    expect(await main.page.getByText('not the app').count()).toBe(0)
    expect(main.errors).toEqual([])
    expect(app.rt.missing).toEqual([])
  })

  // The renderer shows payloads as text and has no clickable link; a link leaving the app is a window.open from the
  // page, which Electron hands to the window-open handler (as a middle-click or target=_blank would be).
  it('lets a link leave only through the allowlist and a native confirmation', async () => {
    const { dialog, opened, recorded } = app.rt
    const open = (url: string) => main.page.evaluate((u) => void window.open(u), url)
    const asked = () => dialog.calls.filter((c) => c.kind === 'message')
    const link = 'https://example.invalid/page'
    const handler = main.win.webContents.openHandler!

    await open(link) // no scripted answer: the user cancels
    await expect.poll(() => asked().length, { timeout: 5000 }).toBe(1)
    expect(JSON.stringify(asked()[0].options)).toContain(link)
    expect(asked()[0].window).toBe(main.win)
    await expect.poll(() => recorded).toContainEqual({ kind: 'popup', url: `deny ${link}` })
    await main.page.evaluate('new Promise((r) => setTimeout(r, 100))')
    expect(opened).toEqual([])

    dialog.answers.message.push(0) // "Open in browser"
    await open(link)
    await expect.poll(() => opened).toEqual([link])
    expect(asked()).toHaveLength(2)

    // Credentials in a link are refused without asking (they reach the handler through window.open for real).
    for (const url of ['https://user:secret@example.invalid/', 'http://:pw@example.invalid/']) {
      await open(url)
      await expect.poll(() => recorded).toContainEqual({ kind: 'popup', url: `deny ${url}` })
    }
    // Chromium gives a javascript: or file: window.open no navigation the harness can see, so those go to the
    // app's handler directly, with the URL Electron's details.url would carry.
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'JavaScript:fetch("https://example.invalid/")']) {
      expect(handler(openDetails(url))).toEqual({ action: 'deny' })
    }
    await main.page.evaluate('new Promise((r) => setTimeout(r, 200))')
    expect(opened).toEqual([link])
    expect(asked()).toHaveLength(2)
    expect(main.errors).toEqual([])
    expect(app.rt.missing).toEqual([])
  })

  it('refuses every IPC call from a window the app did not create, even with its preferences and page', async () => {
    const BrowserWindow = app.rt.exports.BrowserWindow as new (o: object) => FakeBrowserWindow
    const stray = new BrowserWindow({ show: false, webPreferences: main.win.options.webPreferences })
    await stray.loadURL(UI_URL)
    const page = await stray.ready
    // The preload runs there as in any window with these preferences: the API is exposed, main must refuse it.
    expect(stray.webContents.getURL()).toBe(UI_URL)
    expect(await bridge(page, 'appInfo')).toEqual({ ok: false, e: expect.objectContaining({ code: 'FORBIDDEN' }) })
    expect(await everyCall(page)).toEqual(FORBIDDEN)
    stray.close()
    expect(app.rt.missing).toEqual([])
  })

  it('refuses every IPC call from an app window led to a foreign page', async () => {
    const w = await app.newWindow()
    await connectTo(w.page, ws.url)
    const socket = sockets.at(-1)!
    // loadURL bypasses will-navigate, as a bug in main would; the preload runs on the foreign page too.
    await w.win.loadURL(EVIL)
    await w.page.getByText('not the app').waitFor()
    await w.page.evaluate(() => {
      const got: unknown[] = ((window as unknown as { got: unknown[] }).got = [])
      ;(window as unknown as Bridge).sockscope.onEvents((b) => got.push(b))
    })
    expect(await bridge(w.page, 'appInfo')).toEqual({ ok: false, e: expect.objectContaining({ code: 'FORBIDDEN' }) })
    expect(await everyCall(w.page)).toEqual(FORBIDDEN)
    // The window's connection lives on in main (same webContents): what it receives now must not reach this page.
    for (let i = 0; i < 5; i++) socket.send(`secret ${i}`)
    await w.page.waitForTimeout(500) // many batch intervals (16–50 ms)
    leaked = await w.page.evaluate(() => (window as unknown as { got: unknown[] }).got)
    w.win.close()
    expect(app.rt.missing).toEqual([])
  })

  // Found by this harness: main pushed a window's event batches to whatever page its webContents showed, so a
  // foreign page in an app window received that window's traffic ("secret 0" … "secret 4"). src/main/ipc/register.ts
  // now sends only while the window shows the app's own origin.
  it('sends no event batch to an app window showing a foreign page', () => {
    expect(leaked).toEqual([])
  })

  it('refuses permissions through the app’s session handler', async () => {
    // Control: with the same grants, Chromium alone says yes, so a "no" below is the app's handler.
    const ctx = await browser.newContext()
    await ctx.grantPermissions(['notifications', 'microphone'])
    await ctx.route('**/*', (r) => r.fulfill({ contentType: 'text/html', body: '<p>control' }))
    const control = await ctx.newPage()
    await control.goto('https://control.invalid/')
    expect(await control.evaluate(permissions)).toEqual({ notification: 'granted', media: 'stream' })
    await ctx.close()

    await main.page.context().grantPermissions(['notifications', 'microphone'])
    expect(await main.page.evaluate(permissions)).toEqual({ notification: 'denied', media: 'NotAllowedError' })
    expect(main.errors).toEqual([])
    expect(app.rt.missing).toEqual([])
  })
})

/** Runs in a page: what a notification and a microphone request get. */
async function permissions(): Promise<{ notification: string; media: string }> {
  const notification = await Notification.requestPermission()
  const media = await navigator.mediaDevices.getUserMedia({ audio: true }).then(
    (s) => (s.getTracks().forEach((t) => t.stop()), 'stream'),
    (e: DOMException) => e.name
  )
  return { notification, media }
}
