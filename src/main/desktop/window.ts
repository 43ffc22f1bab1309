/** The hardened BrowserWindow every Sockscope window is. */
import { app, BrowserWindow, dialog, type RenderProcessGoneDetails, type WebPreferences } from 'electron'
import { join } from 'node:path'
import { IPC_NOTICE, type HostNotice } from '../../shared/api'
import { loadWindowState, saveWindowState, type WindowBounds } from './windowState'

export const PRELOAD_FILE = join(import.meta.dirname, '..', 'preload', 'index.cjs')

/** DevTools exist in development; in a packaged build only when asked for with SOCKSCOPE_DEVTOOLS=1. */
export function devToolsAllowed(): boolean {
  return !app.isPackaged || process.env.SOCKSCOPE_DEVTOOLS === '1'
}

export function secureWebPreferences(): WebPreferences {
  return {
    preload: PRELOAD_FILE,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
    devTools: devToolsAllowed()
  }
}

/** The first window opens where the last one closed; a further one a step below and right of the focused one, not over it. */
function placement(dataDir: string): WindowBounds {
  const from = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
  if (!from) return loadWindowState(dataDir)
  const b = from.getNormalBounds()
  return { width: b.width, height: b.height, x: b.x + 24, y: b.y + 24 }
}

/** More page crashes than this within a minute is a loop: reloading again would only repeat it. */
const CRASH_LIMIT = 3
const CRASH_WINDOW_MS = 60_000

/**
 * The page's process died (crashed, killed, out of memory): reload it. The window's webContents lives on, so its
 * session and connections do too (src/main/ipc closes them only on `destroyed`), and the reloaded page re-syncs by
 * `seq`. The user is told once the new page can listen. A crash loop stops reloading and says so instead.
 */
function recoverFromCrashes(win: BrowserWindow): void {
  const crashes: number[] = []
  let closing = false
  win.on('close', () => (closing = true))
  win.webContents.on('render-process-gone', (_event, details: RenderProcessGoneDetails) => {
    if (details.reason === 'clean-exit' || closing || win.isDestroyed()) return
    const now = Date.now()
    crashes.push(now)
    while (crashes[0] < now - CRASH_WINDOW_MS) crashes.shift()
    if (crashes.length > CRASH_LIMIT) {
      dialog
        .showMessageBox(win, {
          type: 'error',
          title: 'Sockscope',
          message: 'This window keeps crashing, so it was not reloaded again.',
          detail: `Last reason: ${details.reason} (exit code ${details.exitCode}). Its connections are still open: use View › Reload to try again, or close the window to close them.`
        })
        .catch(() => undefined)
      return
    }
    const notice: HostNotice = {
      level: 'warning',
      message: `This window's page stopped (${details.reason}) and was reloaded. Your connections kept running; what they received meanwhile is in the log.`,
      ts: now
    }
    win.webContents.once('did-finish-load', () => {
      if (!win.isDestroyed()) win.webContents.send(IPC_NOTICE, notice)
    })
    win.webContents.reload()
  })
}

export function createMainWindow(dataDir: string, uiUrl: string): BrowserWindow {
  const bounds = placement(dataDir)
  const win = new BrowserWindow({
    ...bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Sockscope',
    backgroundColor: '#1e1f24',
    webPreferences: secureWebPreferences()
  })
  if (bounds.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())
  const remember = (): void => {
    try {
      const problem = saveWindowState(dataDir, { ...win.getNormalBounds(), maximized: win.isMaximized() })
      if (problem) console.error(`sockscope: ${problem}`) // the window is closing: the log is where this can go
    } catch {
      // Not worth interrupting a close for: the next launch uses the default size.
    }
  }
  win.on('close', remember)
  recoverFromCrashes(win)
  void win.loadURL(uiUrl)
  return win
}
