/**
 * The harness itself behaves as Electron documents: IPC arguments and results are structured clones, a handler's
 * error arrives as Electron delivers it, contextBridge copies, unimplemented APIs fail loudly, one instance per
 * data folder, quit in Electron's order. If these drift, the desktop-path suites prove less than they claim.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../e2e/harness'
import { METHOD_NAMES } from '../../src/shared/api'
import { launchDesktop, type DesktopApp } from './harness'
import { missing, NotImplementedError } from './electron/strict'
import type { FakeBrowserWindow } from './electron/windows'

let browser: Browser
let app: DesktopApp
let raw: { win: FakeBrowserWindow; page: Page }
const dataDir = mkdtempSync(join(tmpdir(), 'sockscope-harness-'))
const PAGE = 'https://harness.invalid/'

beforeAll(async () => {
  browser = await launchChromium()
  app = await launchDesktop({ browser, dataDir })
  await app.firstWindow()
  // A window with a test preload that hands the page ipcRenderer itself, on a page of its own.
  app.rt.foreignPages.set(PAGE, '<!doctype html><title>raw</title>')
  const BrowserWindow = app.rt.exports.BrowserWindow as new (o: object) => FakeBrowserWindow
  const win = new BrowserWindow({
    show: false,
    webPreferences: { preload: join(import.meta.dirname, 'fixtures', 'rawPreload.cjs'), sandbox: true, contextIsolation: true }
  })
  await win.loadURL(PAGE)
  raw = { win, page: await win.ready }
})
afterAll(async () => {
  if (app) expect(await app.quit()).toBe(0)
  expect(app?.crashes()).toBe('')
  await browser?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

type RawWindow = Window & {
  raw: {
    invoke(c: string, ...a: unknown[]): Promise<unknown>
    send(c: string, ...a: unknown[]): void
    received(): unknown[][]
    instance(): object
  }
}

describe('the desktop harness follows Electron', () => {
  it('exposes the preload API as a plain copy with exactly the contract methods', async () => {
    const page = (await app.firstWindow()).page
    const shape = await page.evaluate(() => {
      const api = (window as unknown as { sockscope: Record<string, unknown> }).sockscope
      return {
        keys: Object.keys(api).sort(),
        plain: Object.getPrototypeOf(api) === Object.prototype,
        fns: Object.values(api).every((v) => typeof v === 'function')
      }
    })
    expect(shape).toEqual({ keys: [...METHOD_NAMES, 'onCommand', 'onEvents', 'onNotice'].sort(), plain: true, fns: true })
  })

  it('passes arguments and results by structured clone: types kept, functions refused with Electron’s message', async () => {
    let got: unknown[] = []
    app.rt.ipc.handle('test:echo', (_e, ...args) => {
      got = args
      return { bytes: Buffer.from([1, 2, 255]), when: new Date(5), map: new Map([['k', -0]]), big: 10n }
    })
    const back = await raw.page.evaluate(async () => {
      const r = (await (window as unknown as RawWindow).raw.invoke(
        'test:echo',
        new Uint8Array([9, 8]),
        new Set(['a']),
        undefined
      )) as Record<string, unknown>
      const bytes = r.bytes as Uint8Array
      return {
        bytes: [...bytes],
        isPlainU8: Object.getPrototypeOf(bytes) === Uint8Array.prototype,
        when: (r.when as Date).getTime(),
        negZero: Object.is((r.map as Map<string, number>).get('k'), -0),
        big: typeof r.big
      }
    })
    expect(back).toEqual({ bytes: [1, 2, 255], isPlainU8: true, when: 5, negZero: true, big: 'bigint' })
    expect(got[0]).toBeInstanceOf(Uint8Array)
    expect([...(got[0] as Uint8Array)]).toEqual([9, 8])
    expect(got[1]).toEqual(new Set(['a']))
    expect(got).toHaveLength(3)
    const refused = await raw.page.evaluate(() =>
      (window as unknown as RawWindow).raw.invoke('test:echo', { f: () => 1 }).then(
        () => 'resolved',
        (e: Error) => e.message
      )
    )
    expect(refused).toBe('An object could not be cloned.')
  })

  it('delivers a handler’s thrown error as Electron does: a new Error with the remote message only', async () => {
    app.rt.ipc.handle('test:boom', () => {
      throw Object.assign(new TypeError('boom'), { code: 'E_BOOM' })
    })
    const [thrown, none] = await raw.page.evaluate(async () => {
      const r = (window as unknown as RawWindow).raw
      const msg = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (e: Error & { code?: string }) => `${e.name}|${e.message}|${e.code}`
        )
      return [await msg(r.invoke('test:boom')), await msg(r.invoke('test:nothing'))]
    })
    expect(thrown).toBe("Error|Error invoking remote method 'test:boom': TypeError: boom|undefined")
    expect(none).toBe("Error|Error invoking remote method 'test:nothing': Error: No handler registered for 'test:nothing'|undefined")
    expect(() => app.rt.ipc.handle('test:boom', () => 1)).toThrow(/second handler/)
  })

  it('copies across the context bridge: a class instance arrives without its prototype', async () => {
    const r = await raw.page.evaluate(() => {
      const p = (window as unknown as RawWindow).raw.instance() as { x: number; norm?: unknown }
      return { x: p.x, norm: typeof p.norm, plain: Object.getPrototypeOf(p) === Object.prototype }
    })
    expect(r).toEqual({ x: 1, norm: 'undefined', plain: true })
  })

  it('sends to one page only, in order, and refuses what cannot be cloned', async () => {
    for (let i = 0; i < 50; i++) raw.win.webContents.send('test:push', i, new Uint8Array([i]))
    expect(() => raw.win.webContents.send('test:push', () => 1)).toThrow('Failed to serialize arguments')
    await expect.poll(() => raw.page.evaluate(() => (window as unknown as RawWindow).raw.received().length)).toBe(50)
    const order = await raw.page.evaluate(() => (window as unknown as RawWindow).raw.received().map((a) => a[0]))
    expect(order).toEqual([...Array(50).keys()])
    const appPage = (await app.firstWindow()).page
    expect(await appPage.evaluate(() => 'raw' in window)).toBe(false)
  })

  it('fails loudly on an Electron API it does not implement', () => {
    const electronApp = app.rt.exports.app as Record<string, unknown>
    expect(() => electronApp.getLocale).toThrow(NotImplementedError)
    expect(() => electronApp.getLocale).toThrow(/electron app\.getLocale is not implemented/)
    // Recorded even when caught; the app itself touched nothing missing. This test's own probes are then cleared.
    expect(app.rt.missing).toEqual(['app.getLocale', 'app.getLocale'])
    missing.splice(missing.length - 2)
    expect(app.rt.missing).toEqual([])
  })

  it('keeps one instance per data folder: a second launch quits and the first window is focused', async () => {
    const seen: unknown[] = []
    app.rt.app.on('second-instance', (...a) => seen.push(a))
    const second = await launchDesktop({ browser, dataDir })
    expect(await second.rt.exited).toBe(0)
    expect(second.rt.windows).toHaveLength(0)
    await expect.poll(() => seen.length).toBe(1)
    expect(app.rt.focused).toBe(app.rt.windows[0])
  })

  it('quits in Electron’s order: before-quit, windows closed, will-quit, quit', async () => {
    const other = await launchDesktop({ browser, dataDir: mkdtempSync(join(tmpdir(), 'sockscope-harness-quit-')) })
    await other.firstWindow()
    const order: string[] = []
    for (const e of ['before-quit', 'will-quit', 'quit']) other.rt.app.on(e, () => order.push(e))
    other.rt.windows[0].on('closed', () => order.push('closed'))
    expect(await other.quit()).toBe(0)
    // The app prevents the first before-quit to flush its data, then quits again: both are seen.
    expect(order).toEqual(['before-quit', 'before-quit', 'closed', 'will-quit', 'quit'])
    rmSync(other.dataDir, { recursive: true, force: true })
  })
})
