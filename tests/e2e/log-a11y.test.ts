/**
 * The log as a widget assistive technology understands (issue 15): a listbox of options whose selection is
 * exposed and follows the keyboard, and arriving messages summarised at most once a second instead of announced
 * row by row. Chromium against a loopback server that sends on request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
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

describe(`the log for keyboards and screen readers (${APP_PATH} path)`, () => {
  it('is a listbox of options; arrows, Page keys, Home and End move the exposed selection; Enter reopens the detail', async () => {
    const { page } = await app.open()
    await connectTo(page, server.url)
    await sendText(page, 'burst 60')
    const log = page.getByRole('listbox', { name: 'Message log' })
    await log.getByRole('option', { name: /row 60/ }).waitFor()
    const selectedText = () => log.locator('[role=option][aria-selected=true]').innerText()
    const active = async () => {
      const id = await log.getAttribute('aria-activedescendant')
      return id ? page.locator(`[id="${id}"]`).innerText() : null
    }
    expect(await log.getAttribute('aria-multiselectable')).toBe('true')
    const options = log.getByRole('option')
    expect(Number(await options.first().getAttribute('aria-setsize'))).toBeGreaterThanOrEqual(62) // 2 events, 1 out, 60 in
    await log.focus()
    await log.press('End')
    await expect.poll(selectedText).toContain('row 60')
    expect(await active()).toContain('row 60')
    await log.press('ArrowUp')
    await expect.poll(selectedText).toContain('row 59')
    await log.press('PageUp')
    const afterPage = Number(/row (\d+)/.exec(await selectedText())![1])
    expect(afterPage).toBeLessThan(59 - 3) // a page is several rows
    await log.press('PageDown')
    await expect.poll(selectedText).toContain('row 59')
    await log.press('Home')
    await expect.poll(async () => Number(await log.locator('[aria-selected=true]').getAttribute('aria-posinset'))).toBe(1)
    await log.press('End')
    const detail = page.getByRole('complementary', { name: 'Message detail' })
    await detail.getByRole('button', { name: 'Close the detail pane' }).click()
    await expect.poll(() => detail.count()).toBe(0)
    await log.press('Enter')
    await detail.waitFor()
    expect(await detail.innerText()).toContain('row 60')
    await page.context().close()
  })

  it('announces arriving messages as one summary a second, not one announcement per row', async () => {
    const { page } = await app.open()
    await connectTo(page, server.url)
    const log = page.getByRole('listbox', { name: 'Message log' })
    const size = async () => Number(await log.getByRole('option').first().getAttribute('aria-setsize'))
    await page.waitForTimeout(1200) // the connection's own rows are summarised first
    const before = await size()
    await page.evaluate(() => {
      const w = window as unknown as { __said: string[] }
      w.__said = []
      const region = document.querySelector('.announce')!
      new MutationObserver(() => w.__said.push(region.textContent ?? '')).observe(region, {
        childList: true,
        characterData: true,
        subtree: true
      })
    })
    await sendText(page, 'burst 300')
    await log.getByRole('option', { name: /row 300/ }).waitFor()
    await page.waitForTimeout(2500)
    const said = (await page.evaluate(() => (window as unknown as { __said: string[] }).__said)).filter(Boolean)
    expect(said.length).toBeGreaterThan(0)
    expect(said.length).toBeLessThanOrEqual(4)
    const counted = said.reduce((s, t) => s + Number(/^([\d,]+) new messages?$/.exec(t)![1].replace(/,/g, '')), 0)
    expect(counted).toBe((await size()) - before) // every row that arrived, counted once (300 in, 1 out)
    await page.context().close()
  })
})
