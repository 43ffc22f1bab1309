/// <reference lib="dom" />
/** Measurements through the whole app: engine → batcher → bridge → renderer store in Chromium. */
import type { Page } from 'playwright-core'
import type { FloodServer } from './harness'
import { percentile } from './harness'

type Counts = { received: number; held: number; evicted: number; end: number }
const counts = (page: Page): Promise<Counts> => page.evaluate('window.__sockscopeBench.counts()') as Promise<Counts>

/** A fresh tab connected to the flood server. */
export async function freshTab(page: Page, port: number): Promise<void> {
  await page.getByRole('button', { name: 'New connection' }).click()
  await page.getByRole('textbox', { name: 'URL' }).fill(`ws://127.0.0.1:${port}/`)
  await page.getByRole('tab', { name: 'Advanced' }).click()
  await page.getByLabel('Compression (permessage-deflate)').uncheck()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
}

export async function closeTab(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Disconnect' }).click()
  await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Disconnected' }).waitFor()
  await page
    .getByRole('button', { name: /^Close tab / })
    .last()
    .click()
}

/**
 * Messages per second from the first send until the renderer holds (or counted as evicted) all n. With
 * `whileFull`, runs extra measurements on the full log before the tab is closed.
 */
export async function pipelineRun(
  page: Page,
  server: FloodServer,
  n: number,
  size: number,
  samples?: Array<[number, number]>,
  whileFull?: { before(): Promise<void>; after(): Promise<void> }
): Promise<number> {
  await freshTab(page, server.port)
  await whileFull?.before()
  await page.evaluate(
    `window.__benchSamples = []; window.__benchT0 = Date.now(); window.__benchTimer = setInterval(() => window.__benchSamples.push([Date.now() - window.__benchT0, window.__sockscopeBench.counts().received]), 100)`
  )
  server.flood({ n, size })
  const { started } = await server.next()
  const end = (await (
    await page.waitForFunction(
      (want) => {
        const c = (window as unknown as { __sockscopeBench: { counts(): Counts } }).__sockscopeBench.counts()
        return c.received >= want && c.end >= want ? Date.now() : 0
      },
      n,
      { polling: 10, timeout: 120_000 }
    )
  ).jsonValue()) as number
  await server.next() // the server's "sent" report
  const s = (await page.evaluate(`(clearInterval(window.__benchTimer), window.__benchSamples)`)) as Array<[number, number]>
  if (samples) samples.push(...s)
  await whileFull?.after()
  await closeTab(page)
  return n / ((end - started) / 1000)
}

/**
 * Engine arrival to row-in-DOM latency for rows shown while auto-scrolling, at `rate` msg/s for `seconds`.
 * Returns [seconds since start, latency ms] per row.
 */
export async function latencyRun(page: Page, server: FloodServer, rate: number, seconds: number): Promise<Array<[number, number]>> {
  await freshTab(page, server.port)
  await page.evaluate(`(() => {
    window.__lat = []
    window.__latT0 = performance.now()
    const log = document.querySelector('[role=listbox]')
    window.__latObs = new MutationObserver((muts) => {
      const now = performance.timeOrigin + performance.now()
      for (const m of muts) for (const n of m.addedNodes) {
        const abs = n.dataset && n.dataset.abs
        if (abs === undefined) continue
        const ts = window.__sockscopeBench.entryTs(Number(abs))
        if (ts) window.__lat.push([(performance.now() - window.__latT0) / 1000, now - ts])
      }
    })
    window.__latObs.observe(log, { childList: true, subtree: true })
  })()`)
  server.flood({ n: rate * seconds, size: 64, rate })
  await server.next()
  await server.next()
  await page.waitForTimeout(300)
  const lat = (await page.evaluate('(window.__latObs.disconnect(), window.__lat)')) as Array<[number, number]>
  await closeTab(page)
  return lat
}

export interface Responsiveness {
  /** Per time window: the longest long task (0 when none reached 50 ms), the longest gap between frames, key-press p95. */
  windows: Array<{ longestTaskMs: number; longestFrameGapMs: number; keypressP95Ms: number }>
}

/** Long tasks, frame gaps and key-press-to-paint while flooding at `rate` msg/s for `seconds`, in `windows` slices. */
export async function responsivenessRun(
  page: Page,
  server: FloodServer,
  rate: number,
  seconds: number,
  windows: number,
  size = 64
): Promise<Responsiveness> {
  await freshTab(page, server.port)
  await page.evaluate(`(() => {
    window.__t0 = performance.now()
    window.__tasks = []
    window.__keys = []
    window.__gaps = []
    window.__lto = new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__tasks.push([e.startTime - window.__t0, e.duration]) })
    window.__lto.observe({ type: 'longtask' })
    window.__last = performance.now()
    window.__frame = (t) => { window.__gaps.push([t - window.__t0, t - window.__last]); window.__last = t; window.__raf = requestAnimationFrame(window.__frame) }
    window.__raf = requestAnimationFrame(window.__frame)
    window.__onKey = (e) => { const t = e.timeStamp; requestAnimationFrame(() => setTimeout(() => window.__keys.push([t - window.__t0, performance.now() - t]), 0)) }
    document.addEventListener('keydown', window.__onKey, true)
  })()`)
  await page.getByRole('textbox', { name: 'Message' }).click()
  server.flood({ n: rate * seconds, size, rate })
  await server.next()
  const t0 = Date.now()
  while (Date.now() - t0 < seconds * 1000) {
    await page.keyboard.press('a')
    await page.waitForTimeout(100)
  }
  await server.next()
  const r = (await page.evaluate(
    `(() => { window.__lto.disconnect(); cancelAnimationFrame(window.__raf); document.removeEventListener('keydown', window.__onKey, true); return { tasks: window.__tasks, keys: window.__keys, gaps: window.__gaps } })()`
  )) as Record<'tasks' | 'keys' | 'gaps', Array<[number, number]>>
  await closeTab(page)
  const span = Math.max(1, ...r.keys.map((k) => k[0]), ...r.gaps.map((g) => g[0]))
  const slice = (xs: Array<[number, number]>, w: number): number[] =>
    xs.filter(([t]) => t >= (span * w) / windows && t < (span * (w + 1)) / windows + (w === windows - 1 ? 1 : 0)).map(([, v]) => v)
  return {
    windows: Array.from({ length: windows }, (_, w) => ({
      longestTaskMs: Math.max(0, ...slice(r.tasks, w)),
      longestFrameGapMs: Math.max(0, ...slice(r.gaps, w)),
      keypressP95Ms: percentile(slice(r.keys, w), 95)
    }))
  }
}

export { counts }
