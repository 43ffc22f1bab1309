/**
 * The log as a widget assistive technology understands (issue 15): a listbox of options whose selection is
 * exposed and follows the keyboard, with a visible focus ring, and arriving messages summarised at most once a
 * second instead of announced row by row. Chromium against a loopback server that sends on request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { connectTo, launchChromium, sendText } from './harness'
import { APP_PATH, launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'

let app: AppUnderTest
let browser: Browser
let server: RunningWs

beforeAll(async () => {
  ;[browser, server] = await Promise.all([
    launchChromium(),
    // "burst N" asks for N numbered messages at once.
    startWsServer({
      onConnection: (ws) =>
        ws.on('message', (d) => {
          const n = Number(/^burst (\d+)$/.exec(d.toString())?.[1] ?? 0)
          for (let i = 1; i <= n; i++) ws.send(`row ${i}`)
        })
    })
  ])
  app = await launchApp(browser)
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await server?.close()
})

const messageLog = (page: Page) => page.getByRole('listbox', { name: 'Message log' })
const detailPane = (page: Page) => page.getByRole('complementary', { name: 'Message detail' })
const selectedRow = (log: Locator) => log.locator('[role=option][aria-selected=true]')
const setSize = async (log: Locator) => Number(await log.getByRole('option').first().getAttribute('aria-setsize'))
const selectedPlace = async (log: Locator) => Number(await selectedRow(log).getAttribute('aria-posinset'))
/** The option aria-activedescendant names, if it names one that exists. */
const activeText = async (page: Page, log: Locator) => {
  const id = await log.getAttribute('aria-activedescendant')
  return id && (await page.locator(`[id="${id}"]`).count()) ? page.locator(`[id="${id}"]`).innerText() : null
}
/** Whether the selected row's box lies wholly inside the scroller's. */
const selectedInView = (log: Locator) =>
  log.evaluate((el) => {
    const row = el.querySelector('[aria-selected=true]')
    if (!row) return false
    const [r, s] = [row.getBoundingClientRect(), el.getBoundingClientRect()]
    return r.top >= s.top - 0.5 && r.bottom <= s.bottom + 0.5
  })

