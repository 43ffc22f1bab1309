/**
 * Socket.IO through the UI in Chromium, against the reference server (`socket.io` 4) with a short ping interval:
 * the URL alone picks the protocol, the Protocol settings give the namespace and auth payload, rows show Socket.IO
 * messages (`event welcome /admin`, `ack 7 /admin`) with the keep-alive muted, and the link outlives several ping
 * timeouts with nobody typing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { connectTo, launchChromium, sendText } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { startSocketIoServer, type RunningSocketIo } from '../helpers/socketio'

const PING_INTERVAL = 250
const PING_TIMEOUT = 250

let browser: Browser
let app: AppUnderTest
let server: RunningSocketIo
let url = ''

beforeAll(async () => {
  server = await startSocketIoServer({ pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT })
  url = server.url
  browser = await launchChromium()
  app = await launchApp(browser)
})
afterAll(async () => {
  await app?.stop()
  await browser?.close()
  await server?.close()
})

describe('Socket.IO in the UI', () => {
  it('connects to a namespace with auth, shows Socket.IO messages, and stays connected past the ping timeout', async () => {
    const { page } = await app.open()
    await page.getByRole('textbox', { name: 'URL' }).fill(url)
    await page.getByRole('tab', { name: 'Protocol', exact: true }).click()
    await expect.poll(() => page.getByLabel('Protocol', { exact: true }).locator('option').first().textContent()).toContain('Socket.IO')
    await page.getByLabel('Socket.IO namespace').fill('/admin')
    await page.getByLabel(/^Socket\.IO auth payload/).fill('{"token": "s3cret"}')
    await connectTo(page, url)
    const rows = page.locator('[aria-label="Message log"] .row')
    const welcome = rows.filter({ has: page.locator('.codec', { hasText: /^event welcome \/admin$/ }) })
    await welcome.first().waitFor()
    expect(await welcome.first().locator('.preview').textContent()).toBe('{"n":1}')
    // The CONNECT we sent for the namespace, with its auth payload.
    expect(await rows.locator('.codec', { hasText: /^connect \/admin$/ }).count()).toBeGreaterThanOrEqual(2)

    // Four ping timeouts with nobody typing: the app's pongs keep the link up; they show muted.
    await page.waitForTimeout(4 * (PING_INTERVAL + PING_TIMEOUT))
    await expect.poll(() => page.getByRole('status', { name: 'Connection state' }).textContent()).toContain('Connected')
    const pongs = rows.filter({ has: page.locator('.codec', { hasText: /^engine pong$/ }) })
    await expect.poll(() => pongs.count()).toBeGreaterThanOrEqual(1)
    expect(await pongs.first().getAttribute('class')).toContain('keepalive')

    // An emit typed as its frame gets its ack, matched by id.
    await sendText(page, '42/admin,7["chat","hi"]')
    const ack = rows.filter({ has: page.locator('.codec', { hasText: /^ack 7 \/admin$/ }) })
    await ack.first().waitFor()
    expect(await ack.first().locator('.preview').textContent()).toBe('{"ok":true,"echo":"hi"}')
    expect(await page.getByRole('button', { name: /^Open the connection settings/ }).textContent()).toContain('Socket.IO /admin')
    await page.context().close()
  })
})
