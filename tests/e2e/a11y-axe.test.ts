/**
 * Issue 15, accessibility: axe-core (injected into the real renderer in Chromium) reports no serious or critical
 * violation, colour contrast included (WCAG 2.2 AA, SC 1.4.3), in every state a user meets: the empty start,
 * connected with messages, the detail pane open, each settings section and each dialog, in the light and dark themes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { connectTo, launchChromium, sendText } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { startSocketIoServer } from '../helpers/socketio'
import { axeViolations } from './axe'

/** The settings sections, as the panel lists them (checked against the page below, so this cannot go stale). */
const SETTINGS_SECTIONS = [
  'Headers',
  'Query',
  'Subprotocols',
  'Auth',
  'TLS',
  'Proxy',
  'Ping & reconnect',
  'Protocol',
  'Decoding',
  'Advanced'
]

let browser: Browser
let app: AppUnderTest
let echo: RunningWs

beforeAll(async () => {
  browser = await launchChromium()
  ;[app, echo] = await Promise.all([
    launchApp(browser),
    startWsServer({ onConnection: (ws) => ws.on('message', (d, bin) => ws.send(d, { binary: bin })) })
  ])
})
afterAll(async () => {
  await app?.stop()
  await browser?.close()
  await echo?.close()
})

interface Finding {
  state: string
  rule: string
  impact: string
  help: string
  targets: string[]
}

/** axe's serious and critical findings on the page as it stands, named by the state they were found in. */
async function audit(page: Page, state: string): Promise<Finding[]> {
  return (await axeViolations(page)).map((v) => ({ state, rule: v.id, impact: v.impact, help: v.help, targets: v.targets }))
}

/** What has the focus, as a name a failure message can show. */
const focused = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const el = document.activeElement
    return el ? `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}` : 'nothing'
  })

/**
 * Opens a dialog from its button with the keyboard, audits it, checks that Tab stays inside it (a modal traps focus:
 * WAI-ARIA APG dialog pattern), closes it with Escape and checks focus went back to the button that opened it.
 */
async function auditDialog(page: Page, state: string, button: Locator): Promise<Finding[]> {
  // Opened from the keyboard: the button is focused, then Enter.
  await button.focus()
  const opener = await focused(page)
  await page.keyboard.press('Enter')
  const dialog = page.locator('dialog[open]')
  await dialog.waitFor()
  const found = await audit(page, state)
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab')
    expect(await dialog.evaluate((d) => d.contains(document.activeElement)), `${state}: Tab ${i + 1} left the dialog`).toBe(true)
  }
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'detached' })
  expect(await focused(page), `${state}: focus after closing`).toBe(opener)
  return found
}

async function everyState(page: Page, theme: 'light' | 'dark'): Promise<Finding[]> {
  const found: Finding[] = []
  await page.getByRole('combobox', { name: 'Theme' }).selectOption(theme)
  found.push(...(await audit(page, `${theme}: empty start`)))

  await connectTo(page, echo.url)
  for (let i = 0; i < 5; i++) await sendText(page, JSON.stringify({ n: i, text: `hello ${i}`, ok: i % 2 === 0, none: null }))
  await page.getByRole('listbox', { name: 'Message log' }).getByRole('option').nth(10).waitFor()
  found.push(...(await audit(page, `${theme}: connected with messages`)))

  await page.getByRole('listbox', { name: 'Message log' }).getByRole('option').last().click()
  await page.getByRole('complementary', { name: 'Message detail' }).waitFor()
  found.push(...(await audit(page, `${theme}: detail open`)))

  await page.getByRole('button', { name: 'Open the connection settings' }).click()
  expect(await page.getByRole('tablist', { name: 'Settings sections' }).getByRole('tab').allInnerTexts()).toEqual(SETTINGS_SECTIONS)
  for (const section of SETTINGS_SECTIONS) {
    await page.getByRole('tab', { name: section, exact: true }).click()
    found.push(...(await audit(page, `${theme}: settings ${section}`)))
  }
  await page.getByRole('button', { name: /Settings$/ }).click()

  found.push(...(await auditDialog(page, `${theme}: keyboard shortcuts`, page.getByRole('button', { name: 'Keyboard shortcuts' }))))
  found.push(...(await auditDialog(page, `${theme}: save profile`, page.getByRole('button', { name: 'Save profile' }))))
  found.push(...(await auditDialog(page, `${theme}: environments`, page.getByRole('button', { name: 'Environments…' }))))
  found.push(...(await auditDialog(page, `${theme}: recordings`, page.getByRole('button', { name: 'Recordings…' }))))
  found.push(...(await auditDialog(page, `${theme}: scenarios`, page.getByRole('button', { name: 'Scenarios…' }))))
  found.push(...(await scenarioEditorState(page, theme)))
  found.push(...(await auditDialog(page, `${theme}: close an open connection`, page.getByRole('button', { name: /^Close tab / }).first())))
  // Opened from the log's overflow panel, which closes first: focus comes back to its button.
  await page.getByRole('button', { name: 'Log actions' }).click()
  await page.getByRole('button', { name: 'New scenario from selection…' }).click()
  await page.locator('dialog[open]').waitFor()
  found.push(...(await audit(page, `${theme}: new scenario from selection`)))
  await page.keyboard.press('Escape')
  await page.locator('dialog[open]').waitFor({ state: 'detached' })
  await expect.poll(() => focused(page), { message: `${theme}: focus after the scenario dialog` }).toBe('button Log actions')
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click()
  return found
}

