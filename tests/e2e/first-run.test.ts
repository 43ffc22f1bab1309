/**
 * Issue 15, first run: "Try with a local echo server" on the empty log starts the app's own echo server, fills the
 * URL and connects; a message sent comes back; the server stops with the app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Browser } from 'playwright-core'
import { launchChromium, sendText } from './harness'
import { APP_PATH, launchApp, type AppUnderTest } from './paths'

let browser: Browser
let app: AppUnderTest | null

beforeAll(async () => {
  browser = await launchChromium()
  app = await launchApp(browser)
})
afterAll(async () => {
  await app?.stop()
  await browser?.close()
})

describe(`first run (${APP_PATH} path)`, () => {
  it('connects to the local echo server from the empty log, echoes, and the server stops when the app does', async () => {
    const { page, errors } = await app!.open()
    await page.getByRole('button', { name: 'Try with a local echo server' }).click()
    await page
      .getByRole('status', { name: 'Connection state' })
      .filter({ hasText: /^\s*Connected\s*$/ })
      .waitFor({ timeout: 10_000 })
    const url = await page.getByRole('textbox', { name: 'URL' }).inputValue()
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/echo$/)
    // Connected, the offer is gone.
    expect(await page.getByRole('button', { name: 'Try with a local echo server' }).count()).toBe(0)
    await sendText(page, 'hello, echo')
    await page.locator('[aria-label="Message log"] .row.in', { hasText: 'hello, echo' }).waitFor()
    expect(errors).toEqual([])
    await app!.stop()
    app = null
    const refused = await new Promise<string>((r) => {
      const ws = new WebSocket(url)
      ws.once('open', () => (ws.close(), r('open')))
      ws.once('error', (e) => r((e as NodeJS.ErrnoException).code ?? e.message))
    })
    expect(refused).toBe('ECONNREFUSED')
  })
})
