/// <reference lib="dom" />
/**
 * The log at a million rows and under big messages, in the real app in Chromium:
 * - filter 1,000,000 held 64 B messages by substring and by regex: ms from the keystroke until the whole log is
 *   scanned and the filtered view has painted (the filter runs in slices, so "first rows shown" would flatter it);
 * - the renderer heap (after GC) once 2,000 messages of 1 MiB arrived, with the payload budget at 256 MiB, and the
 *   same for 200 KiB messages (these travel whole to the renderer: above 256 KiB the engine sends a preview).
 * Runnable alone: `node --import tsx bench/logMillion.ts` prints JSON.
 */
import type { CDPSession, Page } from 'playwright-core'
import { WebSocketServer } from 'ws'
import { startApp } from './harness'
import { closeTab, counts } from './pipeline'
import { heap, jumpToEnd } from './logOps'

export interface LogMillionResult {
  filter_1m_substring_ms: number
  filter_1m_regex_ms: number
  /** The longest task while either filter ran (a slice of the scan, or the whole scan where it is one task). */
  filter_1m_longest_task_ms: number
  /** The longest task while the million rows arrived (the view redrawing as the log grows). */
  fill_1m_longest_task_ms: number
  /** Jump from the top to the end of the 1,000,000-row log, until painted. */
  jump_1m_ms: number
  /** Renderer heap per held row at 1,000,000 64 B messages. */
  heap_bytes_per_msg_1m: number
  /** Renderer JS heap after GC once 2,000 × 1 MiB arrived, and the payload budget it ran with. */
  heap_big_flood_mb: number
  heap_big_flood_budget_mb: number
  /** The same with 1,500 × 200 KiB (payloads the renderer receives whole; 300 MB, over the budget), same budget. */
  heap_200kib_flood_mb: number
}

const MIB = 1024 * 1024
const CAP = 'Log cap (messages kept)'
const BUDGET = 'Log memory budget'

/** Sets one of the log's selects; returns the value it had, so the caller can put it back (both are remembered). */
async function choose(page: Page, label: string, value: string): Promise<string | null> {
  const select = page.getByRole('combobox', { name: label })
  const actions = page.getByRole('button', { name: 'Log actions' })
  // Since issue 15 the limits sit in the log's overflow panel; older builds showed them in a toolbar.
  if ((await actions.count()) && (await actions.getAttribute('aria-expanded')) !== 'true') await actions.click()
  if (!(await select.count())) return null // an older build without this setting
  const before = await select.inputValue()
  await select.selectOption(value)
  return before
}

/** Starts recording long tasks in the page; `longest` reads and stops. */
const longTasks = {
  start: (page: Page) =>
    page.evaluate(`(() => {
      window.__longest = 0
      window.__lto = new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration) })
      window.__lto.observe({ type: 'longtask' })
    })()`),
  longest: (page: Page) => page.evaluate('(window.__lto.disconnect(), window.__longest)') as Promise<number>
}

