/**
 * Issue 15, errors where the eyes are: a failed connection shows a banner under the URL bar with the error's class,
 * Node's code and the next step as buttons that do it; it stays until an attempt succeeds or it is dismissed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { closedPort, startWsServer, type RunningWs } from '../helpers/servers'
import { makeCA, makeServerCert } from '../helpers/certs'

let browser: Browser
let app: AppUnderTest
/** A wss server whose certificate comes from a CA this machine has never heard of. */
let unknownCa: RunningWs
let caFile: string
const temps: string[] = []

beforeAll(async () => {
  const ca = makeCA('Error Banner Test CA')
  const leaf = makeServerCert(ca)
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-banner-'))
  temps.push(dir)
  caFile = join(dir, 'test-ca.pem')
  writeFileSync(caFile, ca.cert)
  browser = await launchChromium()
  ;[app, unknownCa] = await Promise.all([launchApp(browser), startWsServer({ tls: { cert: leaf.cert, key: leaf.key } })])
})
afterAll(async () => {
  await app?.stop()
  await browser?.close()
  await unknownCa?.close()
  for (const d of temps) rmSync(d, { recursive: true, force: true })
})

const banner = (page: Page) => page.getByRole('region', { name: 'Connection error' })
const button = (page: Page, name: string) => banner(page).getByRole('button', { name, exact: true })
/** By its name: the log's role is changing (a live log, then a listbox or grid) while its name stays. */
const messageLog = (page: Page) => page.getByLabel('Message log', { exact: true })
const state = (page: Page) => page.getByRole('status', { name: 'Connection state' })
/** "Connected" itself: a plain text filter would also match "Disconnected". */
const connected = (page: Page) =>
  state(page)
    .filter({ hasText: /^\s*Connected\s*$/ })
    .waitFor({ timeout: 10_000 })

async function tryConnect(page: Page, url: string): Promise<void> {
  await page.getByRole('textbox', { name: 'URL' }).fill(url)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
}

/** The banner once it names this code; its text. */
async function bannerWith(page: Page, code: string): Promise<string> {
  await banner(page).filter({ hasText: code }).waitFor({ timeout: 10_000 })
  return banner(page).innerText()
}

