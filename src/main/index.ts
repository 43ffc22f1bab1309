/** Electron entry: single-instance lock, hardened window, custom protocol, menu, IPC wiring. Nothing else. */
import { app, BrowserWindow, ipcMain, Menu, type WebContents } from 'electron'
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { IPC_COMMANDS } from '../shared/api'
import { defaultDataDir } from './dataDir'
import { SockscopeService } from './service/service'
import { registerIpc } from './ipc/register'
import { installCrashGuard } from './service/crashGuard'
import { installGuards } from './security'
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './appProtocol'
import { createMainWindow } from './window'
import { menuTemplate } from './menu'
import { ProfileStore } from './store/profileStore'
import { RecordingStore } from './store/recordings'
import { dialogFiles, safeStorageBackend } from './desktopData'

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
    const profiles = new ProfileStore(dataDir, safeStorageBackend(), 'desktop')
    profiles.load()
    service = new SockscopeService({
      appInfo: { mode: 'desktop', version: app.getVersion(), dataDir, platform: process.platform },
      data: { profiles, recordings: new RecordingStore(join(dataDir, 'recordings')), files: dialogFiles, version: app.getVersion() }
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
  app.on('before-quit', () => service?.dispose())
}
