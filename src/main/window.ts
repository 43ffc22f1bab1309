/** The hardened BrowserWindow every Sockscope window is. */
import { BrowserWindow, type WebPreferences } from 'electron'
import { join } from 'node:path'
import { loadWindowState, saveWindowState, type WindowBounds } from './windowState'

export const PRELOAD_FILE = join(import.meta.dirname, '..', 'preload', 'index.cjs')

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
    spellcheck: false
  }
}

/** The first window opens where the last one closed; a further one a step below and right of the focused one, not over it. */
function placement(dataDir: string): WindowBounds {
  const from = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
  if (!from) return loadWindowState(dataDir)
  const b = from.getNormalBounds()
  return { width: b.width, height: b.height, x: b.x + 24, y: b.y + 24 }
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
  void win.loadURL(uiUrl)
  return win
}