describe('the connection error banner', () => {
  it('an unknown CA: the banner names the code and offers the fixes; allowing invalid certificates connects and clears it', async () => {
    const { page, errors } = await app.open()
    await tryConnect(page, unknownCa.url)
    const text = await bannerWith(page, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    expect(text).toContain("The server's certificate is not trusted")
    expect(text).toContain('import its CA in the TLS tab') // the engine's next step, where the eyes are
    // Screen readers hear it: the words are an alert inside the labelled region.
    expect(await banner(page).getByRole('alert').innerText()).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    const names = await banner(page).getByRole('button').allInnerTexts()
    expect(names.map((n) => n.trim())).toEqual([
      'Import CA…',
      'Allow invalid certificates for this connection',
      'Open TLS settings',
      'Retry',
      'Dismiss'
    ])

    await button(page, 'Allow invalid certificates for this connection').click()
    await connected(page)
    await banner(page).waitFor({ state: 'detached' })
    // The choice is this tab's setting, visible as such; the log keeps its row of the failure.
    expect(await page.getByRole('button', { name: 'Open the connection settings' }).innerText()).toContain('TLS: not verified')
    expect(await messageLog(page).innerText()).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    expect(unknownCa.requests.length).toBeGreaterThan(0)
    expect(errors).toEqual([])
    await page.close()
  })

  it('an unknown CA: "Open TLS settings" opens them at the CA field, and "Import CA…" takes the CA file and connects', async () => {
    const { page, errors } = await app.open()
    await tryConnect(page, unknownCa.url)
    await bannerWith(page, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')

    await button(page, 'Open TLS settings').click()
    expect(await page.getByRole('tab', { name: 'TLS' }).getAttribute('aria-selected')).toBe('true')
    await page.waitForFunction(() => document.activeElement?.id === 'tls-ca')

    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), button(page, 'Import CA…').click()])
    await chooser.setFiles(caFile)
    await connected(page)
    await banner(page).waitFor({ state: 'detached' })
    // Verified, not skipped: the CA did it (the settings fold once connected; their line says what is set).
    const summary = await page.getByRole('button', { name: 'Open the connection settings' }).innerText()
    expect(summary).toContain('TLS: custom CA')
    expect(summary).not.toContain('not verified')
    expect(errors).toEqual([])
    await page.close()
  })

  it('a refused connection shows ECONNREFUSED with Retry; Dismiss hides it, and Retry connects once a server listens', async () => {
    const { page, errors } = await app.open()
    const port = await closedPort()
    const url = `ws://127.0.0.1:${port}/`
    await tryConnect(page, url)
    const text = await bannerWith(page, 'ECONNREFUSED')
    expect(text).toContain('Connection refused')
    expect(text).toContain('Nothing is listening there')
    expect(await button(page, 'Retry').isVisible()).toBe(true)
    expect(
      await banner(page)
        .getByRole('button', { name: /certificates|Import CA|TLS/ })
        .count()
    ).toBe(0)

    await button(page, 'Dismiss').click()
    await banner(page).waitFor({ state: 'detached' })
    expect(await messageLog(page).innerText()).toContain('ECONNREFUSED') // the log keeps its row

    // A new attempt that fails brings it back; Retry, once something listens there, connects and clears it.
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await bannerWith(page, 'ECONNREFUSED')
    const late = await startWsServer({ port })
    try {
      await button(page, 'Retry').click()
      await connected(page)
      await banner(page).waitFor({ state: 'detached' })
    } finally {
      await late.close()
    }
    expect(errors).toEqual([])
    await page.close()
  })

  it('ws:// to a TLS-only port offers "Use wss://", which switches the scheme and tries again', async () => {
    const { page, errors } = await app.open()
    const plain = `ws://127.0.0.1:${unknownCa.port}/feed`
    await tryConnect(page, plain)
    await bannerWith(page, 'ECONNRESET')
    await button(page, 'Use wss://').click()
    expect(await page.getByRole('textbox', { name: 'URL' }).inputValue()).toBe(`wss://127.0.0.1:${unknownCa.port}/feed`)
    // It now reaches the TLS server, which says what is wrong next.
    await bannerWith(page, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    expect(errors).toEqual([])
    await page.close()
  })

  it('retries read as one row per failed attempt; the tab says reconnecting; "Reconnect now" tries at once', async () => {
    const { page, errors } = await app.open()
    const port = await closedPort()
    await page.getByRole('textbox', { name: 'URL' }).fill(`ws://127.0.0.1:${port}/`)
    await page.getByRole('tab', { name: 'Ping & reconnect' }).click()
    await page.getByLabel('Reconnect automatically').check()
    // A backoff of a minute: the second attempt within the test can only come from "Reconnect now".
    await page.getByLabel('Backoff base (ms)').fill('60000')
    await page.getByLabel('Backoff cap (ms)').fill('60000')
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    const rows = messageLog(page).getByRole('option')
    await messageLog(page)
      .getByText(/^Attempt 1 failed: \[ECONNREFUSED\]/)
      .waitFor()
    const now = page.getByRole('button', { name: 'Reconnect now' })
    await now.waitFor()
    await page
      .getByRole('tablist', { name: 'Connections' })
      .getByRole('tab', { name: /reconnecting/ })
      .waitFor()
    await now.click()
    await messageLog(page)
      .getByText(/^Attempt 2 failed: \[ECONNREFUSED\]/)
      .waitFor({ timeout: 5_000 })
    // Before: connecting, the error, "Closed 1006" and the schedule, for every attempt.
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringContaining('Connecting (attempt 1)…'),
      expect.stringContaining('Attempt 1 failed'),
      expect.stringContaining('Attempt 2 failed')
    ])
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click()
    await now.waitFor({ state: 'detached' })
    expect(errors).toEqual([])
    await page.close()
  })
})
