/** The matrix rows marked (UI): what a person sees in Chromium when the server misbehaves. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { connectTo, launchChromium } from './harness'
import { APP_PATH, launchApp, type AppUnderTest } from './paths'
import { startTcpServer, startWsServer } from '../helpers/servers'
import { makeSelfSigned } from '../helpers/certs'
import { accept, frame, hostileServer } from '../hostile/rawServer'

let app: AppUnderTest
let browser: Browser
const cleanups: Array<() => unknown> = []

beforeAll(async () => {
  browser = await launchChromium()
  app = await launchApp(browser)
})
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!()
  await browser?.close()
  await app?.stop()
})

const log = (page: Page) => page.getByRole('listbox', { name: 'Message log' })
const state = (page: Page) => page.getByRole('status', { name: 'Connection state' })

async function tryConnect(page: Page, url: string): Promise<void> {
  await page.getByRole('textbox', { name: 'URL' }).fill(url)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
}

describe(`hostile servers, as the user sees them (${APP_PATH} path)`, () => {
  it('row 2: a server that never answers the upgrade times out at the configured time', async () => {
    const tcp = await startTcpServer(() => undefined)
    cleanups.push(tcp.close)
    const { page } = await app.open()
    await page.getByRole('tab', { name: 'Advanced' }).click()
    await page.getByLabel('Handshake timeout (ms)').fill('700')
    const t0 = Date.now()
    await tryConnect(page, `ws://127.0.0.1:${tcp.port}/`)
    await log(page)
      .getByText(/\[HANDSHAKE_TIMEOUT\] Opening handshake has timed out/)
      .waitFor()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(650)
    await state(page).filter({ hasText: 'Disconnected' }).waitFor()
    await page.context().close()
  })

  it('row 3: a 401 with a body shows status, headers and body, and is not retried', async () => {
    const s = await hostileServer((u) =>
      u.socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 22\r\n\r\n{"error":"bad token"}\n')
    )
    cleanups.push(s.close)
    const { page } = await app.open()
    await page.getByRole('tab', { name: 'Ping & reconnect' }).click()
    await page.getByLabel('Reconnect automatically').check()
    await tryConnect(page, s.url)
    const row = log(page).getByText(/\[HTTP_401\] Unexpected server response: 401 Unauthorized/)
    await row.waitFor()
    await row.click()
    const detail = page.getByRole('complementary', { name: 'Message detail' })
    await detail.getByText('HTTP 401').waitFor()
    await detail.getByText('{"error":"bad token"}').waitFor()
    // The engine decides on a reconnect as the attempt closes, in the same batch: once Disconnected shows, it has.
    await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Disconnected' }).waitFor()
    // No retry is waiting: there is nothing to hurry.
    expect(await page.getByRole('button', { name: 'Reconnect now' }).count()).toBe(0)
    expect(s.connections).toBe(1)
    await page.context().close()
  })

  it('row 5: a self-signed certificate is rejected with its code and next step, and works after the explicit opt-in', async () => {
    const cert = makeSelfSigned()
    const s = await hostileServer((u) => accept(u), { tls: { cert: cert.cert, key: cert.key } })
    cleanups.push(s.close)
    const { page } = await app.open()
    await tryConnect(page, s.url)
    await log(page)
      .getByText(/\[DEPTH_ZERO_SELF_SIGNED_CERT\].*allow invalid certificates for this connection/)
      .waitFor()
    await page.getByRole('tab', { name: 'TLS' }).click()
    await page.getByRole('checkbox', { name: 'Allow invalid certificates' }).check()
    await page.getByText(/Verification is OFF for this connection/).waitFor()
    await connectTo(page, s.url)
    await log(page)
      .getByText(/certificate NOT verified/)
      .waitFor()
    await page.context().close()
  })

  it('row 7: invalid UTF-8 in a text frame shows close 1007', async () => {
    const s = await hostileServer((u) => {
      accept(u)
      u.socket.write(frame(0x1, Buffer.from([0xc3, 0x28])))
    })
    cleanups.push(s.close)
    const { page } = await app.open()
    await page.getByRole('tab', { name: 'Advanced' }).click()
    await page.getByLabel('Compression (permessage-deflate)').uncheck()
    await tryConnect(page, s.url)
    await log(page)
      .getByText(/Closed 1007 \(Invalid payload data/)
      .waitFor()
    await log(page)
      .getByText(/\[WS_ERR_INVALID_UTF8\]/)
      .waitFor()
    await page.context().close()
  })

  it('row 13: the heartbeat declares a half-open link dead and shows 1006', async () => {
    const s = await hostileServer((u) => {
      accept(u)
      u.socket.pause()
    })
    cleanups.push(s.close)
    const { page } = await app.open()
    await page.getByRole('tab', { name: 'Advanced' }).click()
    await page.getByLabel('Compression (permessage-deflate)').uncheck()
    await page.getByRole('tab', { name: 'Ping & reconnect' }).click()
    await page.getByRole('spinbutton', { name: 'Ping interval (seconds)' }).fill('1')
    await page.getByLabel('Pong timeout (ms)').fill('500')
    await connectTo(page, s.url)
    await log(page)
      .getByText(/\[PONG_TIMEOUT\] No pong within 500 ms/)
      .waitFor({ timeout: 5000 })
    await log(page)
      .getByText(/Closed 1006/)
      .waitFor()
    await page.context().close()
  })

  it('row 17: markup in payloads stays text: no element it names appears in the log or the detail pane', async () => {
    // The CSP stops scripts whether or not the page escapes, so `__pwned` cannot tell; elements can. Each payload
    // would add a `[data-pwn]` element (or `#pwn-b`) to the page if it were rendered as HTML.
    const payloads = [
      '<img data-pwn src=x>',
      '<b id=pwn-b data-pwn>bold</b>',
      '<svg data-pwn width=10 height=10><circle r=5 /></svg>',
      '<iframe data-pwn srcdoc="<p>x</p>"></iframe>',
      '<a data-pwn href="https://example.invalid/">link</a>',
      '<details data-pwn open><summary>s</summary>d</details>',
      '<math data-pwn><mi>x</mi></math>'
    ]
    const server = await startWsServer({
      onConnection: (ws) => ws.on('message', () => [...payloads, 'end of payloads'].forEach((p) => ws.send(p)))
    })
    cleanups.push(server.close)
    const { page, errors } = await app.open()
    await connectTo(page, server.url)
    await page.getByRole('textbox', { name: 'Message' }).fill('go')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await log(page).getByText('end of payloads').waitFor()
    const injected = (): Promise<number> =>
      // The app's own icons are SVGs (lucide, class "lucide") with circles of their own: those are not payloads.
      page.evaluate(`document.querySelectorAll('[data-pwn], #pwn-b, circle:not(svg.lucide circle), mi').length`) as Promise<number>
    expect(await injected()).toBe(0)
    const detail = page.getByRole('complementary', { name: 'Message detail' })
    for (const p of payloads) {
      await log(page).getByText(p, { exact: true }).click() // the row shows it as text
      const shown = detail.getByText(p, { exact: true })
      // Wait until the pane shows the payload: as text, or (if it did not escape) as elements.
      await expect.poll(async () => (await shown.count()) + (await injected())).toBeGreaterThan(0)
      expect(await injected(), p).toBe(0)
      await shown.waitFor()
    }
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('row 17: hostile payloads are shown as inert text, pollute nothing and keep the layout', async () => {
    const payloads = [
      '<script>window.__pwned = 1</script>',
      '<img src=x onerror="window.__pwned = 2">',
      '<a href="javascript:window.__pwned = 3">click me</a>',
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      'bell\u0007 null\u0000 escape\u001b[31m red',
      'abc\u202edlrow olleh\u202c tail',
      'L'.repeat(10 * 1024 * 1024)
    ]
    const server = await startWsServer({ onConnection: (ws) => ws.on('message', () => payloads.forEach((p) => ws.send(p))) })
    cleanups.push(server.close)
    const { page, errors } = await app.open()
    await connectTo(page, server.url)
    await page.getByRole('textbox', { name: 'Message' }).fill('go')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await log(page).getByText('10.0 MiB').waitFor()
    await log(page).getByText('<script>window.__pwned = 1</script>').waitFor()
    for (const text of ['<img src=x onerror="window.__pwned = 2">', '<a href="javascript:window.__pwned = 3">click me</a>']) {
      await log(page).getByText(text).first().click()
    }
    await log(page)
      .getByText(/"__proto__"/)
      .click()
    const detail = page.getByRole('complementary', { name: 'Message detail' })
    await detail.getByText('__proto__:').waitFor()
    await log(page).getByText('bell· null· escape·[31m red').waitFor()
    await log(page).getByText('abc�dlrow olleh� tail').waitFor()
    const probe = (await page.evaluate(`({
      pwned: window.__pwned,
      polluted: ({}).polluted,
      injected: document.querySelectorAll('[role=listbox] img, [role=listbox] script, [role=listbox] a, [aria-label="Message detail"] img, [aria-label="Message detail"] script').length,
      rowHeights: [...document.querySelectorAll('[role=listbox] [data-abs]')].map((r) => r.getBoundingClientRect().height),
      overflow: document.querySelector('[role=listbox]').scrollWidth - document.querySelector('[role=listbox]').clientWidth
    })`)) as { pwned: unknown; polluted: unknown; injected: number; rowHeights: number[]; overflow: number }
    expect(probe.pwned).toBeUndefined()
    expect(probe.polluted).toBeUndefined()
    expect(probe.injected).toBe(0)
    expect(new Set(probe.rowHeights)).toEqual(new Set([24]))
    expect(probe.overflow).toBeLessThanOrEqual(1)
    expect(errors).toEqual([])
    await page.context().close()
  })
})
