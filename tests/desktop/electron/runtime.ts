/**
 * One launch of the app on the harness: the Electron module surface the main bundle imports, bound to this launch.
 * The mocked `electron` module (./index.ts) forwards to the launch that is running.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { FakeApp } from './app'
import { FakeIpcMain } from './ipc'
import { openWindowPage } from './pageHost'
import { fakeDialog, fakeMenu, fakeNet, fakeProtocol, fakeSafeStorage, fakeSession, type EncryptionMode } from './platform'
import { missing, strict } from './strict'
import { FakeBrowserWindow, type WindowHost, type WindowOptions } from './windows'

export interface LaunchOptions {
  browser: Browser
  /** How safeStorage behaves: an OS keyring (default), Linux's basic_text, or none at all. */
  encryption?: EncryptionMode
  /** app.isPackaged (default true: the UI loads from app://, DevTools stay off). */
  packaged?: boolean
}

export interface Recorded {
  kind: 'blocked' | 'navigation-prevented' | 'popup'
  url: string
}

export class ElectronRuntime implements WindowHost {
  readonly app: FakeApp
  readonly windows: FakeBrowserWindow[] = []
  focused: FakeBrowserWindow | null = null
  quitting = false
  encryption: EncryptionMode
  readonly ipc = new FakeIpcMain()
  readonly dialog = fakeDialog((w) => w instanceof FakeBrowserWindow)
  readonly menu = fakeMenu()
  readonly session = fakeSession()
  readonly protocol
  readonly opened: string[] = []
  readonly recorded: Recorded[] = []
  /** URL → HTML: foreign pages a test serves (never fetched from the network); see pageHost.ts. */
  readonly foreignPages = new Map<string, string>()
  private readonly missingFrom = missing.length
  /** Unimplemented Electron APIs touched since this launch started (also those whose throw the app caught). */
  get missing(): string[] {
    return missing.slice(this.missingFrom)
  }
  exitCode: number | null = null
  readonly exited: Promise<number>
  readonly exports: Record<string, unknown>
  private resolveExit!: (code: number) => void

  constructor(private opts: LaunchOptions) {
    this.encryption = opts.encryption ?? 'os'
    this.exited = new Promise((r) => (this.resolveExit = r))
    const root = mkdtempSync(join(tmpdir(), 'sockscope-harness-'))
    this.app = new FakeApp(
      {
        root,
        closeAllWindows: () => this.closeAllWindows(),
        exited: (code) => this.onExit(code)
      },
      opts.packaged ?? true
    )
    this.protocol = fakeProtocol(() => this.app.isReady())
    const host = this as WindowHost
    class BrowserWindow extends FakeBrowserWindow {
      constructor(options: WindowOptions = {}) {
        super(host, options)
      }
      static getAllWindows = (): FakeBrowserWindow[] => [...host.windows]
      static getFocusedWindow = (): FakeBrowserWindow | null => host.focused ?? null
      static fromWebContents = (wc: unknown): FakeBrowserWindow | null => host.windows.find((w) => w.webContents === wc) ?? null
      static fromId = (id: number): FakeBrowserWindow | null => host.windows.find((w) => w.id === id) ?? null
    }
    this.exports = {
      app: strict('app', this.app),
      BrowserWindow,
      ipcMain: strict('ipcMain', this.ipc),
      dialog: this.dialog.api,
      Menu: this.menu.api,
      session: this.session.api,
      protocol: this.protocol.api,
      net: fakeNet,
      safeStorage: fakeSafeStorage(() => this.encryption),
      shell: strict('shell', { openExternal: async (url: string) => void this.opened.push(url) })
    }
  }

  schemes(): string[] {
    return this.protocol.schemes.map((s) => s.scheme)
  }

  openPage(win: FakeBrowserWindow) {
    return openWindowPage(
      {
        browser: this.opts.browser,
        ipc: this.ipc,
        protocolHandlers: this.protocol.handlers,
        session: this.session.handlers,
        record: (kind, url) => this.recorded.push({ kind, url }),
        foreignPages: this.foreignPages,
        notImplemented: (api) => missing.push(api)
      },
      win
    )
  }

  private async closeAllWindows(): Promise<boolean> {
    this.quitting = true
    for (const w of [...this.windows]) {
      if (!w.emitClose()) {
        this.quitting = false
        return false
      }
    }
    await Promise.all([...this.windows].map((w) => w.destroyNow()))
    return true
  }

  private onExit(code: number): void {
    this.quitting = true
    void Promise.all([...this.windows].map((w) => w.destroyNow())).then(() => {
      this.exitCode = code
      this.resolveExit(code)
    })
  }
}

/**
 * Launches in start order; the newest that has not exited is the one the `electron` module answers for. Kept on
 * globalThis: a relaunch resets vitest's module registry, and the re-imported `electron` mock must see this list.
 */
const LAUNCHES = Symbol.for('sockscope.desktopHarness.launches')
const launches: ElectronRuntime[] = ((globalThis as Record<symbol, ElectronRuntime[]>)[LAUNCHES] ??= [])

export function pushLaunch(rt: ElectronRuntime): void {
  launches.push(rt)
  void rt.exited.then(() => {
    launches.splice(launches.indexOf(rt), 1)
    // A second instance that quit at once: the first learns of it now, as Electron's `second-instance`.
    launches.at(-1)?.app.deliverSecondInstance()
  })
}

export function currentLaunch(): ElectronRuntime {
  const rt = launches.at(-1)
  if (!rt) throw new Error('desktop harness: the app is not running (no launch, or it has quit)')
  return rt
}
