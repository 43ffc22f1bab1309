/**
 * Loads the built main bundle once per test file with the mocked `electron` (the file itself must call
 * `vi.mock('electron', …)`: vitest hoists it only there), on a temporary data folder, and quits it afterwards.
 */
import { afterAll, beforeAll } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { until } from '../helpers/time'
import { recorded, type FakeWindow } from './electronMock'

export interface LoadedShell {
  dataDir: string
  /** The first window the app opened. */
  win: FakeWindow
  /** An IPC event from that window's own page. */
  trustedEvent(): { sender: FakeWindow['webContents']; senderFrame: FakeWindow['webContents']['mainFrame'] }
}

export function loadShell(prefix: string): LoadedShell {
  const shell = {
    dataDir: mkdtempSync(join(tmpdir(), prefix)),
    win: null as unknown as FakeWindow,
    trustedEvent: () => ({ sender: shell.win.webContents, senderFrame: shell.win.webContents.mainFrame })
  }
  beforeAll(async () => {
    process.env.SOCKSCOPE_DATA_DIR = shell.dataDir
    await import(join(resolve(__dirname, '..', '..'), 'out', 'main', 'index.js'))
    await until(() => recorded.windows.length === 1, 'the first window')
    shell.win = recorded.windows[0]
  })
  afterAll(() => {
    for (const fn of recorded.appEvents.get('before-quit') ?? []) fn({ preventDefault: () => undefined })
    rmSync(shell.dataDir, { recursive: true, force: true })
  })
  return shell
}
