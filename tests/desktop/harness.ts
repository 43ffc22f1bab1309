/**
 * The desktop path without the Electron binary: the built `out/main` bundle runs here in Node against the harness's
 * Electron (./electron), each window is a Chromium page running the built `out/preload` bundle and the built
 * renderer. See docs/RELIABILITY.md, "The desktop path", for what this covers and what only the real binary shows.
 */
import { vi } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { ElectronRuntime, pushLaunch, type LaunchOptions } from './electron/runtime'
import type { FakeBrowserWindow } from './electron/windows'
import { until } from '../helpers/time'

export const MAIN_BUNDLE = join(import.meta.dirname, '..', '..', 'out', 'main', 'index.js')

export interface DesktopWindow {
  win: FakeBrowserWindow
  page: Page
  /** Uncaught errors in the page so far. */
  errors: string[]
}

export interface DesktopApp {
  rt: ElectronRuntime
  dataDir: string
  /** The window the app opened at launch, once its UI is up. */
  firstWindow(): Promise<DesktopWindow>
  /** Another window, opened the way a user does: File › New Window. */
  newWindow(): Promise<DesktopWindow>
  /** Clicks an item of the application menu by its label. */
  clickMenu(label: string): void
  /** app.quit(), then waits until the app has exited; resolves with the exit code. */
  quit(): Promise<number>
  /**
   * What the app's crash guard caught during this launch (its errors.log). The guard keeps the process alive, as
   * it should for users, so a throw in main would otherwise pass unseen here: the suites assert this is empty.
   */
  crashes(): string
}

export interface DesktopLaunch extends Omit<LaunchOptions, 'browser'> {
  browser: Browser
  dataDir: string
}

async function uiUp(win: FakeBrowserWindow): Promise<DesktopWindow> {
  const page = await win.ready
  await page.getByRole('textbox', { name: 'URL' }).waitFor({ timeout: 20_000 })
  return { win, page, errors: win.pageErrors }
}

export async function launchDesktop(opts: DesktopLaunch): Promise<DesktopApp> {
  // The main bundle reads its data folder when it loads, as the packaged app reads SOCKSCOPE_DATA_DIR.
  process.env.SOCKSCOPE_DATA_DIR = opts.dataDir
  const logStart = existsSync(join(opts.dataDir, 'errors.log')) ? readFileSync(join(opts.dataDir, 'errors.log'), 'utf8').length : 0
  const rt = new ElectronRuntime(opts)
  pushLaunch(rt)
  // A fresh module registry: a relaunch evaluates the bundle again, as a new process would.
  vi.resetModules()
  await import(/* @vite-ignore */ MAIN_BUNDLE)
  rt.app.markReady()
  const app: DesktopApp = {
    rt,
    dataDir: opts.dataDir,
    async firstWindow() {
      await until(() => rt.windows.length > 0 || rt.exitCode !== null, 'the first window')
      if (!rt.windows[0]) throw new Error('the app exited before opening a window')
      return uiUp(rt.windows[0])
    },
    async newWindow() {
      const before = new Set(rt.windows)
      app.clickMenu('New Window')
      await until(() => rt.windows.some((w) => !before.has(w)), 'a new window')
      return uiUp(rt.windows.find((w) => !before.has(w))!)
    },
    clickMenu(label) {
      const item = rt.menu.find(label)
      if (!item?.click) throw new Error(`no menu item "${label}" with an action`)
      item.click(item, rt.focused, {})
    },
    async quit() {
      if (rt.exitCode === null) rt.app.quit()
      return rt.exited
    },
    crashes() {
      try {
        return readFileSync(join(opts.dataDir, 'errors.log'), 'utf8').slice(logStart)
      } catch {
        return ''
      }
    }
  }
  return app
}
