/**
 * The Scenarios panel (issue 18) in Chromium, through the UI: a new file from the sidebar's "Scenarios…", a typo
 * reported with its line as the user types, fixed, then Run saves and shows every step of the live run passed
 * against an echo server the test starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'

let browser: Browser
let app: AppUnderTest
let echo: RunningWs

beforeAll(async () => {
  browser = await launchChromium()
  ;[app, echo] = await Promise.all([launchApp(browser), startWsServer()])
})
afterAll(async () => {
  await app?.stop()
  await browser?.close()
  await echo?.close()
})

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Scenarios' })

const scenario = (url: string, send = 'send'): string => `name: echo
env:
  url: ${url}
steps:
  - connect: "{{url}}"
  - ${send}: hello
  - expect: hello
  - close: { code: 1000 }
`

describe('the Scenarios dialog', () => {
  it('makes a new file, shows a typo with its line, and runs the fixed scenario to every step passed', async () => {
    const { page, errors } = await app.open()
    await page.getByRole('button', { name: 'Scenarios…' }).click()
    await dialog(page).getByText('No scenarios yet.').waitFor()
    await dialog(page).getByRole('button', { name: 'New…' }).click()
    await dialog(page).getByRole('textbox', { name: 'New scenario name' }).fill('echo.yaml')
    await dialog(page).getByRole('button', { name: 'Create' }).click()
    await dialog(page).getByRole('list', { name: 'Scenario files' }).getByRole('button', { name: 'echo.yaml' }).waitFor()
    const editor = dialog(page).getByRole('textbox', { name: 'Scenario' })
    // The template is a commented scenario that connects, sends and expects.
    await expect.poll(() => editor.innerText()).toContain('{{url}}')

    await editor.fill(scenario(echo.url, 'sned'))
    const problem = dialog(page)
      .getByRole('alert')
      .filter({ hasText: /line 6, column \d+: step 2 is "sned"/ })
    await problem.waitFor()
    await editor.fill(scenario(echo.url))
    await problem.waitFor({ state: 'detached' })

    await dialog(page).getByRole('button', { name: 'Run', exact: true }).click()
    await dialog(page).getByRole('status').filter({ hasText: 'Run passed' }).waitFor({ timeout: 10_000 })
    const steps = dialog(page).getByRole('list', { name: 'Steps' }).getByRole('listitem')
    expect(await steps.count()).toBe(4)
    for (const text of await steps.allInnerTexts()) expect(text).toMatch(/— passed$/)
    expect(await steps.first().innerText()).toContain('1 connect')
    expect(errors).toEqual([])
  })
})