/** The Scenarios dialog with a file open in its editor, a problem marked in it and listed under it; then a failed run. */
async function scenarioEditorState(page: Page, theme: string): Promise<Finding[]> {
  await page.getByRole('button', { name: 'Scenarios…' }).click()
  const scenarios = page.getByRole('dialog', { name: 'Scenarios' })
  await scenarios.getByRole('button', { name: 'New scenario in Data folder' }).click()
  await scenarios.getByRole('textbox', { name: 'New scenario name in Data folder' }).fill(`a11y-${theme}`)
  await scenarios.getByRole('button', { name: 'Create' }).click()
  const editor = scenarios.getByRole('textbox', { name: 'Scenario' })
  // The new file's template loads first; filled before that, the template would replace the text.
  await expect.poll(() => editor.innerText()).toContain('{{url}}')
  await editor.fill(`steps:\n  - connect: "${echo.url}"\n  - sned: hi\n`)
  await scenarios.getByRole('list', { name: 'Problems' }).waitFor()
  const found = await audit(page, `${theme}: scenario editor with a problem`)
  // A run whose JSON expectation fails: its two sides shown with the line where they part marked.
  await editor.fill(`steps:\n  - connect: "${echo.url}"\n  - send: { json: { type: hi, n: 1 } }\n  - expect: { json: { type: bye } }\n`)
  await scenarios.getByRole('list', { name: 'Problems' }).waitFor({ state: 'detached' })
  await scenarios.getByRole('button', { name: 'Run', exact: true }).click()
  await scenarios.getByRole('group', { name: 'Expected and received JSON, parting at $.type' }).waitFor()
  found.push(...(await audit(page, `${theme}: a failed step's JSON side by side`)))
  // And an exact text that fails: the character where they part is marked too.
  await editor.fill(`steps:\n  - connect: "${echo.url}"\n  - send: hello there\n  - expect: { equals: hello world }\n`)
  await scenarios.getByRole('button', { name: 'Run', exact: true }).click()
  await scenarios.getByRole('group', { name: 'Expected and received text, parting at column 7' }).waitFor()
  found.push(...(await audit(page, `${theme}: a failed step's text side by side`)))
  await scenarios.getByRole('button', { name: 'Close', exact: true }).click()
  await scenarios.waitFor({ state: 'detached' })
  return found
}

describe('the help overlay', () => {
  it('lists every shortcut, the log, tree, tabs, splitters and Escape included', async () => {
    const { page } = await app.open()
    await page.keyboard.press('F1')
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    const text = await help.innerText()
    for (const keys of [
      'Ctrl/Cmd+Enter',
      'Ctrl/Cmd+Shift+C',
      'Ctrl/Cmd+T',
      'Ctrl/Cmd+W',
      'Ctrl/Cmd+F',
      'Ctrl/Cmd+K',
      'Ctrl/Cmd+L',
      'Ctrl/Cmd+,',
      'Ctrl/Cmd+P',
      'F1 or ?',
      'in the log',
      'in the composer',
      'in the connection tabs',
      'in the JSON tree',
      'on a splitter',
      'Esc'
    ])
      expect(text, keys).toContain(keys)
    await page.close()
  })
})

