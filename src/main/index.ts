/**
 * Electron entry: single-instance lock, hardened window, custom protocol, menu, IPC wiring. Nothing else; or, started
 * as `Sockscope --cli -- COMMAND …`, the `sockscope` command line instead (desktop/cliMode.ts).
 */
import { app, BrowserWindow, ipcMain, Menu, type WebContents } from 'electron'
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { IPC_COMMANDS } from '../shared/api'
import { defaultDataDir } from './store/dataDir'
import { SockscopeService } from './service/service'
import { registerIpc } from './ipc/register'
import { installCrashGuard } from './service/crashGuard'
import { installGuards } from './desktop/security'
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './desktop/appProtocol'
import { createMainWindow } from './desktop/window'
import { menuTemplate } from './desktop/menu'
import { ProfileStore } from './store/profileStore'
import { RecordingStore } from './store/recordings'
import { dialogFiles, safeStorageBackend } from './desktop/desktopData'
import { DataLock } from './store/dataLock'
import { cliArguments, runCliMode } from './desktop/cliMode'

/** How long quitting waits for recordings and profiles to reach the disk. */
const SHUTDOWN_BOUND_MS = 3000

// The command line decides before anything below runs: it must not take the lock, register app://, or touch the data
// folder or a window.
const commandLine = cliArguments(process.argv, process.defaultApp)
if (commandLine) runCliMode(commandLine)
else startDesktop()

function startDesktop(): void {
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
  const uiUrl = devUrl ?? `${APP_ORIGIN}/index.html`
  const dataDir = defaultDataDir()
  app.setPath('userData', dataDir)

  registerAppScheme()

  if (!app.requestSingleInstanceLock()) {
    app.quit()
  } else {
    const windows = new Set<WebContents>()
    let service: SockscopeService | null = null
    const lock = new DataLock(dataDir, 'desktop')
    let quitting = false

    const openWindow = (): BrowserWindow => {
      const win = createMainWindow(dataDir, uiUrl)
      const contents = win.webContents
      windows.add(contents)
      contents.once('destroyed', () => windows.delete(contents))
      return win
    }

    app.on('second-instance', () => {
      const win = BrowserWindow.getAllWindows()[0]
      if (win) {
        if (win.isMinimized()) win.restore()
        win.focus()
      }
    })

    void app.whenReady().then(() => {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 })
      // safeStorage is usable only once the app is ready.
      // Browser mode may have this folder open: one writer at a time (the other opens read-only and says so).
      lock.acquire()
      const profiles = new ProfileStore(dataDir, safeStorageBackend(), 'desktop', undefined, lock)
      profiles.load()
      const recordings = new RecordingStore(join(dataDir, 'recordings'))
      recordings.mayPrune = () => lock.isHeld
      service = new SockscopeService({
        appInfo: { mode: 'desktop', version: app.getVersion(), dataDir, platform: process.platform },
        data: { profiles, recordings, files: dialogFiles, version: app.getVersion() }
      })
      installCrashGuard({ service, logDir: dataDir })
      installGuards(uiUrl)
      serveRenderer(join(import.meta.dirname, '..', 'renderer'))
      registerIpc(ipcMain, service, uiUrl, (c) => windows.has(c))
      const send = (command: string): void => BrowserWindow.getFocusedWindow()?.webContents.send(IPC_COMMANDS, command)
      Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform === 'darwin', send, openWindow)))
      openWindow()
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) openWindow()
      })
    })

    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit()
    })
    // Electron quits as soon as `before-quit` returns unless it is prevented: hold it until the recordings and
    // profiles are on disk (bounded, so a stuck disk cannot keep the app from quitting), then quit for real.
    app.on('before-quit', (event) => {
      if (quitting || !service) return
      event.preventDefault()
      quitting = true
      void service
        .shutdown(SHUTDOWN_BOUND_MS)
        .catch(() => undefined)
        .finally(() => {
          lock.release()
          app.quit()
        })
    })
  }
}
