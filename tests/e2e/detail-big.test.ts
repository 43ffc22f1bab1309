import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { connectTo, launchChromium } from './harness'
import { APP_PATH, launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'

/** An API response of about `bytes`: records with nested objects and arrays. Returns the text and the record count. */
function records(bytes: number): { text: string; n: number } {
  const parts: string[] = []
  let len = 2
  while (len < bytes) {
    const i = parts.length
    const item = JSON.stringify({
      id: i,
      name: `item ${i}`,
      tags: ['alpha', `t${i % 17}`],
      owner: { id: i % 1000, roles: ['reader', `role-${i}`] }
    })
    parts.push(item)
    len += item.length + 1
  }
  return { text: `[${parts.join(',')}]`, n: parts.length }
}

const MB3 = records(3_000_000)
const MIB10_JSON = records(10 * 1024 * 1024)
/** 10 MiB of numbered lines: the last one says where the text ends. */
const MIB10_TEXT = (() => {
  const lines: string[] = []
  let len = 0
  for (let i = 0; len < 10 * 1024 * 1024; i++) {
    const l = `line ${String(i).padStart(7, '0')} ${'lorem ipsum dolor sit amet '.repeat(3)}`
    lines.push(l)
    len += l.length + 1
  }
  lines.push('THE END OF THE TEXT')
  return lines.join('\n')
})()

let app: AppUnderTest
let browser: Browser
let server: RunningWs

beforeAll(async () => {
  ;[browser, server] = await Promise.all([
    launchChromium(),
    startWsServer({ onConnection: (ws) => [MB3.text, MIB10_TEXT, MIB10_JSON.text].forEach((p) => ws.send(p)) })
  ])
  app = await launchApp(browser)
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await server?.close()
})

const detailOf = (page: Page) => page.getByRole('complementary', { name: 'Message detail' })
const incoming = (page: Page) => page.getByRole('listbox', { name: 'Message log' }).locator('.row.in')

/** Selects the nth incoming message and loads its full payload (it arrived as a preview). */
async function openFull(page: Page, nth: number): Promise<void> {
  await incoming(page).nth(nth).click()
  const detail = detailOf(page)
  await detail.getByRole('button', { name: 'Load full payload' }).click()
  await detail.getByText(/Showing the first/).waitFor({ state: 'detached', timeout: 30_000 })
}

const clipboard = (page: Page): Promise<string> => page.evaluate('navigator.clipboard.readText()') as Promise<string>

describe(`big payloads in the detail pane (${APP_PATH} path)`, () => {
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    ;({ page, errors } = await app.open())
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin })
    await connectTo(page, server.url)
    await incoming(page).nth(2).waitFor({ timeout: 30_000 })
  })
  afterAll(async () => {
    await page?.context().close()
  })

  it('opens the tree of a 3 MB JSON message with only the rows in view in the DOM', async () => {
    await openFull(page, 0)
    const detail = detailOf(page)
    const tree = detail.getByRole('tree', { name: 'JSON tree' })
    await tree.getByRole('treeitem').first().waitFor({ timeout: 20_000 })
    expect(await detail.getByRole('tab', { name: 'JSON' }).getAttribute('aria-selected')).toBe('true')
    expect(await tree.getByRole('treeitem').first().getAttribute('aria-expanded')).toBe('true')
    // Parsed off the UI thread: the CSP lets the page start its own worker.
    expect(await tree.getAttribute('data-parsed-in')).toBe('worker')
    await detail.getByRole('button', { name: 'Copy path $[0]', exact: true }).waitFor({ state: 'attached' })
    const rowsInDom = (): Promise<number> => tree.getByRole('treeitem').count()
    expect(await rowsInDom()).toBeGreaterThan(5)
    expect(await rowsInDom()).toBeLessThan(500)

    // Scrolling to the end shows the last record, still with a bounded DOM.
    const last = MB3.n - 1
    await tree.evaluate((el) => (el.scrollTop = el.scrollHeight))
    const lastRow = tree.getByRole('treeitem', { name: `${last}: {4}`, exact: true })
    await lastRow.waitFor()
    expect(await rowsInDom()).toBeLessThan(500)

    // Expanding a deep node: the last record, its owner, the owner's roles.
    await detail.getByRole('button', { name: `Expand $[${last}]`, exact: true }).click()
    await detail.getByRole('button', { name: `Expand $[${last}].owner`, exact: true }).click()
    await detail.getByRole('button', { name: `Expand $[${last}].owner.roles`, exact: true }).click()
    await tree.evaluate((el) => (el.scrollTop = el.scrollHeight))
    await detail.getByText(`"role-${last}"`, { exact: true }).waitFor()
    const role = tree.getByRole('treeitem', { name: `1: "role-${last}"`, exact: true })
    expect(await role.getAttribute('aria-level')).toBe('5')

    // Copy path and copy value.
    await role.hover()
    await detail.getByRole('button', { name: `Copy path $[${last}].owner.roles[1]`, exact: true }).click()
    await expect.poll(() => clipboard(page)).toBe(`$[${last}].owner.roles[1]`)
    await detail.getByRole('button', { name: `Copy value of $[${last}].owner`, exact: true }).click()
    await expect.poll(() => clipboard(page).then((t) => JSON.parse(t))).toEqual({ id: last % 1000, roles: ['reader', `role-${last}`] })
    expect(errors).toEqual([])
  })

  it('moves, expands and collapses with the keyboard like a tree view', async () => {
    const tree = detailOf(page).getByRole('tree', { name: 'JSON tree' })
    await tree.evaluate((el) => (el.scrollTop = 0))
    const root = tree.getByRole('treeitem').first()
    await root.waitFor()
    await root.focus()
    const focused = (): Promise<string | null> => page.evaluate('document.activeElement?.getAttribute("aria-label") ?? null')
    await page.keyboard.press('ArrowDown')
    await expect.poll(focused).toBe('0: {4}')
    await page.keyboard.press('ArrowRight') // expands
    await expect.poll(() => tree.getByRole('treeitem', { name: '0: {4}', exact: true }).getAttribute('aria-expanded')).toBe('true')
    await page.keyboard.press('ArrowRight') // to the first child
    await expect.poll(focused).toBe('id: 0')
    await page.keyboard.press('ArrowLeft') // to the parent
    await expect.poll(focused).toBe('0: {4}')
    await page.keyboard.press('ArrowLeft') // collapses
    await expect.poll(() => tree.getByRole('treeitem', { name: '0: {4}', exact: true }).getAttribute('aria-expanded')).toBe('false')
    await page.keyboard.press('End') // the last row: the role the first test opened
    await expect.poll(focused).toBe(`1: "role-${MB3.n - 1}"`)
    await page.keyboard.press('Home')
    await expect.poll(focused).toBe(`[${MB3.n}]`)
    expect(errors).toEqual([])
  })

  it('loads a 10 MiB text fully and shows it through a window of lines', async () => {
    await openFull(page, 1)
    const text = detailOf(page).getByRole('region', { name: 'Payload text' })
    await text.waitFor()
    const linesInDom = (): Promise<number> => text.locator('[data-line]').count()
    expect(await linesInDom()).toBeGreaterThan(5)
    expect(await linesInDom()).toBeLessThan(500)
    await text.evaluate((el) => (el.scrollTop = el.scrollHeight))
    await text.getByText('THE END OF THE TEXT').waitFor()
    expect(await linesInDom()).toBeLessThan(500)
    // Fetched in pieces, put back together exactly.
    await detailOf(page).getByRole('button', { name: 'Copy', exact: true }).click()
    await expect.poll(async () => (await clipboard(page)) === MIB10_TEXT, { timeout: 20_000 }).toBe(true)
    expect(errors).toEqual([])
  })

  it('loads a 10 MiB JSON message fully and opens its tree', async () => {
    await openFull(page, 2)
    const detail = detailOf(page)
    const tree = detail.getByRole('tree', { name: 'JSON tree' })
    await tree.getByRole('treeitem', { name: `[${MIB10_JSON.n}]`, exact: true }).waitFor({ timeout: 30_000 })
    expect(await detail.getByRole('tab', { name: 'JSON' }).getAttribute('aria-selected')).toBe('true')
    expect(await tree.getByRole('treeitem').count()).toBeLessThan(500)
    // The Text view of the same payload is windowed too.
    await detail.getByRole('tab', { name: 'Text' }).click()
    await detail.getByRole('region', { name: 'Payload text' }).waitFor()
    expect(errors).toEqual([])
  })
})