/** Filter text typed into the filter box: ms until the scan is complete (when the build says) and two frames painted. */
function timeFilter(page: Page, text: string): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const probe = window.__sockscopeBench
    const input = document.querySelector('input[aria-label="Filter messages"]')
    const t0 = performance.now()
    input.value = ${JSON.stringify(text)}
    input.dispatchEvent(new Event('input', { bubbles: true }))
    const done = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)))
    const wait = () => (probe.log && probe.log().filtering ? setTimeout(wait, 1) : done())
    setTimeout(wait, 0)
  })`) as Promise<number>
}

async function waitFor(page: Page, what: 'held' | 'received', n: number, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    ([k, want]) => (window as unknown as { __sockscopeBench: { counts(): Record<string, number> } }).__sockscopeBench.counts()[k] >= want,
    [what, n] as const,
    { polling: 200, timeout: timeoutMs }
  )
}

async function million(page: Page, cdp: CDPSession, n: number) {
  const server = await paced(n, 64)
  try {
    await page.getByRole('button', { name: 'New connection' }).click()
    const cap = await choose(page, CAP, String(n))
    if (cap === null) throw new Error('the log cap select is missing')
    const before = await heap(cdp)
    await longTasks.start(page)
    await connectHere(page, server.port)
    await server.done
    await waitFor(page, 'held', n, 300_000)
    const fillTask = await longTasks.longest(page)
    const held = (await counts(page)).held
    const perMsg = ((await heap(cdp)) - before) / held
    await longTasks.start(page)
    const substring = await timeFilter(page, 'xxxxxxxx') // every row matches: the scan plus a full view
    const regex = await timeFilter(page, '/x{16}$/')
    const filterTask = await longTasks.longest(page)
    await timeFilter(page, '')
    const jump = await jumpToEnd(page)
    await choose(page, CAP, cap)
    await closeTab(page)
    return { substring, regex, perMsg, jump, filterTask, fillTask }
  } finally {
    server.close()
  }
}

/**
 * Sends `n` text messages of `size` bytes to the first client, paced by what the socket has buffered. Not the
 * bench's flood server: it queues 2,000 sends per step (2 GB at 1 MiB), and its million-message floods were cut
 * (1006) after a few throttle cycles in two runs of three here, where this one never was.
 */
async function paced(n: number, size: number): Promise<{ port: number; done: Promise<void>; close(): void }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
  await new Promise((r) => wss.once('listening', r))
  const payload = 'x'.repeat(size)
  const done = new Promise<void>((resolve) =>
    wss.once('connection', (ws) => {
      let i = 0
      const step = (): void => {
        if (ws.readyState !== ws.OPEN) return resolve()
        for (; i < n && ws.bufferedAmount < 8 * MIB; i++) ws.send(payload)
        if (i < n) setTimeout(step, 1)
        else resolve()
      }
      step()
    })
  )
  return { port: (wss.address() as { port: number }).port, done, close: () => wss.close() }
}

/** Connects the current tab (as `freshTab` does for a new one). */
async function connectHere(page: Page, port: number): Promise<void> {
  await page.getByRole('textbox', { name: 'URL' }).fill(`ws://127.0.0.1:${port}/`)
  await page.getByRole('tab', { name: 'Advanced' }).click()
  await page.getByLabel('Compression (permessage-deflate)').uncheck()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
}

/** Renderer heap after GC once `n` messages of `size` bytes arrived, the budget set to `budgetMb`. */
async function flooded(page: Page, cdp: CDPSession, n: number, size: number, budgetMb: number): Promise<number> {
  const server = await paced(n, size)
  try {
    // The budget is set before connecting: the first messages arrive with the handshake.
    await page.getByRole('button', { name: 'New connection' }).click()
    const budget = await choose(page, BUDGET, String(budgetMb * MIB))
    await connectHere(page, server.port)
    await server.done
    await waitFor(page, 'received', n, 300_000)
    await page.waitForTimeout(200)
    const mb = (await heap(cdp)) / MIB
    if (budget !== null) await choose(page, BUDGET, budget)
    await closeTab(page)
    return mb
  } finally {
    server.close()
  }
}

export async function logMillion(page: Page, opts: { rows?: number; big?: number } = {}): Promise<LogMillionResult> {
  const cdp = await page.context().newCDPSession(page)
  try {
    const m = await million(page, cdp, opts.rows ?? 1_000_000)
    const budgetMb = 256
    const big = await flooded(page, cdp, opts.big ?? 2000, MIB, budgetMb)
    const mid = await flooded(page, cdp, opts.big ?? 1500, 200 * 1024, budgetMb)
    return {
      filter_1m_substring_ms: m.substring,
      filter_1m_regex_ms: m.regex,
      filter_1m_longest_task_ms: m.filterTask,
      fill_1m_longest_task_ms: m.fillTask,
      jump_1m_ms: m.jump,
      heap_bytes_per_msg_1m: m.perMsg,
      heap_big_flood_mb: big,
      heap_big_flood_budget_mb: budgetMb,
      heap_200kib_flood_mb: mid
    }
  } finally {
    await cdp.detach()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = await startApp()
  try {
    console.log(JSON.stringify(await logMillion(app.page), null, 2))
  } finally {
    await app.close()
  }
}
