/**
 * Shared by the _electron suites: where the Electron binary is (none here: each test then skips with SKIP), a launch
 * on a data folder of its own with the UI up, File › New Window as the menu does it, and the few UI steps the
 * suites share. Functions passed to `app.evaluate` run in Electron's main process: they are serialized, so they
 * must not refer to anything imported or declared in this file.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
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

/** How many messages the status bar says the active tab received ("In 1,234 (…)"), whatever the digit grouping. */
export async function shownIn(page: Page): Promise<number> {
  // A <footer> inside <main>: labelled, but no landmark role to find it by.
  const text = await page.locator('footer[aria-label="Status bar"]').innerText()
  const m = /In ([\d.,\s\u00a0\u202f']+) \(/.exec(text)
  if (!m) throw new Error(`no "In N" in the status bar: ${text}`)
  return Number(m[1].replace(/\D/g, ''))
}

/** The message log of the active tab. */
export const messageLog = (page: Page) => page.getByRole('log', { name: 'Message log' })

/** Fills in a connection with one header and saves it as a profile named `name`, as a user does. */
export async function saveProfile(
  page: Page,
  p: { name: string; url: string; header: string; value: string; secret: boolean }
): Promise<void> {
  await page.getByRole('textbox', { name: 'URL' }).fill(p.url)
  await page.getByRole('tab', { name: 'Headers' }).click()
  await page.getByRole('button', { name: 'Add header' }).click()
  await page.getByLabel('Header 1 name').fill(p.header)
  await page.getByLabel('Header 1 value').fill(p.value)
  if (p.secret) await page.getByLabel('Header 1 is secret').check()
  await page.getByRole('button', { name: 'Save profile' }).click()
  const dialog = page.getByRole('dialog', { name: 'Save profile' })
  await dialog.getByLabel('Name').fill(p.name)
  await dialog.getByRole('button', { name: 'Save', exact: true }).click()
  await page.getByRole('list', { name: 'Profiles' }).getByRole('listitem').filter({ hasText: p.name }).waitFor()
}

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

/** A file's bytes; on Windows a helper process of the app that just quit may hold it a moment longer: retried. */
function readSettled(path: string): Buffer {
  for (let attempt = 1; ; attempt++) {
    try {
      return readFileSync(path)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (attempt >= 20 || (code !== 'EBUSY' && code !== 'EPERM' && code !== 'EACCES')) throw err
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100)
    }
  }
}

/** Every file under `dir` whose bytes hold `text` (as UTF-8 or as UTF-16, the way Chromium stores some strings). */
export function filesHolding(dir: string, text: string): string[] {
  const needles = [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le')]
  const found: string[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile()) {
        const bytes = readSettled(p)
        if (needles.some((n) => bytes.includes(n))) found.push(p)
      }
    }
  }
  walk(dir)
  return found
}
