import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Browser } from 'playwright-core'
import { connectTo, launchChromium, openApp, sendText, startHost, type Host } from './harness'
import { startWsServer, type RunningWs } from '../helpers/servers'

let host: Host
let browser: Browser
let echo: RunningWs

beforeAll(async () => {
  ;[host, browser, echo] = await Promise.all([startHost(), launchChromium(), startWsServer()])
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await echo?.close()
})

describe('browser mode in Chromium', () => {
  it('connects to an echo server, sends text and shows the reply in the Message log', async () => {
    const { page, errors } = await openApp(browser, host)
    await connectTo(page, `${echo.url}/echo`)
    await sendText(page, 'hello from chromium')
    const log = page.getByRole('listbox', { name: 'Message log' })
    // Both rows carrying the text, in log order: what we sent, then the echo. Each shows its direction first.
    const rows = log.locator('[data-abs]').filter({ hasText: 'hello from chromium' })
    await expect.poll(() => rows.count()).toBe(2)
    // Each row: direction; time (ms), size and kind as one run of columns; preview.
    const cells = (await rows.allInnerTexts()).map((r) => r.split('\n'))
    const meta = expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} +19 B +text *$/)
    expect(cells).toEqual([
      ['↑ out', meta, 'hello from chromium'],
      ['↓ in', meta, 'hello from chromium']
    ])
    await page.getByRole('button', { name: 'Disconnect' }).click()
    await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Disconnected' }).waitFor()
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('shows the drop and the reconnect when the server goes away and comes back', async () => {
    const dropper = await startWsServer()
    const { page } = await openApp(browser, host)
    await page.getByRole('tab', { name: 'Ping & reconnect' }).click()
    await page.getByLabel('Reconnect automatically').check()
    await page.getByLabel('Backoff base (ms)').fill('100')
    await page.getByLabel('Backoff cap (ms)').fill('300')
    await connectTo(page, dropper.url)
    for (const c of dropper.wss.clients) c.terminate()
    const state = page.getByRole('status', { name: 'Connection state' })
    const log = page.getByRole('listbox', { name: 'Message log' })
    await log.getByText(/Closed 1006/).waitFor()
    await state.filter({ hasText: 'Connected' }).waitFor({ timeout: 10_000 })
    expect(dropper.requests.length).toBe(2)
    await page.getByRole('button', { name: 'Disconnect' }).click()
    await dropper.close()
    await page.context().close()
  })

  it('refuses bridge requests with a wrong or missing token, or a foreign Origin, and logs them', async () => {
    const bridge = `ws://127.0.0.1:${new URL(host.url).port}/bridge`
    const status = (url: string, origin: string): Promise<number> =>
      new Promise((resolve) => {
        const ws = new WebSocket(url, { origin })
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        ws.on('open', () => {
          ws.close()
          resolve(101)
        })
        ws.on('error', () => undefined)
      })
    expect(await status(`${bridge}?token=${host.token}`, host.origin)).toBe(101)
    expect(await status(`${bridge}?token=${'0'.repeat(32)}`, host.origin)).toBe(401)
    expect(await status(bridge, host.origin)).toBe(401)
    expect(await status(`${bridge}?token=${host.token}`, 'http://evil.example')).toBe(403)
    await expect.poll(() => host.output.join('')).toMatch(/refused bridge request \(401\): wrong token/)
    await expect.poll(() => host.output.join('')).toMatch(/refused bridge request \(403\): foreign Origin "http:\/\/evil.example"/)

    // The page itself with a wrong token cannot reach the engine.
    const { page } = await openApp(browser, { ...host, url: `${host.origin}/?token=${'f'.repeat(32)}` })
    // A string, so the test runner's rewrite of the `ws` import cannot touch the browser's own WebSocket.
    const refused = await page.evaluate(
      `new Promise((r) => Object.assign(new WebSocket(${JSON.stringify(`${bridge}?token=${'f'.repeat(32)}`)}), { onopen: () => r(false), onerror: () => r(true) }))`
    )
    expect(refused).toBe(true)
    await page.context().close()
  })
})