describe('the keyboard', () => {
  it('reaches every visible control with Tab, and each shows a focus ring when it has the focus', async () => {
    const { page } = await app.open()
    await page.setViewportSize({ width: 1280, height: 800 })
    await connectTo(page, echo.url)
    await sendText(page, '{"a":1}')
    await page.getByRole('listbox', { name: 'Message log' }).getByRole('option').last().click()
    await page.getByRole('button', { name: 'Open the connection settings' }).click()
    // Every control a pointer could use: visible, enabled, in the tab order (roving items use arrows instead).
    const controls = (await page.evaluate(`(() => {
      const all = document.querySelectorAll('button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea, a[href], [tabindex="0"]')
      return [...all].filter((el) => el.offsetParent !== null && el.tabIndex >= 0 && !el.closest('[inert]'))
        .map((el, i) => (el.dataset.kbd = String(i), i))
    })()`)) as number[]
    // The sidebar, the bar, the settings, the log, the detail pane and the composer: dozens, or the query found none.
    expect(controls.length).toBeGreaterThan(30)
    const reached = new Set<number>()
    const ringless: string[] = []
    await page.locator('body').focus()
    for (let i = 0; i < controls.length + 10; i++) {
      await page.keyboard.press('Tab')
      // A moment later: CodeMirror marks its editor focused in a later update.
      const f = (await page.evaluate(`new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))).then(() => {
        const el = document.activeElement
        if (!el || el === document.body) return null
        // CodeMirror draws its ring on the editor around the focused content.
        const ringed = el.closest('.cm-editor') ?? el
        const s = getComputedStyle(ringed)
        const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'
        const host = el.closest('[data-kbd]')
        return { id: host ? Number(host.dataset.kbd) : -1, ring, name: el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30) || el.tagName }
      })`)) as { id: number; ring: boolean; name: string } | null
      if (!f) continue
      if (f.id >= 0) reached.add(f.id)
      if (!f.ring) ringless.push(f.name)
    }
    expect(ringless, 'focused with no visible ring').toEqual([])
    const missed = controls.filter((i) => !reached.has(i))
    const names = await page.evaluate(
      `${JSON.stringify(missed)}.map((i) => { const el = document.querySelector('[data-kbd="' + i + '"]'); return el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30) || el.tagName })`
    )
    expect(names, 'never reached with Tab').toEqual([])
    await page.close()
  })
})

describe('axe-core in both themes', () => {
  for (const theme of ['light', 'dark'] as const)
    it(`reports no serious or critical violation in any state (${theme})`, async () => {
      const { page, errors } = await app.open({ colorScheme: theme })
      const found = await everyState(page, theme)
      expect(errors).toEqual([])
      expect(found, JSON.stringify(found, null, 1)).toEqual([])
      await page.close()
    })
})

/** A protocol's own UI: its composer form, the log's keep-alive and raw toggles, running operations, each protocol's settings. */
async function protocolStates(page: Page, theme: 'light' | 'dark', url: string): Promise<Finding[]> {
  const found: Finding[] = []
  await page.getByRole('combobox', { name: 'Theme' }).selectOption(theme)
  await page.getByRole('textbox', { name: 'URL' }).fill(url)
  await page.getByRole('tab', { name: 'Protocol', exact: true }).click()
  for (const kind of ['graphql', 'stomp', 'mqtt', 'signalr', 'socketio']) {
    await page.locator('#protocol-kind').selectOption(kind)
    found.push(...(await audit(page, `${theme}: protocol settings ${kind}`)))
  }
  await connectTo(page, url)
  await page.getByRole('tab', { name: 'Socket.IO', exact: true }).click()
  await page.getByRole('group', { name: 'Protocol message' }).waitFor()
  found.push(...(await audit(page, `${theme}: Socket.IO form`)))
  // A keep-alive row on screen (the server pings each second): muted rows must still be readable.
  await page.locator('[role=option].keepalive').first().waitFor()
  await page.getByRole('button', { name: /^Show:/ }).click()
  found.push(...(await audit(page, `${theme}: rows to show with the protocol's toggles, a keep-alive row shown`)))
  await page.getByRole('button', { name: /^Running:/ }).click()
  found.push(...(await audit(page, `${theme}: running operations`)))
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click()
  return found
}

describe('axe-core on a protocol connection', () => {
  it('reports no serious or critical violation in the protocol settings, form and log controls, in both themes', async () => {
    const sio = await startSocketIoServer({ pingInterval: 1000, pingTimeout: 1000 })
    try {
      for (const theme of ['light', 'dark'] as const) {
        const { page, errors } = await app.open({ colorScheme: theme })
        const found = await protocolStates(page, theme, sio.url)
        expect(errors).toEqual([])
        expect(found, JSON.stringify(found, null, 1)).toEqual([])
        await page.close()
      }
    } finally {
      await sio.close()
    }
  })
})
