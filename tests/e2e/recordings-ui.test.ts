/**
 * Issue 15, recordings a user controls, in the dialog: search by URL or date, delete one and delete all behind a
 * confirmation (a live recording cannot be deleted), and a connection set not to record leaves none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { connectTo, launchChromium, sendText } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'

let browser: Browser
let app: AppUnderTest
let alpha: RunningWs
let beta: RunningWs

beforeAll(async () => {
  browser = await launchChromium()
  ;[app, alpha, beta] = await Promise.all([launchApp(browser), startWsServer(), startWsServer()])
})
afterAll(async () => {
  await app?.stop()
  await browser?.close()
  await alpha?.close()
  await beta?.close()
})

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Recordings' })
const rows = (page: Page) => dialog(page).getByRole('row')

async function visit(page: Page, url: string): Promise<void> {
  await connectTo(page, url)
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click()
  await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Disconnected' }).waitFor()
}

describe('the Recordings dialog', () => {
  it('searches, deletes one and all after confirming, keeps the live one, and honours "Record this connection"', async () => {
    const { page, errors } = await app.open()
    await visit(page, `${alpha.url}/alpha`)
    await visit(page, `${beta.url}/beta`)
    // Not recorded: turned off in the settings, and the summary says so.
    await page.getByRole('button', { name: /Open the connection settings/ }).click()
    await page.getByRole('tab', { name: 'Advanced' }).click()
    await page.getByLabel(/^Record this connection/).uncheck()
    await visit(page, `${beta.url}/unrecorded`)
    expect(await page.getByRole('button', { name: /Open the connection settings/ }).innerText()).toContain('not recorded')
    // A live one: connected and recorded.
    await page.getByRole('button', { name: 'New connection' }).click()
    await connectTo(page, `${alpha.url}/live`)

    await page.getByRole('button', { name: 'Recordings…' }).click()
    await expect.poll(() => rows(page).count()).toBe(3)
    const search = dialog(page).getByRole('searchbox', { name: 'Search recordings' })
    await search.fill('beta')
    await expect.poll(() => rows(page).count()).toBe(1)
    expect(await rows(page).first().innerText()).toContain('/beta')
    await search.fill(String(new Date().getFullYear()))
    await expect.poll(() => rows(page).count()).toBe(3)
    await search.fill('nothing like this')
    await dialog(page).getByText('No recording matches the search.').waitFor()
    await search.fill('')

    // Delete one: asked first; Cancel keeps it.
    const betaRow = rows(page).filter({ hasText: '/beta' })
    await betaRow.getByRole('button', { name: /^Delete recording / }).click()
    const confirm = page.getByRole('dialog', { name: 'Confirm' })
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    expect(await rows(page).count()).toBe(3)
    await betaRow.getByRole('button', { name: /^Delete recording / }).click()
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click()
    await expect.poll(() => rows(page).count()).toBe(2)
    // The live one cannot be deleted; "Delete all" takes the rest.
    expect(
      await rows(page)
        .filter({ hasText: '/live' })
        .getByRole('button', { name: /^Delete recording / })
        .isDisabled()
    ).toBe(true)
    await dialog(page).getByRole('button', { name: 'Delete all…' }).click()
    expect(await confirm.innerText()).toContain('Delete 1 recording(s)? Live ones stay.')
    await confirm.getByRole('button', { name: 'Delete all', exact: true }).click()
    await expect.poll(() => rows(page).count()).toBe(1)
    expect(await rows(page).first().innerText()).toContain('/live')
    expect(errors).toEqual([])
    await page.close()
  })

  it('replays with the recorded settings, shows progress and completion, and waits for secrets it could not keep', async () => {
    const seen: Array<{ path: string; team?: string; auth?: string; protocol?: string }> = []
    const echo = await startWsServer({
      onConnection: (ws, req) => {
        seen.push({ path: req.url ?? '', team: req.headers['x-team'] as string, auth: req.headers.authorization, protocol: ws.protocol })
        ws.on('message', (d, binary) => ws.send(d, { binary }))
      }
    })
    try {
      const { page, errors } = await app.open()
      await page.getByRole('button', { name: 'New connection' }).click()
      await page.getByRole('textbox', { name: 'URL' }).fill(`${echo.url}/replayed`)
      await page.getByRole('tab', { name: 'Headers' }).click()
      await page.getByRole('button', { name: 'Add header' }).click()
      await page.getByLabel('Header 1 name').fill('X-Team')
      await page.getByLabel('Header 1 value').fill('blue')
      await page.getByRole('tab', { name: 'Subprotocols' }).click()
      await page.getByRole('textbox', { name: 'Subprotocols' }).fill('chat.v2')
      await page.getByRole('tab', { name: 'Auth' }).click()
      await page.locator('#auth-type').selectOption('bearer')
      await page.getByLabel('Token').fill('tok-123')
      await connectTo(page, `${echo.url}/replayed`)
      for (const m of ['first', 'second', 'third']) {
        await page.getByRole('textbox', { name: 'Message' }).fill(m)
        await page.getByRole('button', { name: 'Send', exact: true }).click()
      }
      await page.locator('[aria-label="Message log"] .row.in', { hasText: 'third' }).waitFor()
      await page.getByRole('button', { name: 'Disconnect', exact: true }).click()
      await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Disconnected' }).waitFor()

      await page.getByRole('button', { name: 'Recordings…' }).click()
      await dialog(page).getByRole('radio', { name: /every/ }).check()
      await dialog(page).getByRole('spinbutton', { name: 'Replay interval (ms)' }).fill('0')
      await rows(page)
        .filter({ hasText: '/replayed' })
        .getByRole('button', { name: /^Replay / })
        .click()
      // The token was not recorded: the new tab has every other setting and asks for it.
      await page.getByText(/recordings never keep secrets: enter the bearer token/).waitFor()
      await page
        .getByRole('button', { name: 'Open the connection settings' })
        .or(page.getByRole('tab', { name: 'Auth' }))
        .first()
        .click()
      if (await page.getByRole('tab', { name: 'Auth' }).count()) await page.getByRole('tab', { name: 'Auth' }).click()
      await page.getByLabel('Token').fill('tok-again')
      await page.getByRole('button', { name: 'Start replay' }).click()
      await page.getByRole('status', { name: 'Replay progress' }).filter({ hasText: 'Replay complete: all 3 messages sent.' }).waitFor()
      expect(seen.at(-1)).toEqual({ path: '/replayed', team: 'blue', auth: 'Bearer tok-again', protocol: 'chat.v2' })
      expect(errors).toEqual([])
      await page.close()
    } finally {
      await echo.close()
    }
  })

  it('serves a recording as a mock on 127.0.0.1 (issue 18): a tab connected to it gets the recorded reply, and its log says so', async () => {
    const echo = await startWsServer({ onConnection: (ws) => ws.on('message', (d) => ws.send(`echo: ${String(d)}`)) })
    try {
      const { page } = await app.open()
      await connectTo(page, `${echo.url}/mocked`)
      await sendText(page, 'hi')
      await page.locator('[aria-label="Message log"] .row.in').filter({ hasText: 'echo: hi' }).waitFor()
      await page.getByRole('button', { name: 'Disconnect', exact: true }).click()
      await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Disconnected' }).waitFor()
      await page.getByRole('button', { name: 'Recordings…' }).click()
      const row = rows(page).filter({ hasText: '/mocked' }).first()
      await row.getByRole('button', { name: / as mock$/ }).click()
      const form = dialog(page).getByRole('form', { name: 'Serve as mock' })
      expect(await form.getByLabel('Mock host').inputValue()).toBe('127.0.0.1')
      await form.getByRole('button', { name: 'Start mock' }).click()
      const mock = dialog(page).getByRole('group', { name: /^Mock of / })
      const url = (await mock.locator('.url').textContent())!
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)
      await mock.getByRole('button', { name: 'Open a tab to it' }).click()
      await dialog(page).getByRole('button', { name: 'Close' }).click()
      await connectTo(page, url)
      await sendText(page, 'hi')
      await page.locator('[aria-label="Message log"] .row.in').filter({ hasText: 'echo: hi' }).waitFor()
      await page.getByRole('button', { name: 'Recordings…' }).click()
      await expect
        .poll(() =>
          dialog(page)
            .getByRole('list', { name: `What clients did on ${url}` })
            .textContent()
        )
        .toMatch(/✓.*→/s)
      await dialog(page)
        .getByRole('group', { name: /^Mock of / })
        .getByRole('button', { name: 'Stop' })
        .click()
      await expect
        .poll(() =>
          dialog(page)
            .getByRole('group', { name: /^Mock of / })
            .count()
        )
        .toBe(0)
      await page.context().close()
    } finally {
      await echo.close()
    }
  })
})
