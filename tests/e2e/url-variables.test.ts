/**
 * Issue 18 in the URL field, in Chromium: `{{variables}}` marked as typed (defined / undefined), the value on hover
 * (a secret masked), completion of `{{ho` by keyboard, Enter still connects, long URLs keep their marks aligned, and
 * axe finds nothing serious with the marks, the list and the tooltip showing, in both themes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { addLocalEnvironment } from './environments'
import { axeViolations } from './axe'

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

/** Moves the pointer over the middle of the mark showing `text`; returns the tooltip's text once shown. */
async function hover(page: Page, text: string): Promise<string> {
  const box = (await page.locator('.url-field .backdrop [data-from]', { hasText: text }).boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  const tip = page.getByRole('tooltip')
  await tip.waitFor()
  const id = await tip.getAttribute('id')
  expect(await page.getByRole('textbox', { name: 'URL' }).getAttribute('aria-describedby')).toBe(id)
  return (await tip.innerText()).trim()
}

/** axe's serious and critical findings in the connection bar (colour contrast of the marks included). */
async function audit(page: Page): Promise<string[]> {
  return (await axeViolations(page, 'form.bar')).map((v) => `${v.id}: ${v.targets.join(', ')}`)
}

describe('{{variables}} in the URL field (issue 18)', () => {
  it('marks defined and undefined names as typed, shows values on hover (secrets masked), completes, and connects', async () => {
    const { page, errors } = await app.open()
    await addLocalEnvironment(page, new URL(echo.url).host, { name: 'token', value: 'hunter2', secret: true })
    const url = page.getByRole('textbox', { name: 'URL' })
    await url.fill('ws://{{host}}/a/{{nope}}/{{token}}')
    expect(await page.locator('.url-field .var-defined').allInnerTexts()).toEqual(['{{host}}', '{{token}}'])
    expect(await page.locator('.url-field .var-undefined').allInnerTexts()).toEqual(['{{nope}}'])
    // The undefined one wears the theme's error colour as a wavy underline, not a colour alone.
    expect(await page.locator('.url-field .var-undefined').evaluate((e) => getComputedStyle(e).textDecorationStyle)).toBe('wavy')

    expect(await hover(page, '{{host}}')).toBe(`host = ${new URL(echo.url).host}`)
    expect(await hover(page, '{{nope}}')).toBe('nope is not defined in the active environment: it would not be sent')
    expect(await hover(page, '{{token}}')).toBe('token = ••••••')
    expect(await page.getByText('hunter2').count()).toBe(0)
    // Nor in the field's title, which says where it sends.
    expect(await url.getAttribute('title')).toBe(`Sends to ws://${new URL(echo.url).host}/a/{{nope}}/••••••`)
    // Nor in the composer's hover of the same variable.
    await page.getByRole('textbox', { name: 'Message' }).fill('auth {{token}}')
    expect(await page.locator('.cm-var').getAttribute('title')).toBe('token = ••••••')
    await page.mouse.move(0, 0)
    await page.getByRole('tooltip').waitFor({ state: 'detached' })

    // Completion by keyboard: `{{ho` offers host, Enter takes it; Enter with the list closed connects.
    await url.fill('')
    await url.click()
    await page.keyboard.type('ws://{{ho')
    const list = page.getByRole('listbox', { name: 'Variables' })
    await list.getByRole('option', { name: /^host/ }).waitFor()
    expect(await url.getAttribute('aria-controls')).toBe(await list.getAttribute('id'))
    expect(await url.getAttribute('aria-activedescendant')).toBe(await list.getByRole('option').first().getAttribute('id'))
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme)
      expect(await audit(page), `${theme} theme, list open`).toEqual([])
    }
    await page.keyboard.press('Enter')
    expect(await url.inputValue()).toBe('ws://{{host}}')
    expect(await list.count()).toBe(0)
    await page.keyboard.type('/vars')
    const before = echo.requests.length
    await page.keyboard.press('Enter')
    await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
    expect(echo.requests[before].url).toBe('/vars')
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('keeps a long URL’s marks under their text as the field scrolls, and passes axe with the tooltip in both themes', async () => {
    const { page } = await app.open()
    await addLocalEnvironment(page, new URL(echo.url).host, { name: 'token', value: 'hunter2', secret: true })
    const url = page.getByRole('textbox', { name: 'URL' })
    await url.fill(`ws://{{host}}/${'segment/'.repeat(40)}{{nope}}`)
    await url.press('End')
    const field = (await url.boundingBox())!
    const mark = page.locator('.url-field .var-undefined')
    // Scrolled to the end: the last mark is inside the field, and the first has scrolled out of it on the left.
    await expect.poll(async () => (await mark.boundingBox())!.x + (await mark.boundingBox())!.width <= field.x + field.width).toBe(true)
    expect((await mark.boundingBox())!.x).toBeGreaterThan(field.x)
    expect((await page.locator('.url-field .var-defined').boundingBox())!.x).toBeLessThan(field.x)
    // The backdrop is moved by exactly the input's own scroll, and back when the field scrolls home.
    const scroll = await url.evaluate((e: HTMLInputElement) => e.scrollLeft)
    expect(scroll).toBeGreaterThan(0)
    expect(await page.locator('.url-field .line').evaluate((e) => getComputedStyle(e).transform)).toBe(`matrix(1, 0, 0, 1, ${-scroll}, 0)`)
    await url.press('Home')
    await expect
      .poll(() => page.locator('.url-field .line').evaluate((e) => getComputedStyle(e).transform))
      .toMatch(/^(none|matrix\(1, 0, 0, 1, 0, 0\))$/)
    expect(await hover(page, '{{host}}')).toBe(`host = ${new URL(echo.url).host}`)
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme)
      expect(await audit(page), `${theme} theme, tooltip shown`).toEqual([])
    }
    await page.context().close()
  })
})
