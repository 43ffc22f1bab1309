/** End-to-end harness: the real browser-mode host (built output) and Debian's Chromium through Playwright. */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const ROOT = resolve(import.meta.dirname, '..', '..')

export interface Host {
  url: string
  origin: string
  token: string
  dataDir: string
  proc: ChildProcess
  output: string[]
  stop(): Promise<void>
}

/** Starts `node out/main/web.js --port 0 --no-open` on a data folder and waits for its URL line. */
export async function startHost(dataDir = mkdtempSync(join(tmpdir(), 'sockscope-e2e-')), ownsDir = true): Promise<Host> {
  const proc = spawn(process.execPath, [join(ROOT, 'out', 'main', 'web.js'), '--port', '0', '--no-open', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const output: string[] = []
  const url = await new Promise<string>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`browser mode did not print its URL: ${output.join('')}`)), 15_000)
    const onData = (b: Buffer): void => {
      output.push(b.toString())
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(output.join(''))
      if (m) {
        clearTimeout(t)
        res(m[1])
      }
    }
    proc.stdout!.on('data', onData)
    proc.stderr!.on('data', (b: Buffer) => output.push(b.toString()))
    proc.on('exit', (code) => rej(new Error(`browser mode exited with ${code}: ${output.join('')}`)))
  })
  const u = new URL(url)
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token')!,
    dataDir,
    proc,
    output,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r))
        proc.kill('SIGTERM')
        await exited
      }
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own browser where one is installed. */
export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  return undefined
}

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs]
  })
}

/** Opens the app and fails the test on any page error. */
export async function openApp(
  browser: Browser,
  host: Host,
  opts: { colorScheme?: 'light' | 'dark' } = {}
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: opts.colorScheme ?? 'light' })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(host.url)
  await page.getByRole('textbox', { name: 'URL' }).waitFor()
  return { page, errors }
}

export async function connectTo(page: Page, wsUrl: string): Promise<void> {
  await page.getByRole('textbox', { name: 'URL' }).fill(wsUrl)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor({ timeout: 10_000 })
}

export async function sendText(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.click()
  await box.fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

/** Opens the log's overflow panel ("Log actions": Clear, Export JSON, the cap and memory budget) unless it is open. */
export async function openLogActions(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: 'Log actions' })
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click()
}

/** Opens the filter's "Show" panel (direction and kind checkboxes) unless it is open. */
export async function openRowsToShow(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: /^Show:/ })
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click()
}
