/**
 * The two ways the renderer meets the host, behind one interface, so an end-to-end suite runs on both unchanged:
 * `browser` (browser mode: the built web host as a child process, the page in Chromium over the bridge) and
 * `desktop` (the desktop harness: the built main bundle in this process, each window a Chromium page running the
 * built preload). The vitest project picks the path (SOCKSCOPE_APP_PATH; vitest.config.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { openApp, startHost } from './harness'
import { launchDesktop, type DesktopApp } from '../desktop/harness'

export type AppPath = 'browser' | 'desktop'
export const APP_PATH: AppPath = process.env.SOCKSCOPE_APP_PATH === 'desktop' ? 'desktop' : 'browser'

export interface AppUnderTest {
  path: AppPath
  dataDir: string
  /** A new tab (browser mode) or a new window (desktop: File › New Window), with the UI up; page errors collected. */
  open(opts?: { colorScheme?: 'light' | 'dark' }): Promise<{ page: Page; errors: string[] }>
  /**
   * The text of a file the page exports when `click` runs: a download in browser mode, the file chosen in the
   * native save dialog on the desktop.
   */
  exported(page: Page, click: () => Promise<void>): Promise<string>
  /** Quits (desktop) or stops the host (browser mode); removes the data folder unless the caller owns it. */
  stop(): Promise<void>
  /** The desktop harness's app, on the desktop path. */
  desktop?: DesktopApp
}

export async function launchApp(browser: Browser, opts: { dataDir?: string } = {}): Promise<AppUnderTest> {
  const ownsDir = !opts.dataDir
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), `sockscope-${APP_PATH}-`))
  return APP_PATH === 'desktop' ? launchDesktopPath(browser, dataDir, ownsDir) : launchBrowserPath(browser, dataDir, ownsDir)
}

async function launchBrowserPath(browser: Browser, dataDir: string, ownsDir: boolean): Promise<AppUnderTest> {
  const host = await startHost(dataDir, ownsDir)
  return {
    path: 'browser',
    dataDir,
    open: (o) => openApp(browser, host, o),
    async exported(page, click) {
      const [download] = await Promise.all([page.waitForEvent('download'), click()])
      return readFileSync((await download.path())!, 'utf8')
    },
    stop: () => host.stop()
  }
}

async function launchDesktopPath(browser: Browser, dataDir: string, ownsDir: boolean): Promise<AppUnderTest> {
  const app = await launchDesktop({ browser, dataDir })
  // The window the app opens at launch stays open while the suite opens its own: closing a suite's window must not
  // close the last one (which quits the app).
  await app.firstWindow()
  let exports = 0
  return {
    path: 'desktop',
    dataDir,
    desktop: app,
    async open(o) {
      const w = await app.newWindow()
      if (o?.colorScheme) await w.page.emulateMedia({ colorScheme: o.colorScheme })
      return { page: w.page, errors: w.errors }
    },
    async exported(page, click) {
      const file = join(mkdtempSync(join(tmpdir(), 'sockscope-export-')), `export-${++exports}`)
      app.rt.dialog.answers.save.push(file)
      await click()
      // The page says where it saved once the main process has written the file.
      await page.getByText(`Saved to ${file}`).waitFor({ state: 'attached', timeout: 20_000 })
      return readFileSync(file, 'utf8')
    },
    async stop() {
      await app.quit()
      const crashes = app.crashes()
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true })
      // The harness must implement every Electron API the app touched, or the run proved less than it claims.
      if (app.rt.missing.length) throw new Error(`the app used Electron APIs the harness lacks: ${app.rt.missing.join(', ')}`)
      if (crashes) throw new Error(`the main process threw while the suite ran (its crash guard caught it):\n${crashes}`)
    }
  }
}
