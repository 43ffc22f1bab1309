/**
 * Composer defects found trying it (issue 15), in Chromium against a loopback echo server: JSON tokens readable in
 * the dark theme, a picked file never sent as a lossy text conversion and labelled with its exact size, and a
 * message recalled from the history coming back as the kind it was sent as.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { connectTo, launchChromium } from './harness'
import { APP_PATH, launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'

let app: AppUnderTest
let browser: Browser
let echo: RunningWs

beforeAll(async () => {
  ;[browser, echo] = await Promise.all([launchChromium(), startWsServer()])
  app = await launchApp(browser)
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await echo?.close()
})

const mode = (page: Page, name: string) => page.getByRole('tab', { name, exact: true })

/** Contrast ratio (WCAG 2.x) of every coloured token in the composer against the editor's background. */
function tokenContrasts(page: Page): Promise<Array<{ text: string; ratio: number }>> {
  return page.evaluate(() => {
    const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number)
    const lum = (c: number[]): number => {
      const [r, g, b] = c.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4))
      return 0.2126 * r + 0.7152 * g + 0.0722 * b
    }
    const editor = document.querySelector('.cm-editor')!.closest('.editor')!
    const bg = lum(rgb(getComputedStyle(editor).backgroundColor))
    return Array.from(document.querySelectorAll('.cm-line span')).map((s) => {
      const fg = lum(rgb(getComputedStyle(s).color))
      return { text: s.textContent ?? '', ratio: (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05) }
    })
  })
}

describe(`the composer in Chromium (${APP_PATH} path)`, () => {
  it('JSON tokens are readable in both themes (at least 4.5:1 against the editor)', async () => {
    for (const scheme of ['dark', 'light'] as const) {
      const { page } = await app.open()
      await page.emulateMedia({ colorScheme: scheme })
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme)
      await mode(page, 'JSON').click()
      const box = page.getByRole('textbox', { name: 'Message' })
      await box.click()
      await box.fill('{"s":"text","n":12,"t":true,"z":null}')
      const tokens = await tokenContrasts(page)
      expect(tokens.map((t) => t.text)).toEqual(expect.arrayContaining(['"text"', '12', 'true', 'null']))
      for (const t of tokens) expect(t.ratio, `${scheme}: ${t.text}`).toBeGreaterThanOrEqual(4.5)
      await page.context().close()
    }
  })

  it('a file that is not UTF-8 goes as binary, exactly; its size is exact; "send as text" is offered only for text', async () => {
    const { page } = await app.open()
    await connectTo(page, echo.url)
    await mode(page, 'File').click()
    const picker = page.getByLabel('File to send')
    const noise = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131 + 7) & 255))
    noise[0] = 0xff // never valid UTF-8
    await picker.setInputFiles({ name: 'noise.bin', mimeType: 'application/octet-stream', buffer: noise })
    await page.getByText('noise.bin · 3,000 bytes · not UTF-8 text: sent as binary').waitFor()
    expect(await page.getByRole('checkbox', { name: /send as text/ }).count()).toBe(0)
    const got: Buffer[] = []
    echo.wss.clients.forEach((c) => c.on('message', (d: Buffer, binary: boolean) => binary && got.push(d)))
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await expect.poll(() => got.length).toBe(1)
    expect(got[0].equals(noise)).toBe(true)

    await picker.setInputFiles({ name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('twenty-nine bytes of text!!!\n') })
    await page.getByText('note.txt · 29 bytes').waitFor()
    expect(await page.getByRole('checkbox', { name: /send as text/ }).isChecked()).toBe(false)
    await page.context().close()
  })

  it('a binary message recalled from the history comes back in Binary mode, with its encoding', async () => {
    const { page } = await app.open()
    await connectTo(page, echo.url)
    await mode(page, 'Binary').click()
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.click()
    await box.fill('de ad be ef')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    // The history takes a message once its send is confirmed; the echo coming back means it was.
    await expect.poll(() => page.locator('[aria-label="Message log"] .row.in.binary').count()).toBe(1)
    await mode(page, 'Text').click()
    await box.fill('')
    await box.press('ArrowUp')
    await expect.poll(() => mode(page, 'Binary').getAttribute('aria-selected')).toBe('true')
    expect(await box.innerText()).toBe('de ad be ef')
    await page.context().close()
  })

  it('Repeat numbers its sends with {{$counter}}, from 1', async () => {
    const { page } = await app.open()
    await connectTo(page, echo.url)
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.click()
    await box.fill('tick {{$counter}}')
    await page.getByRole('button', { name: 'Repeat…' }).click()
    // 1 ms apart: each tick comes before the send before it is answered (as on a busy machine, where 20 ms gave two
    // sends the same number).
    await page.getByLabel('Repeat every (ms)').fill('1')
    await page.getByLabel('Repeat times (0 = until stopped)').fill('5')
    await page.getByRole('button', { name: 'Start repeat' }).click()
    const outs = page.locator('[aria-label="Message log"] .row.out .preview')
    await expect.poll(() => outs.allTextContents()).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5'])
    // No sixth: the count stops the run, not the answers.
    await page.waitForTimeout(200)
    expect(await outs.count()).toBe(5)
    await page.context().close()
  })
})
