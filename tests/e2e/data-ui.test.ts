/** Issue 11 in the real renderer: what the user sees when data or secrets are not where they should be. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { launchChromium, openApp, startHost, type Host } from './harness'
import { startWsServer, type RunningWs } from '../helpers/servers'

let browser: Browser
let echo: RunningWs
const dataDir = mkdtempSync(join(tmpdir(), 'sockscope-e2e-data-'))

beforeAll(async () => {
  ;[browser, echo] = await Promise.all([launchChromium(), startWsServer()])
})
afterAll(async () => {
  await browser?.close()
  await echo?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('issue 11 in Chromium', () => {
  it('item 7: a profile whose secrets are not held refuses to connect, naming them as the user sees them; once entered it connects', async () => {
    let host: Host = await startHost(dataDir, false)
    let { page } = await openApp(browser, host)
    await page.getByRole('textbox', { name: 'URL' }).fill(`${echo.url}/keyed`)
    await page.getByRole('tab', { name: 'Headers' }).click()
    await page.getByRole('button', { name: 'Add header' }).click()
    await page.getByLabel('Header 1 name').fill('X-Api-Secret')
    await page.getByLabel('Header 1 value').fill('s3cr3t-value')
    await page.getByLabel('Header 1 is secret').check()
    await page.getByRole('button', { name: 'Save profile' }).click()
    const dialog = page.getByRole('dialog', { name: 'Save profile' })
    await dialog.getByLabel('Name').fill('Keyed')
    await dialog.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByRole('list', { name: 'Profiles' }).getByRole('listitem').filter({ hasText: 'Keyed' }).waitFor()
    await page.context().close()
    await host.stop()

    // Browser mode keeps secrets in memory only: after a restart this one is not held.
    host = await startHost(dataDir, false)
    ;({ page } = await openApp(browser, host))
    await page.getByRole('list', { name: 'Profiles' }).getByRole('button', { name: 'Keyed', exact: true }).click()
    const banner = page.getByRole('form', { name: 'Missing secrets' })
    await banner.getByText('the value of header “X-Api-Secret”').waitFor()
    const before = echo.requests.length
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    // Before the fix it connected and sent `x-api-secret: ""`.
    await page
      .getByRole('alert')
      .filter({ hasText: "Not connected: this profile's secrets are not held here (the value of header “X-Api-Secret”)" })
      .waitFor()
    expect(echo.requests.length).toBe(before)
    await banner.getByLabel('Secret: the value of header “X-Api-Secret”').fill('typed-again')
    await banner.getByRole('button', { name: 'Use' }).click()
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
    expect(echo.requests.at(-1)!.headers['x-api-secret']).toBe('typed-again')
    await page.context().close()
    await host.stop()
  })
})

describe('issue 11 item 12 in Chromium', () => {
  it('item 12: "Replay this message" sends a captured message as captured, {{braces}} and all', async () => {
    const received: string[] = []
    const server = await startWsServer({
      onConnection: (ws) => {
        ws.send('literal {{token}} from the server')
        ws.on('message', (d) => received.push(d.toString()))
      }
    })
    const host = await startHost()
    const { page } = await openApp(browser, host)
    try {
      await page.getByRole('textbox', { name: 'URL' }).fill(server.url)
      await page.getByRole('button', { name: 'Connect', exact: true }).click()
      const log = page.getByRole('listbox', { name: 'Message log' })
      await log.getByText('literal {{token}} from the server').click()
      await page.getByRole('complementary', { name: 'Message detail' }).getByRole('button', { name: 'Replay this message' }).click()
      // Before the fix it ran through {{variable}} substitution: refused as an unresolved variable (or rewritten).
      await expect.poll(() => received).toEqual(['literal {{token}} from the server'])
    } finally {
      await page.context().close()
      await host.stop()
      await server.close()
    }
  })
})

describe('issue 11 item 11 in Chromium', () => {
  it('item 11: a malformed NDJSON import opens read-only with the good events, and the bad lines named by number', async () => {
    const host = await startHost()
    const { page, errors } = await openApp(browser, host)
    try {
      const lines = [
        JSON.stringify({
          type: 'sockscope-recording',
          version: 1,
          url: 'ws://example.test/',
          startedAt: new Date(0).toISOString(),
          connectionId: 'c'
        }),
        JSON.stringify({ type: 'message', id: 'c', seq: 1, ts: 1, dir: 'in', kind: 'text', size: 9, data: 'good line' }),
        // Before the fix these broke the view: a RangeError in toHex, a TypeError in eventToEntry.
        JSON.stringify({ type: 'message', id: 'c', seq: 2, ts: 2, dir: 'in', kind: 'binary', size: 3, data: 'not bytes' }),
        JSON.stringify({ type: 'message' }),
        'not json at all',
        JSON.stringify({ type: 'message', id: 'c', seq: 3, ts: 3, dir: 'out', kind: 'text', size: 10, data: 'still read' })
      ]
      await page
        .getByLabel('File to import')
        .setInputFiles({ name: 'broken.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n')) })
      const log = page.getByRole('listbox', { name: 'Message log' })
      await log.getByText('good line').waitFor()
      await log.getByText('still read').waitFor()
      await page
        .getByRole('alert')
        .filter({ hasText: /3 line\(s\) were skipped \(line 3: .*; line 4: .*; line 5: not JSON\)/ })
        .waitFor()
      expect(errors).toEqual([])
    } finally {
      await page.context().close()
      await host.stop()
    }
  })
})

describe('issue 11 item 8 in Chromium', () => {
  it('item 8: a reload brings every tab back as it was: settings, composer, profile link, connection and the read-only recording', async () => {
    const host = await startHost()
    const { page, errors } = await openApp(browser, host)
    const tabs = page.getByRole('tablist', { name: 'Connections' }).getByRole('tab')
    const composer = page.getByRole('textbox', { name: 'Message' })
    try {
      // Tab 1: connected, with a header, a composed draft.
      await page.getByRole('textbox', { name: 'URL' }).fill(`${echo.url}/first`)
      await page.getByRole('tab', { name: 'Headers' }).click()
      await page.getByRole('button', { name: 'Add header' }).click()
      await page.getByLabel('Header 1 name').fill('X-Kept')
      await page.getByLabel('Header 1 value').fill('across reloads')
      await page.getByRole('button', { name: 'Connect', exact: true }).click()
      await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
      await composer.click()
      await composer.fill('hello before the reload')
      await page.getByRole('button', { name: 'Send', exact: true }).click()
      await page.getByRole('listbox', { name: 'Message log' }).getByText('hello before the reload').first().waitFor()
      await composer.fill('an unsent draft')
      await page.getByRole('button', { name: 'Save profile' }).click()
      const dialog = page.getByRole('dialog', { name: 'Save profile' })
      await dialog.getByLabel('Name').fill('Kept link')
      await dialog.getByRole('button', { name: 'Save', exact: true }).click()
      await tabs.filter({ hasText: 'Kept link' }).waitFor()
      // Tab 2: not connected, bearer auth, a JSON draft.
      await page.getByRole('button', { name: 'New connection' }).click()
      await page.getByRole('textbox', { name: 'URL' }).fill(`${echo.url}/second`)
      await page.getByRole('tab', { name: 'Auth' }).click()
      await page.locator('#auth-type').selectOption('bearer')
      await page.getByLabel('Token').fill('tok-123')
      await page.getByRole('tab', { name: 'JSON' }).click()
      await composer.click()
      await composer.fill('{"kept": true}')
      // Tab 3: tab 1's recording, read-only.
      await page.getByRole('button', { name: 'Recordings…' }).click()
      await page
        .getByRole('dialog', { name: 'Recordings' })
        .getByRole('button', { name: /^Open recording / })
        .first()
        .click()
      await page.getByRole('listbox', { name: 'Message log' }).getByText('hello before the reload').first().waitFor()
      expect(await tabs.count()).toBe(3)
      await page.waitForTimeout(600) // the page saves its tabs a moment after the last change

      await page.reload()
      await page.getByRole('textbox', { name: 'URL' }).waitFor()
      // Before the fix: connections and logs came back, every tab's settings, composer and the recording tab did not.
      await expect.poll(() => tabs.count()).toBe(3)
      expect(await tabs.nth(0).textContent()).toContain('Kept link')
      await tabs.nth(0).click()
      expect(await page.getByRole('textbox', { name: 'URL' }).inputValue()).toBe(`${echo.url}/first`)
      await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
      // A connected profile's settings are folded to their summary (issue 15); a click opens them.
      await page.getByRole('button', { name: 'Open the connection settings' }).click()
      await page.getByRole('tab', { name: 'Headers' }).click()
      expect(await page.getByLabel('Header 1 value').inputValue()).toBe('across reloads')
      expect(await composer.textContent()).toBe('an unsent draft')
      await tabs.nth(1).click()
      expect(await page.getByRole('textbox', { name: 'URL' }).inputValue()).toBe(`${echo.url}/second`)
      await page.getByRole('tab', { name: 'Auth' }).click()
      expect(await page.getByLabel('Token').inputValue()).toBe('tok-123')
      expect(await composer.textContent()).toBe('{"kept": true}')
      await tabs.nth(2).click()
      // Titled by server and start time, not by file name (issue 15).
      await page.getByText(/Read-only: 127\.0\.0\.1:\d+ · \d{1,2} \w{3} \d{4}, \d{2}:\d{2}:\d{2}/).waitFor()
      await page.getByRole('listbox', { name: 'Message log' }).getByText('hello before the reload').first().waitFor()
      // Read-only means it (issue 15): no composer, the settings shown but not editable, the URL not editable.
      expect(await page.getByRole('textbox', { name: 'Message' }).count()).toBe(0)
      await page.getByText('Nothing is sent from a recording').waitFor()
      expect(await page.getByRole('textbox', { name: 'URL' }).isEditable()).toBe(false)
      await page.getByRole('button', { name: 'Open the connection settings' }).click()
      await page.getByRole('tab', { name: 'Headers' }).click()
      expect(await page.getByRole('button', { name: 'Add header' }).isDisabled()).toBe(true)
      expect(errors).toEqual([])
    } finally {
      await page.context().close()
      await host.stop()
    }
  }, 90_000)
})
