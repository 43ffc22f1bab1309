/**
 * The Scenarios panel (issue 18) in Chromium, through the UI: a new file from the sidebar's "Scenarios…", a typo
 * reported with its line as the user types, fixed, then Run saves and shows every step of the live run passed
 * against an echo server the test starts; a step's "Show rows" opens the run's log with its row selected; step names
 * complete from the schema; Stop ends a waiting run; a folder opened by path lists its scenarios.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { launchChromium } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { pickCompletion } from './completion'

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

/** Opens the dialog and makes a new file in the data folder; returns its editor once the template is in. */
async function newScenario(page: Page, name: string): Promise<Locator> {
  await page.getByRole('button', { name: 'Scenarios…' }).click()
  await dialog(page).getByRole('button', { name: 'New scenario in Data folder' }).click()
  await dialog(page).getByRole('textbox', { name: 'New scenario name in Data folder' }).fill(name)
  await dialog(page).getByRole('button', { name: 'Create' }).click()
  const editor = dialog(page).getByRole('textbox', { name: 'Scenario' })
  // The template loads first; text filled before it would be replaced.
  await expect.poll(() => editor.innerText()).toContain('{{url}}')
  return editor
}

describe('the Scenarios dialog', () => {
  it('makes a new file, shows a typo with its line, and runs the fixed scenario to every step passed', async () => {
    const { page, errors } = await app.open()
    await page.getByRole('button', { name: 'Scenarios…' }).click()
    await dialog(page).getByText('No scenarios yet.').waitFor()
    await dialog(page).getByRole('button', { name: 'New scenario in Data folder' }).click()
    await dialog(page).getByRole('textbox', { name: 'New scenario name in Data folder' }).fill('echo.yaml')
    await dialog(page).getByRole('button', { name: 'Create' }).click()
    await dialog(page).getByRole('list', { name: 'Scenario files in Data folder' }).getByRole('button', { name: 'echo.yaml' }).waitFor()
    const editor = dialog(page).getByRole('textbox', { name: 'Scenario' })
    // The template is a commented scenario that connects, sends and expects.
    await expect.poll(() => editor.innerText()).toContain('{{url}}')

    await editor.fill(scenario(echo.url, 'sned'))
    const problem = dialog(page)
      .getByRole('list', { name: 'Problems' })
      .getByRole('listitem')
      .filter({ hasText: /line 6, column \d+: step 2 is "sned"/ })
    await problem.waitFor()
    await editor.fill(scenario(echo.url))
    await problem.waitFor({ state: 'detached' })

    await dialog(page).getByRole('button', { name: 'Run', exact: true }).click()
    await dialog(page).getByRole('status').filter({ hasText: 'Run passed' }).waitFor({ timeout: 10_000 })
    const steps = dialog(page).getByRole('list', { name: 'Steps' }).getByRole('listitem')
    expect(await steps.count()).toBe(4)
    for (const text of await steps.allInnerTexts()) expect(text).toMatch(/— passed \(\d/)
    expect(await steps.first().innerText()).toContain('1 connect')

    // The expect step's row: the run's connection opens read-only, with the echoed message selected and shown.
    await dialog(page).getByRole('button', { name: 'Show rows of step 3' }).click()
    await dialog(page).waitFor({ state: 'detached' })
    await page.getByRole('tab', { name: /echo\.yaml · main/ }).waitFor()
    const selected = page.getByRole('listbox', { name: 'Message log' }).locator('[role=option][aria-selected=true]')
    await expect.poll(() => selected.count()).toBe(1)
    expect(await selected.innerText()).toMatch(/hello/)
    expect(await selected.getAttribute('class')).toMatch(/\bin\b/)
    expect(errors).toEqual([])
  })

  it('shows a failed JSON or exact-text expectation side by side, where they part marked on both sides', async () => {
    const { page, errors } = await app.open()
    const editor = await newScenario(page, 'diff')
    await editor.fill(
      `steps:\n  - connect: "${echo.url}"\n  - send: { json: { type: said, who: { name: ann } } }\n  - expect: { json: { who: { name: bob } } }\n`
    )
    await dialog(page).getByRole('button', { name: 'Run', exact: true }).click()
    const diff = dialog(page).getByRole('group', { name: 'Expected and received JSON, parting at $.who.name' })
    await diff.waitFor()
    const [expected, received] = await diff.locator('mark').allInnerTexts()
    expect(expected).toMatch(/^differs here:\s+"name": "bob"$/)
    expect(received).toMatch(/^differs here:\s+"name": "ann"$/)
    expect(await diff.getByRole('heading').allInnerTexts()).toEqual(['Expected (a subset)', 'Received'])
    expect(await dialog(page).getByRole('list', { name: 'Steps' }).getByRole('listitem').nth(2).innerText()).toContain(
      'actual: ↓ {"type":"said","who":{"name":"ann"}}, but $.who.name should be "bob", but is "ann"'
    )

    // An exact text (`equals:`) that is not met: the two texts, the character where they part marked too.
    await editor.fill(`steps:\n  - connect: "${echo.url}"\n  - send: hello there\n  - expect: { equals: hello world }\n`)
    await dialog(page).getByRole('button', { name: 'Run', exact: true }).click()
    const text = dialog(page).getByRole('group', { name: 'Expected and received text, parting at column 7' })
    await text.waitFor()
    expect(await text.getByRole('heading').allInnerTexts()).toEqual(['Expected (exactly)', 'Received'])
    expect(await text.locator('mark .char').allInnerTexts()).toEqual(['w', 't'])
    expect(errors).toEqual([])
  })

  it('completes step names from the schema, and Stop ends a run waiting on a quiet server', async () => {
    const { page, errors } = await app.open()
    const editor = await newScenario(page, 'quiet')
    await editor.fill(`steps:\n  - connect: "${echo.url}"\n`)
    await editor.press('ControlOrMeta+End')
    await page.keyboard.type('  - expect-n')
    await pickCompletion(page, page.getByRole('listbox').getByRole('option', { name: /expect-none/ }))
    await expect.poll(() => editor.innerText()).toContain('- expect-none: ')
    await page.keyboard.type('{ for: 30s }')
    await dialog(page).getByRole('button', { name: 'Run', exact: true }).click()
    const steps = dialog(page).getByRole('list', { name: 'Steps' }).getByRole('listitem')
    // The step under way shows as running after the finished ones.
    await steps.filter({ hasText: /2 expect nothing on main for 30 s — running/ }).waitFor()
    expect(await steps.first().innerText()).toMatch(/1 connect .*— passed/)
    await dialog(page).getByRole('button', { name: 'Stop' }).click()
    await dialog(page).getByRole('status').filter({ hasText: 'Run stopped' }).waitFor({ timeout: 5000 })
    expect(await steps.nth(1).innerText()).toContain('it was stopped from the Scenarios panel')
    expect(errors).toEqual([])
  })

  it('opens a folder by its path (browser mode has no folder dialog) and lists only its scenarios', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'sockscope-e2e-repo-'))
    try {
      mkdirSync(join(repo, 'tests'), { recursive: true })
      writeFileSync(join(repo, 'tests', 'echo.yaml'), scenario(echo.url))
      writeFileSync(join(repo, 'docker-compose.yml'), 'services: {}\n')
      const { page, errors } = await app.open()
      await page.getByRole('button', { name: 'Scenarios…' }).click()
      await dialog(page).getByRole('button', { name: 'Open folder…' }).click()
      await dialog(page).getByRole('textbox', { name: 'Folder path' }).fill(repo)
      await dialog(page).getByRole('button', { name: 'Open', exact: true }).click()
      const label = repo.split('/').pop()!
      const files = dialog(page)
        .getByRole('list', { name: `Scenario files in ${label}` })
        .getByRole('button')
      await expect.poll(() => files.allInnerTexts()).toEqual(['tests/echo.yaml'])
      await files.first().click()
      await dialog(page).getByRole('button', { name: 'Run', exact: true }).click()
      await dialog(page).getByRole('status').filter({ hasText: 'Run passed' }).waitFor({ timeout: 10_000 })
      await dialog(page)
        .getByRole('button', { name: `Close folder ${label}` })
        .click()
      await dialog(page)
        .getByRole('list', { name: `Scenario files in ${label}` })
        .waitFor({ state: 'detached' })
      expect(errors).toEqual([])
    } finally {
      rmSync(repo, { recursive: true, force: true })
    }
  })
})
