/**
 * Shared by the _electron suites: where the Electron binary is (none here: each test then skips with SKIP), a launch
 * on a data folder of its own with the UI up, File › New Window as the menu does it, and the few UI steps the
 * suites share. Functions passed to `app.evaluate` run in Electron's main process: they are serialized, so they
 * must not refer to anything imported or declared in this file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core'
import type { IncomingMessage } from 'node:http'
import type { WebSocket } from 'ws'
import { ROOT } from '../e2e/harness'
import { startWsServer, type RunningWs } from '../helpers/servers'

function electronBinary(): string | null {
  const dir = join(ROOT, 'node_modules', 'electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8'))
  return existsSync(bin) ? bin : null
}

export const bin = electronBinary()
export const SKIP =
  'the Electron binary is not installed here (node_modules/electron/dist is missing; its download is blocked), so the desktop shell cannot be launched'

const running = new Set<ElectronApplication>()
const dirs: string[] = []

/** A data folder of the test's own, removed by `cleanUp`. */
export function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-electron-'))
  dirs.push(dir)
  return dir
}

/** The app on `dataDir` (SOCKSCOPE_DATA_DIR), its first window's UI up. */
export async function launchApp(dataDir: string): Promise<{ app: ElectronApplication; page: Page }> {
  if (!bin) throw new Error(SKIP)
  const app = await electron.launch({ executablePath: bin, args: [ROOT], env: { ...process.env, SOCKSCOPE_DATA_DIR: dataDir } })
  running.add(app)
  app.once('close', () => running.delete(app))
  const page = await app.firstWindow()
  await uiUp(page)
  return { app, page }
}

export async function uiUp(page: Page): Promise<void> {
  await page.getByRole('textbox', { name: 'URL' }).waitFor({ timeout: 20_000 })
}

/** For afterEach: a test that failed half-way must not leave its app running (it holds the data folder). */
export async function closeAll(): Promise<void> {
  for (const app of [...running]) await app.close().catch(() => undefined)
}

/** For afterAll. Windows may hold a file a moment after the app exited: retried. */
export function cleanUp(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 })
}

/** File › New Window, clicked in the main process's application menu; resolves with the new window, UI up. */
export async function newWindow(app: ElectronApplication): Promise<Page> {
  const [page, clicked] = await Promise.all([
    app.waitForEvent('window'),
    app.evaluate(({ Menu }) => {
      const file = Menu.getApplicationMenu()?.items.find((i) => i.label === 'File')
      const item = file?.submenu?.items.find((i) => i.label === 'New Window')
      if (!item) return false
      item.click()
      return true
    })
  ])
  if (!clicked) throw new Error('no File › New Window in the application menu')
  await uiUp(page)
  return page
}

/** The message log of the active tab. */
export const messageLog = (page: Page) => page.getByRole('listbox', { name: 'Message log' })

/** Opens a saved profile in the active tab, as a click in the sidebar does. */
export async function openProfile(page: Page, name: string): Promise<void> {
  await page.getByRole('list', { name: 'Profiles' }).getByRole('button', { name, exact: true }).click()
}

/** An echo server that keeps, per request path, what each connection received and whether it closed. */
export interface PathEcho {
  server: RunningWs
  received: Map<string, string[]>
  closed: string[]
}

export async function startPathEcho(): Promise<PathEcho> {
  const received = new Map<string, string[]>()
  const closed: string[] = []
  const server = await startWsServer({
    onConnection: (ws: WebSocket, req: IncomingMessage) => {
      const path = req.url ?? '/'
      const got: string[] = []
      received.set(path, got)
      ws.on('message', (data, isBinary) => {
        got.push(data.toString())
        ws.send(data, { binary: isBinary })
      })
      ws.on('close', () => closed.push(path))
    }
  })
  return { server, received, closed }
}
