/// <reference lib="dom" />
/**
 * Big payloads in the detail pane, in the real app in Chromium: open the JSON tree of a 3 MB message (time to the
 * first painted tree row and the longest task meanwhile) and "Load full payload" of a 10 MiB message (the longest
 * task until the pane has settled; the worse of a plain-text and a JSON payload). Messages above the host's large-
 * payload threshold reach the page as a preview, so both figures include fetching the payload by its reference.
 *
 * Alone: `node --import tsx bench/detailPane.ts` builds if stale and prints the figures as JSON.
 */
import { loadavg } from 'node:os'
import { pathToFileURL } from 'node:url'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { WebSocketServer } from 'ws'
import { ROOT, startApp } from './harness'
import { closeTab, freshTab } from './pipeline'

export interface DetailPaneFigures {
  json_tree_3mb_ms: number
  json_tree_3mb_longest_task_ms: number
  full_payload_10mb_longest_task_ms: number
}

const MB3 = 3_000_000
const MIB10 = 10 * 1024 * 1024
/** How long the pane gets to settle after its first paint: trailing work (a worker's answer, a re-render) counts. */
const SETTLE_MS = 500
/** The old tree could take minutes on these payloads, or crash the page: give up after this and report NaN. */
const GIVE_UP_MS = 90_000

/** An API response's shape: an array of records with nested objects and arrays, at least `bytes` long. */
export function jsonDocument(bytes: number): string {
  const parts: string[] = []
  let len = 2
  for (let i = 0; len < bytes; i++) {
    const item = JSON.stringify({
      id: i,
      name: `item ${i}`,
      active: i % 3 === 0,
      price: Math.round(i * 137.13) / 100,
      tags: ['alpha', 'beta', `t${i % 17}`],
      owner: { id: i % 1000, email: `user${i % 1000}@example.test`, roles: ['reader', i % 5 ? 'writer' : 'admin'] },
      note: null
    })
    parts.push(item)
    len += item.length + 1
  }
  return `[${parts.join(',')}]`
}

/** Runs in the page: clicks "Load full payload", opens the JSON view if asked, waits for it to paint and settle. */
const LOAD_AND_WATCH = `async ({ wantJson, settleMs, giveUpMs }) => {
  const detail = document.querySelector('[aria-label="Message detail"]')
  const button = [...detail.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Load full payload')
  if (!button) throw new Error('no "Load full payload" button')
  let observed = 0
  const lto = new PerformanceObserver((l) => { for (const e of l.getEntries()) observed = Math.max(observed, e.duration) })
  lto.observe({ type: 'longtask' })
  const t0 = performance.now()
  button.click()
  const shown = () => {
    if (detail.querySelector('.notice button')) return false
    const tab = [...detail.querySelectorAll('[role=tab]')].find((t) => t.textContent.trim() === 'JSON')
    // Without a JSON view (the old pane gave none above 5 MB) the payload shows as text.
    if (!wantJson || !tab) return !!detail.querySelector('.body pre, .body [data-line]')
    if (tab.getAttribute('aria-selected') !== 'true') tab.click()
    // The virtualised tree's rows, or the old tree's lines.
    return !!detail.querySelector('.body [role=treeitem] .key, .body .node .line .key')
  }
  const paintedAt = await new Promise((resolve) => {
    const poll = () => {
      if (performance.now() - t0 > giveUpMs) return resolve(NaN)
      if (shown()) requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0))
      else setTimeout(poll, 1)
    }
    poll()
  })
  await new Promise((r) => setTimeout(r, settleMs))
  lto.disconnect()
  return { firstPaintMs: paintedAt - t0, observedLongTaskMs: observed }
}`

/** A top-level task's trace event: its name depends on the categories recorded. */
const TASK_EVENTS = new Set(['RunTask', 'ThreadControllerImpl::RunTask'])

interface TraceEvent {
  ph: string
  name: string
  pid: number
  tid: number
  dur?: number
  /** Thread (CPU) time. */
  tdur?: number
  args?: { name?: string }
}

/**
 * The longest task on a renderer main thread in a Chromium trace, by wall time (the figure) and by the thread's
 * CPU time (what the page itself spent; on a machine shared with other work the wall time can be several times
 * more). The page's own 'longtask' observer misses some tasks: a forced layout inside input handling (the old
 * pane's 12 s text layout ran in a mouse-move hit test) is never reported, so the trace's top-level tasks are the
 * measure.
 */
