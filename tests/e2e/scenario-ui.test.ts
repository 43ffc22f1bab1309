/**
 * "New scenario from selection" in Chromium (issue 18): two rows selected in the log give a scenario of the messages
 * between them; the YAML the dialog shows runs with the scenario runner against the same server and passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { connectTo, launchChromium, openLogActions, sendText } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { parseScenario } from '../../src/scenario/parse'
import { runScenario } from '../../src/scenario/runner'

let browser: Browser
let app: AppUnderTest
let server: RunningWs

beforeAll(async () => {
  browser = await launchChromium()
  app = await launchApp(browser)
  // Echoes text, adding a fresh id and time: a replay must not expect the recorded ones.
  server = await startWsServer({
    onConnection: (ws) =>
      ws.on('message', (d) => ws.send(JSON.stringify({ echo: String(d), id: crypto.randomUUID(), at: new Date().toISOString() })))
  })
})
afterAll(async () => {
  await app?.stop()
  await browser?.close()
  await server?.close()
})

describe('New scenario from selection', () => {
  it('turns the messages between two selected rows into a scenario that passes against the server', async () => {
    const { page } = await app.open()
    await connectTo(page, server.url)
    await sendText(page, 'first')
    await sendText(page, 'second')
    const rows = page.locator('[aria-label="Message log"] .row')
    await expect.poll(() => page.locator('[aria-label="Message log"] .row.in').count()).toBe(2)
    // From the first message out to the last message in.
    await page.locator('[aria-label="Message log"] .row.out').first().click()
    await rows.last().click({ modifiers: ['Shift'] })
    await openLogActions(page)
    await page.getByRole('button', { name: 'New scenario from selection…' }).click()
    const dialog = page.getByRole('dialog', { name: 'New scenario from selection' })
    await dialog.getByText('4 messages between the two selected rows').waitFor()
    const yaml = await dialog.getByRole('textbox', { name: 'Scenario YAML' }).inputValue()
    expect(yaml).toContain('id: "{{*}}"')
    const result = await runScenario(parseScenario(yaml, 'from-the-ui.yaml'))
    expect(result.steps.filter((s) => s.status !== 'passed')).toEqual([])
    expect(result.steps.map((s) => s.kind)).toEqual(['connect', 'send', 'expect', 'send', 'expect'])
    await page.context().close()
  })
})
