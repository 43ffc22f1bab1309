/**
 * Issue 15's layout targets, measured as a user sees them: rows of the log whose box is fully visible, the Send
 * button and the status bar on screen, nothing overflowing sideways; at a laptop's 1024×640, at 1280×800, and at
 * 200 % zoom of 1280×800 (640×400 CSS pixels).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { connectTo, launchChromium } from './harness'
import { APP_PATH, launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'

let app: AppUnderTest
let browser: Browser
let chatty: RunningWs

beforeAll(async () => {
  ;[browser, chatty] = await Promise.all([
    launchChromium(),
    startWsServer({ onConnection: (ws) => Array.from({ length: 80 }, (_, i) => ws.send(`{"n":${i},"text":"message number ${i}"}`)) })
  ])
  app = await launchApp(browser)
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await chatty?.close()
})

interface Fit {
  rows: number
  send: boolean
  status: boolean
  overflowX: number
}

/** What fits: log rows wholly inside the log's visible box, Send and the status bar wholly inside the window. */
function measure(page: Page): Promise<Fit> {
  return page.evaluate(() => {
    const inside = (r: DOMRect, box: { top: number; bottom: number; left: number; right: number }): boolean =>
      r.height > 0 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5 && r.left >= box.left - 0.5 && r.right <= box.right + 0.5
    const view = { top: 0, left: 0, bottom: innerHeight, right: innerWidth }
    const log = document.querySelector('[aria-label="Message log"]')!
    const lr = log.getBoundingClientRect()
    const logBox = { top: Math.max(lr.top, 0), left: lr.left, bottom: Math.min(lr.bottom, innerHeight), right: lr.right }
    const rows = Array.from(log.querySelectorAll('.row')).filter((r) => inside(r.getBoundingClientRect(), logBox)).length
    const send = Array.from(document.querySelectorAll('button')).find((b) => b.textContent?.trim() === 'Send')
    const status = document.querySelector('[aria-label="Status bar"]')
    const main = document.querySelector('main')!
    return {
      rows,
      send: !!send && inside(send.getBoundingClientRect(), view),
      status: !!status && inside(status.getBoundingClientRect(), view),
      overflowX: Math.max(document.documentElement.scrollWidth - innerWidth, main.scrollWidth - main.clientWidth)
    }
  })
}

async function connected(page: Page): Promise<void> {
  await connectTo(page, chatty.url)
  // The log follows its end: the last message on screen means the 80 arrived.
  await page.locator('[aria-label="Message log"] .row.in', { hasText: 'message number 79' }).waitFor()
}

