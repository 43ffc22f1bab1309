/**
 * Issue 15, validation as the user meets it in Chromium (browser mode): every refusal names the field as shown,
 * says what was wrong and what to do, keeps what was typed, and offers the obvious fix as a button that does it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, openApp, startHost, type Host } from './harness'
import { startWsServer, type RunningWs } from '../helpers/servers'

let host: Host
let browser: Browser
let server: RunningWs

beforeAll(async () => {
  // Picks the last subprotocol offered, so a test can tell that every one of them arrived separately.
  ;[host, browser, server] = await Promise.all([
    startHost(),
    launchChromium(),
    startWsServer({ ws: { handleProtocols: (offered) => [...offered].at(-1) ?? false } })
  ])
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await server?.close()
})

const urlField = (page: Page) => page.getByRole('textbox', { name: 'URL' })
const state = (page: Page) => page.getByRole('status', { name: 'Connection state' })
const alert = (page: Page) => page.getByRole('alert').filter({ hasText: /\w/ })
/** Waits for "Connected" itself: a plain text filter would also match "Disconnected". */
const connected = (page: Page) =>
  state(page)
    .filter({ hasText: /^\s*Connected\s*$/ })
    .waitFor({ timeout: 10_000 })

async function connect(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
}

/** The refusal shown after pressing Connect; the connection never left Disconnected and reached no server. */
async function refusal(page: Page, requestsBefore: number): Promise<string> {
  await connect(page)
  await alert(page).first().waitFor()
  expect(await state(page).innerText()).toContain('Disconnected')
  expect(server.requests.length).toBe(requestsBefore)
  const text = await alert(page).first().innerText()
  expect(text).not.toMatch(/argument|options\.|\b\d+\.[a-z]/)
  return text
}

describe('validation messages and fixes in the browser', () => {
  it('a web-page scheme offers its WebSocket twin as a button that rewrites the URL, and it connects', async () => {
    const { page, errors } = await openApp(browser, host)
    await urlField(page).fill('https://example.com/socket?x=1')
    expect(await refusal(page, server.requests.length)).toContain(
      'URL: https:// is for web pages, not WebSockets; use wss://example.com/socket'
    )
    expect(await urlField(page).inputValue()).toBe('https://example.com/socket?x=1') // kept as typed
    await page.getByRole('button', { name: 'Use wss://example.com/socket?x=1', exact: true }).click()
    expect(await urlField(page).inputValue()).toBe('wss://example.com/socket?x=1')
    await expect.poll(() => alert(page).count()).toBe(0)

    // http:// becomes ws://, and the rewritten URL really connects.
    const plain = server.url.replace(/^ws:/, 'http:') + '/feed'
    await urlField(page).fill(plain)
    expect(await refusal(page, server.requests.length)).toContain('URL: http:// is for web pages, not WebSockets; use ws://')
    await page.getByRole('button', { name: `Use ${server.url}/feed`, exact: true }).click()
    expect(await urlField(page).inputValue()).toBe(`${server.url}/feed`)
    await connect(page)
    await connected(page)
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('a port out of range says so, with no fix button, and keeps the URL', async () => {
    const { page } = await openApp(browser, host)
    await urlField(page).fill('wss://localhost:99999/')
    expect(await refusal(page, server.requests.length)).toBe('URL: the port 99999 is out of range; use a port from 1 to 65535')
    expect(await urlField(page).inputValue()).toBe('wss://localhost:99999/')
    expect(await page.getByRole('button', { name: /^Use / }).count()).toBe(0)
    await page.context().close()
  })

  it('a space-separated subprotocol list is offered as separate subprotocols', async () => {
    const { page } = await openApp(browser, host)
    await urlField(page).fill(server.url)
    await page.getByRole('tab', { name: 'Subprotocols' }).click()
    await page.getByRole('textbox', { name: 'Subprotocols' }).fill('chat  superchat')
    const before = server.requests.length
    await connect(page)
    await connected(page)
    expect(server.requests[before].headers['sec-websocket-protocol']?.split(/\s*,\s*/)).toEqual(['chat', 'superchat'])
    await page.context().close()
  })

  it('a header with a value but no name is refused, numbered as the editor shows it, not dropped', async () => {
    const { page } = await openApp(browser, host)
    await urlField(page).fill(server.url)
    await page.getByRole('tab', { name: 'Headers' }).click()
    await page.getByRole('button', { name: 'Add header' }).click()
    await page.getByRole('button', { name: 'Add header' }).click()
    await page.getByLabel('Header 2 value').fill('abc')
    expect(await refusal(page, server.requests.length)).toMatch(/^Header 2 name: a header with a value needs a name; /)
    expect(await page.getByLabel('Header 2 value').inputValue()).toBe('abc')
    await page.context().close()
  })

  it('a non-ASCII header value is refused with the reason and what to do; percent-encoded, it goes out as typed', async () => {
    const { page } = await openApp(browser, host)
    await urlField(page).fill(server.url)
    await page.getByRole('tab', { name: 'Headers' }).click()
    await page.getByRole('button', { name: 'Add header' }).click()
    await page.getByLabel('Header 1 name').fill('X-User')
    await page.getByLabel('Header 1 value').fill('café')
    const text = await refusal(page, server.requests.length)
    expect(text).toMatch(
      /^Header 1 value: character 4 \("é"\) is not US-ASCII: .*\(RFC 9110 §5\.5\).*percent-encode the value \("é" is %C3%A9\) or base64 it/
    )
    expect(await page.getByLabel('Header 1 value').inputValue()).toBe('café')
    await page.getByLabel('Header 1 value').fill('caf%C3%A9')
    const before = server.requests.length
    await connect(page)
    await connected(page)
    expect(server.requests[before].headers['x-user']).toBe('caf%C3%A9')
    await page.context().close()
  })
})
