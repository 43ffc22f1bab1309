/**
 * Socket.IO through the UI in Chromium, against the reference server (`socket.io` 4) with a short ping interval:
 * the URL alone picks the protocol, the Protocol settings give the namespace and auth payload, rows show Socket.IO
 * messages (`event welcome /admin`, `ack 7 /admin ← chat`) with the keep-alive muted and hideable, the link outlives
 * several ping timeouts with nobody typing, the composer's form emits with an ack matched to it, a binary event's
 * attachment is named as its part, the raw frames are one toggle away, and a refused namespace shows in the banner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { connectTo, launchChromium, openRowsToShow, sendText } from './harness'
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
    const ack = rows.filter({ has: page.locator('.codec', { hasText: /^ack 7 \/admin ← chat$/ }) })
    await ack.first().waitFor()
    expect(await ack.first().locator('.preview').textContent()).toBe('{"ok":true,"echo":"hi"}')
    expect(await page.getByRole('button', { name: /^Open the connection settings/ }).textContent()).toContain('Socket.IO /admin')

    // The composer's Socket.IO form: an emit that expects its ack gets id 1, and the ack names its emit.
    await page.getByRole('tab', { name: 'Socket.IO', exact: true }).click()
    const form = page.getByRole('group', { name: 'Protocol message' })
    await form.getByLabel('Event').fill('chat')
    await form.getByLabel('Namespace').fill('/admin')
    await form.getByLabel('Expect ack').check()
    await page.getByRole('textbox', { name: /^Arguments/ }).fill('{"text": "from the form"}')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    const formAck = rows.filter({ has: page.locator('.codec', { hasText: /^ack 1 \/admin ← chat$/ }) })
    await formAck.first().waitFor()
    expect(await formAck.first().locator('.preview').textContent()).toBe('{"ok":true,"echo":{"text":"from the form"}}')
    expect(await page.getByRole('button', { name: /^Running:/ }).textContent()).toContain('Running: 0')

    // The keep-alive can be hidden; hidden, it also stops moving the log while the binary event is looked for (a
    // row leaves the page once 10 rows past the end of the view: a ping every 250 ms does that in seconds).
    await openRowsToShow(page)
    await page.getByRole('checkbox', { name: 'Keep-alive' }).uncheck()
    await expect.poll(() => pongs.count()).toBe(0)
    await page.getByRole('button', { name: /^Show:/ }).click()

    // A binary event: its attachment frame is named as part of it. Both labels read at once, and said if missing.
    await form.getByLabel('Expect ack').uncheck()
    await form.getByLabel('Event').fill('want-blob')
    await page.getByRole('textbox', { name: /^Arguments/ }).fill('')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await expect
      .poll(() => rows.locator('.codec').allInnerTexts())
      .toEqual(expect.arrayContaining(['event blob /admin', 'attachment of event blob 1/1']))
    // `npm run screenshots` keeps the README's picture of a Socket.IO conversation.
    const shots = process.env.SOCKSCOPE_SCREENSHOT_DIR
    if (shots) await page.screenshot({ path: join(shots, 'protocols-socketio.png') })

    // The raw frames are one toggle away.
    await openRowsToShow(page)
    await page.getByRole('checkbox', { name: 'Raw frames' }).check()
    await expect.poll(() => rows.locator('.preview', { hasText: /^42\/admin,1\["chat"/ }).count()).toBeGreaterThanOrEqual(1)
    await page.context().close()
  })

  it('says a refused namespace in the error banner, and its button opens the Protocol settings', async () => {
    const { page } = await app.open()
    await page.getByRole('textbox', { name: 'URL' }).fill(url)
    await page.getByRole('tab', { name: 'Protocol', exact: true }).click()
    await page.getByLabel('Socket.IO namespace').fill('/admin')
    await page.getByLabel(/^Socket\.IO auth payload/).fill('{"token": "wrong"}')
    await connectTo(page, url)
    const banner = page.getByRole('region', { name: 'Connection error' })
    await expect.poll(() => banner.textContent()).toContain('Socket.IO refused namespace /admin: not authorized')
    expect(await banner.textContent()).toContain('SOCKETIO_CONNECT_ERROR')
    await banner.getByRole('button', { name: 'Open Protocol settings' }).click()
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('protocol-kind')
    await page.context().close()
  })
})