export function longestRendererTask(trace: Buffer): { wallMs: number; cpuMs: number } {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[]
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents
  const mainThreads = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`)
  )
  let wallMs = 0
  let cpuMs = 0
  for (const e of events) {
    if (e.ph !== 'X' || !TASK_EVENTS.has(e.name) || !mainThreads.has(`${e.pid}:${e.tid}`)) continue
    wallMs = Math.max(wallMs, (e.dur ?? 0) / 1000)
    cpuMs = Math.max(cpuMs, (e.tdur ?? 0) / 1000)
  }
  return { wallMs, cpuMs }
}

interface LoadFigures {
  firstPaintMs: number
  longestTaskMs: number
  longestTaskCpuMs: number
  observedLongTaskMs: number
}

async function loadFull(page: Page, row: number, wantJson: boolean): Promise<LoadFigures> {
  await page.locator('[role=listbox] .row.in').nth(row).click()
  await page.getByRole('button', { name: 'Load full payload' }).waitFor()
  const browser = page.context().browser()!
  await browser.startTracing(undefined, { categories: ['toplevel'] })
  try {
    const r = (await page.evaluate(`(${LOAD_AND_WATCH})(${JSON.stringify({ wantJson, settleMs: SETTLE_MS, giveUpMs: GIVE_UP_MS })})`)) as {
      firstPaintMs: number
      observedLongTaskMs: number
    }
    const longest = longestRendererTask(await browser.stopTracing())
    return { ...r, longestTaskMs: longest.wallMs, longestTaskCpuMs: longest.cpuMs }
  } catch (e) {
    // The old tree froze the page for a minute on a 3 MB payload, or crashed the renderer: a figure too.
    console.error(`bench: detail pane run failed: ${(e as Error).message.split('\n')[0]}`)
    await browser.stopTracing().catch(() => undefined)
    return { firstPaintMs: NaN, longestTaskMs: NaN, longestTaskCpuMs: NaN, observedLongTaskMs: NaN }
  }
}

const show = (what: string, f: LoadFigures): void =>
  console.error(
    `bench: ${what}: shown after ${f.firstPaintMs.toFixed(0)} ms, longest renderer task ${f.longestTaskMs.toFixed(0)} ms (by CPU time ${f.longestTaskCpuMs.toFixed(0)} ms; longtask observer ${f.observedLongTaskMs.toFixed(0)} ms; load average ${loadavg()[0].toFixed(1)})`
  )

/**
 * The detail-pane figures on `page` (the app, in browser mode, with its UI up). Stands up its own loopback server
 * that sends the three payloads, in a fresh connection tab it closes afterwards.
 */
export async function detailPaneRun(page: Page): Promise<DetailPaneFigures> {
  const payloads = [jsonDocument(MB3), 'y'.repeat(MIB10), jsonDocument(MIB10)]
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
  wss.on('connection', (ws) => payloads.forEach((p) => ws.send(p)))
  await new Promise((r) => wss.once('listening', r))
  try {
    await freshTab(page, (wss.address() as AddressInfo).port)
    await page
      .locator('[role=listbox] .row.in')
      .nth(payloads.length - 1)
      .waitFor({ timeout: 60_000 })
    // The 3 MB tree last: the old pane could crash the renderer there, and nothing can be measured after that.
    const text = await loadFull(page, 1, false)
    show('10 MiB text, load full payload', text)
    const json = await loadFull(page, 2, true)
    show('10 MiB JSON, load full payload', json)
    const tree = await loadFull(page, 0, true)
    show('3 MB JSON, load full payload and open the tree', tree)
    if (!page.isClosed()) await closeTab(page).catch(() => undefined)
    return {
      json_tree_3mb_ms: tree.firstPaintMs,
      json_tree_3mb_longest_task_ms: tree.longestTaskMs,
      full_payload_10mb_longest_task_ms: Math.max(text.longestTaskMs, json.longestTaskMs)
    }
  } finally {
    for (const c of wss.clients) c.terminate()
    await new Promise((r) => wss.close(r))
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { buildIfStale } = (await import(pathToFileURL(`${ROOT}/scripts/build-if-stale.mjs`).href)) as { buildIfStale(root: string): void }
  buildIfStale(ROOT)
  const app = await startApp()
  try {
    console.log(JSON.stringify(await detailPaneRun(app.page), null, 2))
  } finally {
    await app.close()
  }
}