describe(`the log for keyboards and screen readers (${APP_PATH} path)`, () => {
  it('is a listbox of options; arrows, Page keys, Home and End move the exposed selection into view; the detail follows; Enter reopens it', async () => {
    const { page, errors } = await app.open()
    await connectTo(page, server.url)
    await sendText(page, 'burst 200')
    const log = messageLog(page)
    await log.getByRole('option', { name: /row 200$/ }).waitFor()
    expect(await log.getAttribute('aria-multiselectable')).toBe('true')
    expect(await log.getAttribute('aria-activedescendant')).toBeNull() // nothing selected yet
    const total = await setSize(log)
    expect(total).toBeGreaterThanOrEqual(201) // the connection's events, 1 out, 200 in
    const places = await log.getByRole('option').evaluateAll((os) => os.map((o) => Number(o.getAttribute('aria-posinset'))))
    expect(places.length).toBeLessThan(total) // virtualised: only a window of rows is drawn…
    expect(places).toEqual(places.map((_, i) => places[0] + i)) // …each knowing its place in the whole
    expect(places[places.length - 1]).toBe(total)

    // Reach the log by keyboard, as a keyboard user would: its focus ring shows.
    for (let i = 0; i < 40 && !(await log.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab')
    expect(await log.evaluate((el) => el.matches(':focus-visible') && getComputedStyle(el).outlineStyle)).toBe('solid')

    await page.keyboard.press('End')
    await expect.poll(() => selectedRow(log).innerText()).toContain('row 200')
    expect(await selectedPlace(log)).toBe(total)
    expect(await activeText(page, log)).toContain('row 200')
    await expect.poll(() => detailPane(page).innerText()).toContain('row 200')
    // The active row is ringed too.
    expect(await selectedRow(log).evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid')

    await page.keyboard.press('ArrowUp')
    await expect.poll(() => selectedRow(log).innerText()).toContain('row 199')
    await expect.poll(() => detailPane(page).innerText()).toContain('row 199')
    expect(await activeText(page, log)).toContain('row 199')
    expect(await log.locator('[aria-selected=true]').count()).toBe(1)

    await page.keyboard.press('PageUp')
    await expect.poll(() => selectedPlace(log)).toBeLessThan(total - 1 - 3) // a page is several rows
    const page1 = await selectedPlace(log)
    expect(await selectedInView(log)).toBe(true)
    await page.keyboard.press('PageUp')
    await expect.poll(() => selectedPlace(log)).toBe(page1 - (total - 1 - page1))
    expect(await selectedInView(log)).toBe(true)
    await page.keyboard.press('PageDown')
    await expect.poll(() => selectedPlace(log)).toBe(page1)

    await page.keyboard.press('Home')
    await expect.poll(() => selectedPlace(log)).toBe(1)
    expect(await selectedInView(log)).toBe(true)
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => selectedPlace(log)).toBe(2)
    await page.keyboard.press('PageDown')
    await expect.poll(() => selectedPlace(log)).toBeGreaterThan(5)
    const before = await selectedPlace(log)
    expect(await selectedInView(log)).toBe(true)

    // Scrolled far away, the selected row is not drawn: no id points at nothing, and the keys still move from it.
    await log.evaluate((el) => (el.scrollTop = el.scrollHeight))
    await expect.poll(() => selectedRow(log).count()).toBe(0)
    expect(await log.getAttribute('aria-activedescendant')).toBeNull()
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => selectedPlace(log)).toBe(before + 1)
    expect(await selectedInView(log)).toBe(true)

    // Enter opens the detail of the selected row after it was closed.
    await page.keyboard.press('End')
    await expect.poll(() => detailPane(page).innerText()).toContain('row 200')
    await detailPane(page).getByRole('button', { name: 'Close the detail pane' }).click()
    await expect.poll(() => detailPane(page).count()).toBe(0)
    await log.focus()
    await page.keyboard.press('Enter')
    await detailPane(page).waitFor()
    expect(await detailPane(page).innerText()).toContain('row 200')
    expect(await selectedPlace(log)).toBe(total)
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('says arriving messages as one summary with a count, not one announcement per message', async () => {
    const { page } = await app.open()
    await connectTo(page, server.url)
    const log = messageLog(page)
    const region = page.locator('.announce')
    expect(await region.getAttribute('role')).toBe('status')
    expect(await region.getAttribute('aria-live')).toBe('polite')
    expect(await region.evaluate((el) => el.getBoundingClientRect().width <= 1)).toBe(true) // heard, not seen
    await page.waitForTimeout(1500) // the connection's own rows are summarised first
    const before = await setSize(log)
    // Every change of the region's text is one thing a screen reader would say.
    await region.evaluate((el) => {
      const said: Array<[number, string]> = []
      ;(window as unknown as { __said: typeof said }).__said = said
      new MutationObserver(() => said.push([performance.now(), el.textContent?.trim() ?? ''])).observe(el, {
        childList: true,
        characterData: true,
        subtree: true
      })
    })
    const heard = async (): Promise<Array<[number, string]>> => {
      const all = await page.evaluate(() => (window as unknown as { __said: Array<[number, string]> }).__said.splice(0))
      return all.filter(([, text]) => text)
    }
    await sendText(page, 'burst 30')
    await log.getByRole('option', { name: /row 30$/ }).waitFor()
    await page.waitForTimeout(2500)
    const arrived = (await setSize(log)) - before // 30 in and the 1 out that asked for them
    expect(arrived).toBe(31)
    expect((await heard()).map(([, text]) => text)).toEqual([`${arrived} new messages`])

    // Steady traffic for about two seconds: a summary a second at most, every row counted once.
    for (let i = 0; i < 7; i++) {
      await sendText(page, 'burst 10')
      await page.waitForTimeout(300)
    }
    await page.waitForTimeout(2500)
    const steady = await heard()
    expect(steady.length).toBeGreaterThanOrEqual(2)
    for (let i = 1; i < steady.length; i++) expect(steady[i][0] - steady[i - 1][0]).toBeGreaterThan(950)
    expect(steady.reduce((sum, [, text]) => sum + Number(/^(\d+) new messages?$/.exec(text)![1]), 0)).toBe(77)
    await page.context().close()
  })

  it('shift-click on a second row measures between the two without selecting the text of the rows in between', async () => {
    const { page } = await app.open()
    await connectTo(page, server.url)
    await sendText(page, 'burst 10')
    const log = page.getByRole('listbox', { name: 'Message log' })
    await log.getByRole('option', { name: /row 10$/ }).waitFor()
    await log.getByRole('option', { name: /row 2$/ }).click()
    await log.getByRole('option', { name: /row 9$/ }).click({ modifiers: ['Shift'] })
    await page.getByText('Time between the two selected messages').waitFor()
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('')
    await page.context().close()
  })
})
