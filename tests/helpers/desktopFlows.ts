/**
 * User flows and checks shared by the two desktop suites: the harness (tests/desktop) and the real binary
 * (tests/electron) drive the same UI and look at the same data folder.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import type { WebSocket } from 'ws'
import { startWsServer, type RunningWs } from './servers'

/** What the Data panel says about secrets, per safeStorage backend (src/main/store/secrets.ts). */
export const SECRET_NOTES = {
  os: 'Secrets are encrypted with the operating system keychain and kept apart from the profiles file.',
  basicText: 'No keyring was found, so secrets are not saved (they would be protected by a fixed key only). Opt in to save them anyway.',
  basicTextOptedIn: 'No keyring was found: secrets are saved with a fixed key (no real protection), because you opted in.',
  none: 'Encryption is unavailable here, so secrets stay in memory for this session.'
}

/**
 * A server that, once a client sends anything, floods it with `n1`, `n2`, … 50 at a time, the next 50 once the
 * last reached the kernel (paced, so the process running it keeps answering), until the socket closes.
 */
export async function startNumberedFlood(): Promise<{ server: RunningWs; sent(): number }> {
  let sent = 0
  const server = await startWsServer({
    onConnection: (ws: WebSocket) =>
      ws.once('message', () => {
        const pump = (): void => {
          if (ws.readyState !== ws.OPEN) return
          for (let i = 0; i < 49; i++) ws.send(`n${++sent}`)
          ws.send(`n${++sent}`, (err) => {
            if (!err) setTimeout(pump, 1)
          })
        }
        pump()
      })
  })
  return { server, sent: () => sent }
}

/** How many messages the status bar says the active tab received ("In 1,234 (…)"), whatever the digit grouping. */
export async function shownIn(page: Page): Promise<number> {
  // A <footer> inside <main>: labelled, but no landmark role to find it by.
  const text = await page.locator('footer[aria-label="Status bar"]').innerText()
  const m = /In ([\d.,\s\u00a0\u202f']+) \(/.exec(text)
  if (!m) throw new Error(`no "In N" in the status bar: ${text}`)
  return Number(m[1].replace(/\D/g, ''))
}

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
