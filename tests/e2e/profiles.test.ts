import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { connectTo, launchChromium, openLogActions, sendText } from './harness'
import { APP_PATH, launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { addLocalEnvironment } from './environments'
import { pickCompletion } from './completion'

let browser: Browser
let echo: RunningWs
const dataDir = mkdtempSync(join(tmpdir(), 'sockscope-e2e-profiles-'))

beforeAll(async () => {
  ;[browser, echo] = await Promise.all([launchChromium(), startWsServer()])
})
afterAll(async () => {
  await browser?.close()
  await echo?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe(`profiles, environments and recordings in Chromium (${APP_PATH} path)`, () => {
  it('a saved profile survives a restart on the same data folder and connects', async () => {
    let app: AppUnderTest = await launchApp(browser, { dataDir })
    let { page } = await app.open()
    await page.getByRole('textbox', { name: 'URL' }).fill(`${echo.url}/saved`)
    await page.getByRole('tab', { name: 'Headers' }).click()
    await page.getByRole('button', { name: 'Add header' }).click()
    await page.getByLabel('Header 1 name').fill('X-Team')
    await page.getByLabel('Header 1 value').fill('blue')
    await page.getByRole('button', { name: 'Save profile' }).click()
    const dialog = page.getByRole('dialog', { name: 'Save profile' })
    await dialog.getByLabel('Name').fill('Echo saved')
    await dialog.getByLabel('Folder').fill('Local')
    await dialog.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByRole('list', { name: 'Profiles' }).getByRole('listitem').filter({ hasText: 'Echo saved' }).waitFor()
    await page.context().close()
    await app.stop()

    app = await launchApp(browser, { dataDir })
    ;({ page } = await app.open())
    const item = page.getByRole('list', { name: 'Profiles' }).getByRole('listitem').filter({ hasText: 'Echo saved' })
    await item.waitFor()
    await item.getByRole('button', { name: 'Echo saved', exact: true }).click()
    expect(await page.getByRole('textbox', { name: 'URL' }).inputValue()).toBe(`${echo.url}/saved`)
    const before = echo.requests.length
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
    expect(echo.requests[before].headers['x-team']).toBe('blue')
    await page.context().close()
    await app.stop()
  })

  it('{{variables}} resolve from the active environment, and an unresolved one is flagged, not sent', async () => {
    const app = await launchApp(browser)
    const { page } = await app.open()
    await page.getByRole('textbox', { name: 'URL' }).fill('ws://{{host}}/vars')
    // Said as you type (issue 18), not only at connect.
    await page.getByRole('status', { name: 'URL variables' }).filter({ hasText: 'The URL uses {{host}}' }).waitFor()
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await page.getByRole('alert').filter({ hasText: 'This connection uses {{host}}' }).waitFor()
    await addLocalEnvironment(page, new URL(echo.url).host, { name: 'greeting', value: 'hello from env' })
    expect(await page.getByRole('status', { name: 'URL variables' }).count()).toBe(0)
    expect(await page.getByRole('textbox', { name: 'URL' }).getAttribute('title')).toBe(`Sends to ws://${new URL(echo.url).host}/vars`)
    // In the composer: `{{` offers the environment's names and the dynamic ones; a defined one is marked with its value,
    // an undefined one as missing, as typed.
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.click()
    await page.keyboard.type('{{gre')
    await pickCompletion(page, page.getByRole('option', { name: /greeting/ }))
    await page.keyboard.type('}} {{nope}} {{$uuid}}')
    await expect.poll(() => page.locator('.cm-var').first().getAttribute('title')).toBe('greeting = hello from env')
    expect(await page.locator('.cm-var-missing').textContent()).toBe('{{nope}}')
    expect(await page.locator('.cm-var').nth(1).getAttribute('title')).toMatch(/^\$uuid: a random UUID/)
    await box.fill('')
    const before = echo.requests.length
    await connectTo(page, 'ws://{{host}}/vars')
    expect(echo.requests[before].url).toBe('/vars')
    await sendText(page, '{{greeting}}!')
    await expect.poll(() => page.getByRole('listbox', { name: 'Message log' }).getByText('hello from env!').count()).toBe(2)
    // Dynamic variables are made at each send.
    await sendText(page, 'id {{$uuid}}')
    await expect
      .poll(() =>
        page
          .getByRole('listbox', { name: 'Message log' })
          .getByText(/^id [0-9a-f-]{36}$/)
          .count()
      )
      .toBe(2)
    await page.context().close()
    await app.stop()
  })

  it('a recording exported as NDJSON holds every message even when the log cap was exceeded', async () => {
    const N = 3000
    const flood = await startWsServer({
      onConnection: (ws) =>
        ws.on('message', () => {
          for (let i = 1; i <= N; i++) ws.send(`msg ${i}`)
        })
    })
    const app = await launchApp(browser)
    const { page } = await app.open()
    await openLogActions(page)
    await page.getByRole('combobox', { name: 'Log cap (messages kept)' }).selectOption('1000')
    await connectTo(page, flood.url)
    await sendText(page, 'go')
    await page.getByText(/older messages evicted/).waitFor()
    await page.getByRole('listbox', { name: 'Message log' }).getByText(`msg ${N}`, { exact: true }).waitFor()
    expect(await page.getByText(/older messages evicted/).innerText()).toMatch(/^[\d,]+ older messages evicted/)
    await page.getByRole('button', { name: 'Recordings…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Recordings' })
    const exportBtn = dialog.getByRole('button', { name: /as NDJSON$/ }).first()
    const text = await app.exported(page, () => exportBtn.click())
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({ type: 'sockscope-recording', url: `${flood.url}/` })
    const incoming = lines.filter((l) => l.type === 'message' && l.dir === 'in').map((l) => l.data)
    expect(incoming).toHaveLength(N)
    expect(incoming[0]).toBe('msg 1')
    expect(incoming[N - 1]).toBe(`msg ${N}`)
    await page.context().close()
    await app.stop()
    await flood.close()
  })
})