describe(`the layout (${APP_PATH} path)`, () => {
  it('1024×640, connected: at least 12 whole log rows, Send and the status bar visible, no sideways overflow', async () => {
    const { page } = await app.open()
    await page.setViewportSize({ width: 1024, height: 640 })
    await connected(page)
    const fit = await measure(page)
    expect(fit).toMatchObject({ send: true, status: true, overflowX: 0 })
    expect(fit.rows).toBeGreaterThanOrEqual(12)
    await page.context().close()
  })

  it('1024×640: the filter bar is one line, with the detail pane open too; its panels open, work and close by keyboard', async () => {
    const { page } = await app.open()
    await page.setViewportSize({ width: 1024, height: 640 })
    await connected(page)
    /** Every control of the bar on one line: their boxes share a top, and the bar is no taller than one of them. */
    const oneLine = (): Promise<{ spread: number; barHeight: number; tallest: number }> =>
      page.evaluate(() => {
        const bar = document.querySelector('[role="group"][aria-label="Log filter"]')!
        const kids = Array.from(bar.children)
          .map((k) => k.getBoundingClientRect())
          .filter((r) => r.height > 0)
        const tops = kids.map((r) => r.top)
        return {
          spread: Math.max(...tops) - Math.min(...tops),
          barHeight: bar.getBoundingClientRect().height,
          tallest: Math.max(...kids.map((r) => r.height))
        }
      })
    for (const when of ['log alone', 'detail open']) {
      if (when === 'detail open') await page.locator('[aria-label="Message log"] .row.in').last().click()
      const line = await oneLine()
      expect(line.spread, when).toBeLessThan(6)
      expect(line.barHeight, when).toBeLessThan(line.tallest * 1.9)
      expect((await measure(page)).overflowX, when).toBe(0)
    }
    // The "Show" panel by keyboard (WAI-ARIA APG disclosure): Enter opens it with focus inside, Space toggles a
    // checkbox, Escape closes it and gives focus back to its button.
    const show = page.getByRole('button', { name: /^Show:/ })
    await show.focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => show.getAttribute('aria-expanded')).toBe('true')
    await page.getByRole('checkbox', { name: 'In', exact: true }).focus()
    await page.keyboard.press('Space')
    await expect.poll(() => show.innerText()).toMatch(/Show: 5 of 6/)
    await page.keyboard.press('Escape')
    await expect.poll(() => show.getAttribute('aria-expanded')).toBe('false')
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toMatch(/^Show: 5 of 6/)
    // Log actions: the overflow holds Clear, Export JSON and the limits.
    await page.getByRole('button', { name: 'Log actions' }).click()
    await page.getByRole('button', { name: 'Clear', exact: true }).click()
    await expect.poll(() => page.locator('[aria-label="Message log"] .row').count()).toBe(0)
    await page.context().close()
  })

  it('the composer resizes from the splitter above it, keeps that height after a reload, and folds to one line', async () => {
    const { page } = await app.open()
    await page.setViewportSize({ width: 1024, height: 640 })
    await connected(page)
    const editorHeight = (): Promise<number> => page.locator('.composer .editor').evaluate((e) => e.getBoundingClientRect().height)
    const before = await editorHeight()
    const rowsBefore = (await measure(page)).rows
    const splitter = page.getByRole('separator', { name: 'Resize the composer' })
    await splitter.focus()
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowUp')
    await expect.poll(editorHeight).toBeGreaterThanOrEqual(before + 60)
    const grown = await editorHeight()
    expect((await measure(page)).rows).toBeLessThan(rowsBefore)
    // Dragging down gives the log its rows back.
    const box = (await splitter.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2, box.y + 32, { steps: 4 })
    await page.mouse.up()
    await expect.poll(editorHeight).toBeLessThan(grown - 20)
    const dragged = await editorHeight()
    // Folded: the message box and Send on one line, the type tabs and the rest hidden until unfolded.
    await page.getByRole('button', { name: 'Composer options' }).click()
    expect(await page.getByRole('tablist', { name: 'Message type' }).count()).toBe(0)
    expect(await editorHeight()).toBeLessThanOrEqual(34)
    const folded = await measure(page)
    expect(folded).toMatchObject({ send: true, status: true, overflowX: 0 })
    expect(folded.rows).toBeGreaterThanOrEqual(rowsBefore)
    await page.getByRole('button', { name: 'Composer options' }).click()
    await page.getByRole('tablist', { name: 'Message type' }).waitFor()
    // Remembered for this window across a reload.
    await page.reload()
    await page.getByRole('textbox', { name: 'URL' }).waitFor()
    expect(Math.abs((await editorHeight()) - dragged)).toBeLessThan(2)
    await page.context().close()
  })

  it('1280×800, connected: at least 18 whole log rows', async () => {
    const { page } = await app.open()
    await connected(page)
    const fit = await measure(page)
    expect(fit).toMatchObject({ send: true, status: true, overflowX: 0 })
    expect(fit.rows).toBeGreaterThanOrEqual(18)
    await page.context().close()
  })

  it('200 % zoom of 1280×800 (640×400 CSS px): nothing overflows sideways, the status bar stays visible', async () => {
    const { page } = await app.open()
    await page.setViewportSize({ width: 640, height: 400 })
    await connected(page)
    const fit = await measure(page)
    expect(fit).toMatchObject({ status: true, overflowX: 0 })
    // The column scrolls: the composer is reached by scrolling, and then Send is whole on screen.
    await page.getByRole('button', { name: 'Send', exact: true }).scrollIntoViewIfNeeded()
    expect(await measure(page)).toMatchObject({ send: true, status: true, overflowX: 0 })
    await page.context().close()
  })

  it('settings fold to a summary once connected and open on a click or Ctrl+,; the detail opens on a selection, closes, and resizes', async () => {
    const { page } = await app.open()
    await page.getByRole('tab', { name: 'Subprotocols' }).click()
    await page.getByRole('textbox', { name: 'Subprotocols' }).fill('chat.v2')
    await connected(page)
    const summary = page.getByRole('button', { name: 'Open the connection settings' })
    expect(await summary.innerText()).toBe('chat.v2')
    expect(await page.getByRole('tab', { name: 'Headers' }).count()).toBe(0)
    await summary.click()
    await page.getByRole('tab', { name: 'Headers' }).waitFor()
    await page.locator('body').press('Control+,')
    await expect.poll(() => page.getByRole('tab', { name: 'Headers' }).count()).toBe(0)

    const detail = page.getByRole('complementary', { name: 'Message detail' })
    expect(await detail.count()).toBe(0) // nothing selected: the log has the width
    await page.locator('[aria-label="Message log"] .row.in', { hasText: 'message number 79' }).click()
    await detail.waitFor()
    const splitter = page.getByRole('separator', { name: 'Resize the detail pane' })
    const before = (await detail.boundingBox())!.width
    await splitter.focus()
    for (let i = 0; i < 4; i++) await splitter.press('ArrowLeft')
    await expect.poll(async () => (await detail.boundingBox())!.width).toBeCloseTo(before + 64, -1)
    await detail.getByRole('button', { name: 'Close the detail pane' }).click()
    await expect.poll(() => detail.count()).toBe(0)
    await page.context().close()
  })
})
