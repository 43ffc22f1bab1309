/**
 * Issue 15, detail pane defects measured in the real renderer: at 1440 px the hex view's ASCII column needed a
 * sideways scroll, and the JSON tree's indent shrank for keys with long values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { connectTo, launchChromium, sendText } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'

let browser: Browser
let app: AppUnderTest
let server: RunningWs

/** Siblings at one level: short and long leaves, and objects (with a toggle) whose keys are long. */
const NESTED = JSON.stringify({
  a: {
    short: 1,
    long: 'x'.repeat(400),
    mid: 'y'.repeat(60),
    deep: { k: true },
    ['a_key_long_enough_to_fill_a_narrow_detail_pane_on_its_own_' + 'z'.repeat(30)]: { k: [1, 2, 3] }
  }
})

beforeAll(async () => {
  browser = await launchChromium()
  ;[app, server] = await Promise.all([
    launchApp(browser),
    startWsServer({
      onConnection: (ws) =>
        ws.on('message', (d) => {
          if (String(d) === 'bytes') ws.send(Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff)))
          else ws.send(NESTED)
        })
    })
  ])
})
afterAll(async () => {
  await app?.stop()
  await browser?.close()
  await server?.close()
})

const detail = (page: Page) => page.getByRole('complementary', { name: 'Message detail' })

describe('the detail pane', () => {
  it('fits a hex line, ASCII column included, at 1440 px and in the narrowest pane, with no sideways scroll', async () => {
    const { page } = await app.open()
    await page.setViewportSize({ width: 1440, height: 900 })
    await connectTo(page, server.url)
    await sendText(page, 'bytes')
    await page.locator('[aria-label="Message log"] .row.in.binary').first().click()
    await detail(page).getByRole('tab', { name: 'Hex' }).click()
    const hex = detail(page).getByRole('region', { name: 'Hex dump' })
    const fit = (): Promise<{ scroll: number; client: number; ascii: boolean }> =>
      hex.evaluate((el) => ({
        scroll: el.scrollWidth,
        client: el.clientWidth,
        // The first line ends with its 16, 8 or 4 ASCII characters.
        ascii: /\s{2}\S{4,16}$/.test(el.querySelector('[data-line]')?.textContent ?? '')
      }))
    await expect.poll(async () => (await fit()).ascii, { timeout: 10_000 }).toBe(true)
    let f = await fit()
    expect(f.scroll).toBeLessThanOrEqual(f.client)
    // The narrowest detail pane (Home on its splitter): lines get shorter, never wider than the pane.
    await page.getByRole('separator', { name: 'Resize the detail pane' }).focus()
    await page.keyboard.press('Home')
    // Under load the pane's resize reaches the lines a frame or more later: wait for it, not for a fixed second.
    await expect.poll(async () => (await fit()).scroll <= (await fit()).client, { timeout: 10_000 }).toBe(true)
    f = await fit()
    expect(f.ascii).toBe(true)
    await page.context().close()
  })

  it('indents every key of a level by the same amount, whatever the length of its value', async () => {
    const { page } = await app.open()
    await page.setViewportSize({ width: 1440, height: 900 })
    await connectTo(page, server.url)
    await sendText(page, 'tree')
    await page.locator('[aria-label="Message log"] .row.in').first().click()
    const tree = detail(page).getByRole('tree')
    await tree.getByRole('treeitem', { name: /^long: / }).waitFor()
    const keyX = (name: RegExp): Promise<number> =>
      tree
        .getByRole('treeitem', { name })
        .locator('.key')
        .evaluate((k) => k.getBoundingClientRect().left)
    const keys = [/^short: /, /^long: /, /^mid: /, /^deep: /, /^a_key_long_enough/]
    for (const pane of ['wide', 'narrowest']) {
      if (pane === 'narrowest') {
        await page.getByRole('separator', { name: 'Resize the detail pane' }).focus()
        await page.keyboard.press('Home')
      }
      const xs = await Promise.all(keys.map(keyX))
      expect(new Set(xs.map((x) => Math.round(x))).size, `${pane} pane: key positions ${xs.join(', ')}`).toBe(1)
    }
    await page.context().close()
  })
})
