/** Electron adapters for the data side: safeStorage as the encryption backend, native file dialogs. */
import { BrowserWindow, dialog, safeStorage } from 'electron'
import { readFile, writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { EncryptionBackend } from '../store/secrets'
import type { FileAccess } from '../service/dataMethods'

export function safeStorageBackend(): EncryptionBackend {
  const available = safeStorage.isEncryptionAvailable()
  const linuxBasic = process.platform === 'linux' && available && safeStorage.getSelectedStorageBackend() === 'basic_text'
  return {
    kind: !available ? 'none' : linuxBasic ? 'basic_text' : 'os',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (cipher) => safeStorage.decryptString(cipher)
  }
}

export const dialogFiles: FileAccess = {
  async save(defaultName, content) {
    const win = BrowserWindow.getFocusedWindow()
    const r = win
      ? await dialog.showSaveDialog(win, { defaultPath: defaultName })
      : await dialog.showSaveDialog({ defaultPath: defaultName })
    if (r.canceled || !r.filePath) return null
    await writeFile(r.filePath, content, { mode: 0o600 })
    return r.filePath
  },
  // Large exports (a recording of any size) are written straight to the chosen file, never held as one string.
  async saveWith(defaultName, write) {
    const win = BrowserWindow.getFocusedWindow()
    const r = win
      ? await dialog.showSaveDialog(win, { defaultPath: defaultName })
      : await dialog.showSaveDialog({ defaultPath: defaultName })
    if (r.canceled || !r.filePath) return null
    await write(r.filePath)
    return r.filePath
  },
  async open() {
    const opts = {
      properties: ['openFile' as const],
      filters: [{ name: 'Sockscope, Insomnia, Postman, HAR, NDJSON', extensions: ['json', 'har', 'ndjson', 'yaml'] }]
    }
    const win = BrowserWindow.getFocusedWindow()
    const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts)
    const path = r.filePaths[0]
    if (r.canceled || !path) return null
    return { name: basename(path), content: await readFile(path, 'utf8') }
  },
  async pickFolder() {
    const opts = { properties: ['openDirectory' as const], title: 'Open a folder of scenarios' }
    const win = BrowserWindow.getFocusedWindow()
    const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts)
    return r.canceled ? null : (r.filePaths[0] ?? null)
  }
}
