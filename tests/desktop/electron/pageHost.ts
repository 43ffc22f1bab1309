/**
 * A window's page: its own Playwright context with the preload injected before any page script, the app's
 * protocol handler serving the stand-in origin, navigation and window-open guards consulted for real requests, and
 * nothing ever sent off the machine.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page, Route } from 'playwright-core'
import { CODEC_SOURCE } from './codec'
import { send, invoke, type FakeIpcMain, type PageMessage } from './ipc'
import { DELIVER_KEY, frameMain, type FakeBrowserWindow } from './windows'
import { isStandIn, toAppUrl } from './urls'
import type { SessionHandlers } from './platform'

export const BINDING = '__sockscopeHarnessIpc'
const IN_PAGE = readFileSync(join(import.meta.dirname, '..', 'page', 'inPage.js'), 'utf8')

export interface PageHostDeps {
  browser: Browser
  ipc: FakeIpcMain
  protocolHandlers: Map<string, (req: Request) => Response | Promise<Response>>
  session: SessionHandlers
  /** Every request the harness refused to let leave the machine, and every navigation or popup it stopped. */
  record(kind: 'blocked' | 'navigation-prevented' | 'popup', url: string): void
  /** Pages a test stands up at foreign URLs (a site a window was led to); nothing else leaves the app origin. */
  foreignPages: Map<string, string>
  notImplemented(api: string): void
}

/** The init script: the codec, then the page side of Electron with the built preload inside it. */
export function initScript(preloadPath: string): string {
  const preload = readFileSync(preloadPath, 'utf8')
  const config = JSON.stringify({ binding: BINDING, deliver: DELIVER_KEY })
  return `${CODEC_SOURCE}\n${IN_PAGE.replaceAll('__HARNESS_CONFIG__', () => config).replace('__PRELOAD__', () => preload)}`
}

export async function openWindowPage(deps: PageHostDeps, win: FakeBrowserWindow): Promise<Page> {
  const o = win.options
  const context = await deps.browser.newContext({ viewport: { width: o.width ?? 1280, height: o.height ?? 800 } })
  const preload = (o.webPreferences ?? {}).preload
  if (typeof preload === 'string') await context.addInitScript({ content: initScript(preload) })
  await context.exposeBinding(BINDING, async (source, msg: PageMessage) => {
    const from = { webContents: win.webContents, frame: frameMain(source.frame) }
    switch (msg.t) {
      case 'invoke':
        return invoke(deps.ipc, from, msg.channel, msg.args)
      case 'send':
        return send(deps.ipc, from, msg.channel, msg.args)
      case 'permission':
        return askPermission(deps.session, win, msg.permission)
      case 'displayMedia':
        return askDisplayMedia(deps.session)
    }
  })
  await context.route('**/*', (route) => handleRequest(deps, win, context, route))
  context.on('page', (p) => void watchPopup(deps, win, p))
  return context.newPage()
}

/** https://www.electronjs.org/docs/latest/api/session#sessetpermissionrequesthandlerhandler: no handler grants. */
function askPermission(s: SessionHandlers, win: FakeBrowserWindow, permission: string): Promise<boolean> {
  const handler = s.permissionRequest
  if (!handler) return Promise.resolve(true)
  return new Promise((resolve) => handler(win.webContents, permission, resolve, { requestingUrl: win.webContents.getURL() }))
}

/** https://www.electronjs.org/docs/latest/api/session#sessetdisplaymediarequesthandlerhandler-opts: no handler, no capture. */
function askDisplayMedia(s: SessionHandlers): Promise<boolean> {
  const handler = s.displayMedia
  if (!handler) return Promise.resolve(false)
  return new Promise((resolve) =>
    handler({ securityOrigin: '', videoRequested: true, audioRequested: false }, (streams) => resolve(!!streams))
  )
}

async function handleRequest(deps: PageHostDeps, win: FakeBrowserWindow, context: BrowserContext, route: Route): Promise<void> {
  const req = route.request()
  const url = req.url()
  // A popup's first navigation is issued before its frame exists (Playwright then has no frame to give).
  let page: Page | null
  try {
    page = req.frame().page()
  } catch {
    page = null
  }
  if (req.isNavigationRequest() && page !== win.page && (page === null || page.context() === context)) {
    // A popup: Electron asks the opener's window-open handler before any window exists.
    decidePopup(deps, win, url)
    if (page) await closePopup(page)
    else decidedUnclosed.set(win, (decidedUnclosed.get(win) ?? 0) + 1)
    return route.abort('aborted').catch(() => undefined)
  }
  if (req.isNavigationRequest() && req.frame() === win.page?.mainFrame()) {
    const own = win.webContents.ownNavigation || url === win.page.url() // loadURL, reload: no will-navigate
    if (!own) {
      // https://www.electronjs.org/docs/latest/api/web-contents#event-will-navigate
      let prevented = false
      win.webContents.emit('will-navigate', { preventDefault: () => (prevented = true), url: toAppUrl(url) }, toAppUrl(url))
      if (prevented) {
        deps.record('navigation-prevented', toAppUrl(url))
        return route.abort('aborted')
      }
    }
  }
  const foreign = deps.foreignPages.get(url)
  if (foreign !== undefined) return route.fulfill({ status: 200, contentType: 'text/html', body: foreign })
  if (!isStandIn(url)) {
    deps.record('blocked', url)
    return route.abort('blockedbyclient')
  }
  const appUrl = new URL(toAppUrl(url))
  const handler = deps.protocolHandlers.get(appUrl.protocol.slice(0, -1))
  if (!handler) return route.abort('failed')
  try {
    const res = await handler(new Request(appUrl.href, { method: req.method(), headers: req.headers() }))
    const headers: Record<string, string> = {}
    res.headers.forEach((v, k) => (headers[k] = v))
    await route.fulfill({ status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) })
  } catch {
    await route.abort('failed').catch(() => undefined)
  }
}

/** Popups decided from their first request whose page has not been closed yet, per opener. */
const decidedUnclosed = new WeakMap<FakeBrowserWindow, number>()
const closed = new WeakSet<Page>()

function decidePopup(deps: PageHostDeps, opener: FakeBrowserWindow, url: string): void {
  const handler = opener.webContents.openHandler
  const details = {
    url: toAppUrl(url),
    frameName: '',
    features: '',
    disposition: 'foreground-tab',
    referrer: { url: '', policy: 'default' }
  }
  const verdict = handler ? handler(details) : { action: 'allow' }
  deps.record('popup', `${verdict.action} ${toAppUrl(url)}`)
  // An allowed window.open would become a BrowserWindow; the app never allows one, so the harness does not build it.
  if (verdict.action !== 'deny') deps.notImplemented('a window.open that the window-open handler allows')
}

async function closePopup(popup: Page): Promise<void> {
  closed.add(popup)
  await popup.close().catch(() => undefined)
}

/**
 * Every popup page is closed: one whose first request was decided above is just closed; one that never requests
 * anything (window.open() of about:blank) is decided on its URL once it has settled.
 */
async function watchPopup(deps: PageHostDeps, opener: FakeBrowserWindow, popup: Page): Promise<void> {
  if (popup === opener.page || opener.page === null) return
  await popup.waitForLoadState('domcontentloaded').catch(() => undefined)
  await new Promise((r) => setTimeout(r, 100))
  if (closed.has(popup) || popup.isClosed()) return
  const pending = decidedUnclosed.get(opener) ?? 0
  if (pending > 0) decidedUnclosed.set(opener, pending - 1)
  else decidePopup(deps, opener, popup.url())
  await closePopup(popup)
}
