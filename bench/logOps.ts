/// <reference lib="dom" />
/** Memory per retained message, log operations with 100,000 held, and one 10 MB message. */
import type { CDPSession, Page } from 'playwright-core'
import type { FloodServer } from './harness'
import { closeTab, freshTab } from './pipeline'

export async function heap(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('HeapProfiler.collectGarbage')
  // Large payloads are kept as bytes, outside the JS heap: their backing stores count too.
  const r = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number }
  return r.usedSize + (r.backingStorageSize ?? 0)
}

/** On a full log: filter by substring and regex (ms until the filtered view shows), jump to the end, DOM rows. */
export async function logOperations(page: Page): Promise<{ substringMs: number; regexMs: number; jumpMs: number; domRows: number }> {
  const timeFilter = (text: string): Promise<number> =>
    page.evaluate(`new Promise((resolve) => {
      const input = document.querySelector('input[aria-label="Filter messages"]')
      const t0 = performance.now()
      input.value = ${JSON.stringify(text)}
      input.dispatchEvent(new Event('input', { bubbles: true }))
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)))
    })`) as Promise<number>
  // Every row matches: the scan plus a full filtered view, the expensive case.
  const substringMs = await timeFilter('xxxxxxxx')
  const regexMs = await timeFilter('/x{16}$/')
  await timeFilter('')
  const jumpMs = await jumpToEnd(page)
  const domRows = (await page.evaluate(`document.querySelectorAll('[role=listbox] [data-abs]').length`)) as number
  return { substringMs, regexMs, jumpMs, domRows }
}

/** One 10 MB text message: time from the server's send until its row shows, and the longest task meanwhile. */
export async function bigMessage(page: Page, server: FloodServer, bytes: number): Promise<{ previewMs: number; longestTaskMs: number }> {
  await freshTab(page, server.port)
  await page.evaluate(`(() => {
    window.__longest = 0
    window.__lto = new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration) })
    window.__lto.observe({ type: 'longtask' })
  })()`)
  server.big(bytes)
  const { started } = await server.next()
  const shown = (await (
    await page.waitForFunction(
      () => (Array.from(document.querySelectorAll('[role=listbox] .row.in')).some((r) => r.textContent?.includes('MiB')) ? Date.now() : 0),
      undefined,
      {
        polling: 'raf',
        timeout: 60_000
      }
    )
  ).jsonValue()) as number
  await page.waitForTimeout(300)
  const longest = (await page.evaluate('(window.__lto.disconnect(), window.__longest)')) as number
  await closeTab(page)
  return { previewMs: shown - started, longestTaskMs: longest }
}

/** From the top of the log to its end, until painted (two frames after the scroll). */
export function jumpToEnd(page: Page): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const log = document.querySelector('[role=listbox]')
    log.scrollTop = 0
    requestAnimationFrame(() => {
      const t0 = performance.now()
      log.scrollTop = log.scrollHeight
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)))
    })
  })`) as Promise<number>
}

/** Decoder throughput and the field filter over 100,000 messages, measured in the page (benchCodecs.ts). */
export async function codecOperations(page: Page, opts: { seconds: number; messages: number }): Promise<Record<string, number>> {
  return (await page.evaluate(`window.__sockscopeBench.codecs(${JSON.stringify(opts)})`)) as Record<string, number>
}
