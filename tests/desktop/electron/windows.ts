/**
 * BrowserWindow and webContents (https://www.electronjs.org/docs/latest/api/browser-window,
 * https://www.electronjs.org/docs/latest/api/web-contents): each window is one Playwright page in its own context;
 * `webContents.send` reaches that page only, in order; closing the page is closing the window.
 */
import { EventEmitter } from 'node:events'
import type { Frame, Page } from 'playwright-core'
import { CloneError, encodeClone } from './codec'
import { strict } from './strict'
import { toAppUrl, toPageUrl } from './urls'
import type { FakeApp } from './app'

export const DELIVER_KEY = '__sockscopeHarnessDeliver'

export interface WindowHost {
  app: FakeApp
  windows: FakeBrowserWindow[]
  focused: FakeBrowserWindow | null
  quitting: boolean
  schemes(): string[]
  openPage(win: FakeBrowserWindow): Promise<Page>
}

let nextContentsId = 1
let nextWindowId = 1
const frames = new WeakMap<Frame, object>()

/** The WebFrameMain for a page's frame: one object per frame, so identity checks hold as in Electron. */
export function frameMain(frame: Frame): object {
  let f = frames.get(frame)
  if (!f) {
    f = strict('WebFrameMain', {
      get url() {
        return toAppUrl(frame.url())
      },
      get name() {
        return frame.name()
      },
      get top() {
        return frameMain(frame.page().mainFrame())
      },
      get parent() {
        const p = frame.parentFrame()
        return p ? frameMain(p) : null
      }
    })
    frames.set(frame, f)
  }
  return f
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++
  readonly processId = 1000 + this.id
  destroyed = false
  openHandler: ((details: Record<string, unknown>) => { action: string }) | null = null
  /** Messages main sent that never reached a page (it was closed or between documents). */
  dropped = 0
  /** Set while a navigation the harness started (loadURL, reload) is under way: those do not emit will-navigate. */
  ownNavigation = false
  private outbox: Array<{ channel: string; args: unknown }> = []
  private pumping = false

  constructor(private win: FakeBrowserWindow) {
    super()
  }
  get mainFrame(): object | null {
    const page = this.win.page
    return page ? frameMain(page.mainFrame()) : null
  }
  getURL(): string {
    return this.win.page ? toAppUrl(this.win.page.url()) : ''
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  isLoading(): boolean {
    return false
  }
  /** https://www.electronjs.org/docs/latest/api/web-contents#contentssendchannel-args */
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed')
    let encoded: unknown
    try {
      encoded = encodeClone(args)
    } catch (err) {
      if (err instanceof CloneError) throw new Error('Failed to serialize arguments', { cause: err })
      throw err
    }
    this.outbox.push({ channel, args: encoded })
    void this.pump()
  }
  setWindowOpenHandler(fn: (details: Record<string, unknown>) => { action: string }): void {
    this.openHandler = fn
  }
  reload(): void {
    const page = this.win.page
    if (!page) return
    this.ownNavigation = true
    page.reload().catch(() => undefined)
  }
  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.outbox.length) {
        const batch = this.outbox.splice(0)
        const page = this.win.page
        const ok =
          !!page &&
          !page.isClosed() &&
          (await page
            .evaluate(
              ([key, messages]) => {
                const deliver = (window as unknown as Record<string, (m: unknown) => void>)[key as string]
                if (typeof deliver !== 'function') return false
                deliver(messages)
                return true
              },
              [DELIVER_KEY, batch] as const
            )
            .catch(() => false))
        if (!ok) this.dropped += batch.length
      }
    } finally {
      this.pumping = false
    }
  }
}

export interface WindowOptions {
  width?: number
  height?: number
  x?: number
  y?: number
  show?: boolean
  webPreferences?: Record<string, unknown>
  [key: string]: unknown
}

export class FakeBrowserWindow extends EventEmitter {
  readonly id = nextWindowId++
  readonly webContents: FakeWebContents
  page: Page | null = null
  readonly ready: Promise<Page>
  /** Uncaught errors in this window's page. */
  readonly pageErrors: string[] = []
  private state: 'open' | 'closed' = 'open'
  private maximized = false
  private shownOnce = false

  constructor(
    private host: WindowHost,
    readonly options: WindowOptions
  ) {
    super()
    const wp = options.webPreferences ?? {}
    if (wp.contextIsolation === false || wp.sandbox !== true || wp.nodeIntegration === true) {
      throw new Error('desktop harness: only sandboxed, context-isolated windows without Node integration are emulated')
    }
    this.webContents = strict('webContents', new FakeWebContents(this))
    const self = strict('BrowserWindow', this)
    host.windows.push(self)
    host.app.emit('browser-window-created', { preventDefault: () => undefined }, self)
    host.app.emit('web-contents-created', { preventDefault: () => undefined }, this.webContents)
    this.ready = host.openPage(self).then((page) => {
      this.page = page
      page.on('load', () => {
        this.webContents.ownNavigation = false
        this.webContents.emit('did-finish-load')
        if (!this.shownOnce) {
          this.shownOnce = true
          this.emit('ready-to-show')
        }
      })
      page.on('pageerror', (e) => this.pageErrors.push(e.message))
      page.on('close', () => this.closedByUser())
      return page
    })
    return self
  }

  async loadURL(url: string): Promise<void> {
    const page = await this.ready
    this.webContents.ownNavigation = true
    await page.goto(toPageUrl(url, this.host.schemes()))
  }
  show(): void {
    this.host.focused = this
    this.emit('show')
  }
  focus(): void {
    this.host.focused = this
    void this.page?.bringToFront().catch(() => undefined)
  }
  isMinimized(): boolean {
    return false
  }
  restore(): void {}
  maximize(): void {
    this.maximized = true
  }
  isMaximized(): boolean {
    return this.maximized
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    const o = this.options
    return { x: o.x ?? 0, y: o.y ?? 0, width: o.width ?? 800, height: o.height ?? 600 }
  }
  isDestroyed(): boolean {
    return this.state === 'closed'
  }
  /** https://www.electronjs.org/docs/latest/api/browser-window#winclose: `close` first, which may be prevented. */
  close(): void {
    if (this.state === 'closed' || !this.emitClose()) return
    void this.destroyNow()
  }
  destroy(): void {
    void this.destroyNow()
  }
  /** Emits `close`; false when a listener prevented it. */
  emitClose(): boolean {
    let prevented = false
    this.emit('close', { preventDefault: () => (prevented = true) })
    return !prevented
  }
  /** The page went away without us (the test closed it, as a user closes a window): the same events follow. */
  private closedByUser(): void {
    if (this.state === 'closed') return
    this.emitClose()
    void this.destroyNow()
  }
  async destroyNow(): Promise<void> {
    if (this.state === 'closed') return
    this.state = 'closed'
    const i = this.host.windows.findIndex((w) => w.id === this.id)
    if (i >= 0) this.host.windows.splice(i, 1)
    if (this.host.focused?.id === this.id) this.host.focused = null
    const page = this.page ?? (await this.ready.catch(() => null))
    await page
      ?.context()
      .close()
      .catch(() => undefined)
    this.emit('closed')
    this.webContents.destroyed = true
    this.webContents.emit('destroyed')
    // https://www.electronjs.org/docs/latest/api/app#event-window-all-closed: not emitted while quitting; with no
    // listener the app quits.
    if (!this.host.quitting && this.host.windows.length === 0) {
      if (this.host.app.listenerCount('window-all-closed') > 0) this.host.app.emit('window-all-closed')
      else this.host.app.quit()
    }
  }
}
