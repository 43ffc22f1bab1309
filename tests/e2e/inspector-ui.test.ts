import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { connectTo, launchChromium, openRowsToShow, sendText } from './harness'
import { APP_PATH, launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'

let app: AppUnderTest
let browser: Browser
let echo: RunningWs

beforeAll(async () => {
  ;[browser, echo] = await Promise.all([launchChromium(), startWsServer()])
  app = await launchApp(browser)
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await echo?.close()
})

const log = (page: Page) => page.getByRole('listbox', { name: 'Message log' })
const rows = (page: Page, cls = '') => log(page).locator(`.row${cls}`)

describe(`the inspector UI in Chromium (${APP_PATH} path)`, () => {
  it('filters by substring and /regex/, by direction, and shows the count', async () => {
    const { page, errors } = await app.open()
    await connectTo(page, echo.url)
    for (const m of ['alpha 1', 'beta 22', 'alpha 333']) await sendText(page, m)
    await expect.poll(() => rows(page, '.in').count()).toBe(3)
    const filter = page.getByRole('searchbox', { name: 'Filter messages' })
    await filter.fill('alpha')
    await expect.poll(() => rows(page).count()).toBe(4) // 2 out + 2 in
    await expect.poll(() => page.getByText(/4 of \d+ match/).count()).toBe(1)
    await filter.fill('/\\d{3}$/')
    await expect.poll(() => rows(page).count()).toBe(2)
    await openRowsToShow(page)
    await page.getByRole('checkbox', { name: 'Out' }).uncheck()
    await expect.poll(() => rows(page).count()).toBe(1)
    expect(await rows(page).first().innerText()).toContain('alpha 333')
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('shows a JSON message as a collapsible tree with copyable paths', async () => {
    const { page } = await app.open()
    await connectTo(page, echo.url)
    await sendText(page, '{"user":{"name":"Ada","roles":["admin","dev"]},"n":42}')
    await rows(page, '.in').first().click()
    const detail = page.getByRole('complementary', { name: 'Message detail' })
    await detail.getByRole('tab', { name: 'JSON' }).waitFor()
    expect(await detail.getByRole('tab', { name: 'JSON' }).getAttribute('aria-selected')).toBe('true')
    await detail.getByText('"Ada"').waitFor()
    await detail.getByRole('button', { name: 'Collapse $.user', exact: true }).click()
    await expect.poll(() => detail.getByText('"Ada"').count()).toBe(0)
    await detail.getByRole('button', { name: 'Copy path $.n', exact: true }).waitFor({ state: 'attached' })
    await page.context().close()
  })

  it('shows a binary message as a hex dump, base64 and text', async () => {
    const bin = await startWsServer({ onConnection: (ws) => ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x41, 0x42]), { binary: true }) })
    const { page } = await app.open()
    await connectTo(page, bin.url)
    await rows(page, '.in').first().click()
    const detail = page.getByRole('complementary', { name: 'Message detail' })
    await detail.getByText('00000000  de ad be ef 41 42').waitFor()
    await detail.getByRole('tab', { name: 'Base64' }).click()
    await detail.getByText('3q2+70FC').waitFor()
    expect(await rows(page, '.in').first().innerText()).toContain('de ad be ef 41 42')
    await bin.close()
    await page.context().close()
  })

  it('shows RTTs in the log and the status bar with pings on', async () => {
    const { page } = await app.open()
    await page.getByRole('tab', { name: 'Ping & reconnect' }).click()
    await page.getByRole('spinbutton', { name: 'Ping interval (seconds)' }).fill('1')
    await connectTo(page, echo.url)
    await log(page)
      .getByText(/RTT \d+\.\d ms/)
      .first()
      .waitFor({ timeout: 5000 })
    await expect.poll(() => page.getByTestId('rtt').innerText()).toMatch(/RTT last [\d.]+ (ms|µs) · avg [\d.]+ (ms|µs)/)
    await page.context().close()
  })

  it('shows a close with its code, meaning and reason', async () => {
    const closer = await startWsServer({ onConnection: (ws) => ws.on('message', () => ws.close(4001, 'session expired')) })
    const { page } = await app.open()
    await connectTo(page, closer.url)
    await sendText(page, 'bye')
    await log(page).getByText('Closed 4001 (Application-defined code) by server: session expired').waitFor()
    await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Disconnected' }).waitFor()
    await closer.close()
    await page.context().close()
  })

  it('keeps two connections at once, each with its own log', async () => {
    const second = await startWsServer({ onConnection: (ws) => ws.on('message', (d) => ws.send(`second:${d}`)) })
    const { page } = await app.open()
    await connectTo(page, echo.url)
    await sendText(page, 'to first')
    await page.getByRole('button', { name: 'New connection' }).click()
    await expect.poll(() => page.getByRole('tablist', { name: 'Connections' }).getByRole('tab').count()).toBe(2)
    await connectTo(page, second.url)
    await sendText(page, 'to second')
    await log(page).getByText('second:to second').waitFor()
    expect(await log(page).getByText('to first').count()).toBe(0)
    await page.getByRole('tablist', { name: 'Connections' }).getByRole('tab').first().click()
    await log(page).getByText('to first').first().waitFor()
    expect(await page.getByRole('status', { name: 'Connection state' }).innerText()).toContain('Connected')
    // Closing the tab of an open connection asks first.
    await page
      .getByRole('button', { name: /^Close tab / })
      .first()
      .click()
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()
    expect(await page.getByRole('tablist', { name: 'Connections' }).getByRole('tab').count()).toBe(2)
    await second.close()
    await page.context().close()
  })

  it('pause view freezes the rows while capture continues and counts what waits', async () => {
    const ticker = await startWsServer({
      onConnection: (ws) => {
        let n = 0
        const t = setInterval(() => ws.send(`tick ${++n}`), 20)
        ws.on('close', () => clearInterval(t))
      }
    })
    const { page } = await app.open()
    await connectTo(page, ticker.url)
    await log(page).getByText('tick 5', { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Pause view' }).click()
    // Let the frame that was already scheduled at the click paint the rows up to the pause point.
    await page.getByText(/new messages waiting/).waitFor()
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')
    const frozen = await rows(page, '.in').last().innerText()
    // Ticks keep arriving (counted as waiting) while the rows stay as they were.
    await expect
      .poll(async () => Number(/(\d+) new messages waiting/.exec(await page.getByText(/new messages waiting/).innerText())?.[1]))
      .toBeGreaterThan(5)
    expect(await rows(page, '.in').last().innerText()).toBe(frozen)
    await page.getByRole('button', { name: 'Resume view' }).click()
    await expect.poll(async () => rows(page, '.in').last().innerText()).not.toBe(frozen)
    await page.getByRole('button', { name: 'Disconnect' }).click()
    await ticker.close()
    await page.context().close()
  })

  // Only when asked (`npm run screenshots` sets the folder): it checks nothing a test here does not.
  it.runIf(!!process.env.SOCKSCOPE_SCREENSHOT_DIR)('takes screenshots of the main screens in light and dark', async () => {
    // `npm run screenshots` refreshes the README's pictures; a plain test run keeps the tree clean.
    const dir = process.env.SOCKSCOPE_SCREENSHOT_DIR!
    mkdirSync(dir, { recursive: true })
    // At a laptop's window (1024×640) and at 1280×800, in both themes (issue 15).
    for (const [scheme, size] of [
      ['light', { width: 1280, height: 800 }],
      ['dark', { width: 1280, height: 800 }],
      ['light', { width: 1024, height: 640 }],
      ['dark', { width: 1024, height: 640 }]
    ] as const) {
      const { page } = await app.open({ colorScheme: scheme })
      await page.setViewportSize(size)
      await connectTo(page, `${echo.url}/feed`)
      await sendText(page, '{"op":"subscribe","channel":"trades","symbols":["BTC-USD","ETH-USD"]}')
      await sendText(page, 'plain text message')
      await page.getByRole('button', { name: 'Ping / Close…' }).click()
      await page.getByRole('button', { name: 'Send ping' }).click()
      await expect.poll(() => rows(page, '.in').count()).toBe(3)
      await rows(page, '.in').first().click()
      await page.getByRole('button', { name: 'Ping / Close…' }).click()
      const suffix = `${size.width === 1024 ? '-1024' : ''}${APP_PATH === 'desktop' ? '-desktop' : ''}`
      await page.screenshot({ path: join(dir, `main-${scheme}${suffix}.png`) })
      await page.context().close()
    }
  })
})
