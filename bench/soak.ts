/**
 * `npm run soak`: 10 minutes (or --minutes N) of connections churning, reconnecting and flooding through the
 * real browser-mode host and Chromium. Passes when, at the end, main-side RSS and renderer heap are within 20%
 * of their level after the first minute, every recording parses, and no sockets or timers leaked.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocketServer } from 'ws'
import { startWebHost } from '../src/main/web/host'
import { launchChromium } from '../tests/e2e/harness'
import { ROOT } from './harness'
import { freshTab } from './pipeline'
import { heap } from './logOps'

const minutes = Number(process.argv[process.argv.indexOf('--minutes') + 1]) || 10
const dataDir = mkdtempSync(join(tmpdir(), 'sockscope-soak-'))

function handles(): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1
  return out
}

async function main(): Promise<void> {
  // A steady 2,000 msg/s feed, and a flaky server that drops every client after a few seconds.
  const steady = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  steady.on('connection', (ws) => {
    const t = setInterval(() => {
      for (let i = 0; i < 20; i++) ws.send(`{"tick":${Date.now()},"i":${i}}`)
    }, 10)
    ws.on('close', () => clearInterval(t))
    ws.on('message', (d) => ws.send(d))
  })
  const flaky = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  flaky.on('connection', (ws) => setTimeout(() => ws.terminate(), 2000 + Math.random() * 3000))
  await Promise.all([steady, flaky].map((s) => new Promise((r) => s.once('listening', r))))
  const port = (s: WebSocketServer): number => (s.address() as { port: number }).port

  const host = await startWebHost({
    port: 0,
    host: '127.0.0.1',
    rendererDir: join(ROOT, 'out', 'renderer'),
    dataDir,
    version: 'soak',
    log: () => undefined
  })
  const browser = await launchChromium()
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  await page.goto(host.url + '&bench=1')
  await page.getByRole('textbox', { name: 'URL' }).waitFor()
  const cdp = await page.context().newCDPSession(page)

  // Tab 1: the steady flood. Tab 2: the flaky server with reconnect on. Tab 3: churned by hand below.
  await freshTab(page, port(steady))
  await page.getByRole('button', { name: 'New connection' }).click()
  await page.getByRole('tab', { name: 'Ping & reconnect' }).click()
  await page.getByLabel('Reconnect automatically').check()
  await page.getByLabel('Backoff base (ms)').fill('200')
  await page.getByLabel('Backoff cap (ms)').fill('2000')
  await page.getByRole('spinbutton', { name: 'Ping interval (seconds)' }).fill('1')
  await page.getByRole('textbox', { name: 'URL' }).fill(`ws://127.0.0.1:${port(flaky)}/`)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await page.getByRole('button', { name: 'New connection' }).click()

  const samples: Array<{ t: number; rssMb: number; heapMb: number; handles: Record<string, number> }> = []
  const t0 = Date.now()
  let baseline: (typeof samples)[number] | null = null
  let churns = 0
  while (Date.now() - t0 < minutes * 60_000) {
    // Churn: connect and disconnect tab 3, sending a message each time.
    await page.getByRole('textbox', { name: 'URL' }).fill(`ws://127.0.0.1:${port(steady)}/churn`)
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
    await page.getByRole('textbox', { name: 'Message' }).fill(`churn ${++churns}`)
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await page.waitForTimeout(2000)
    await page.getByRole('button', { name: 'Disconnect' }).click()
    await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Disconnected' }).waitFor()
    await page.waitForTimeout(1000)
    if (samples.length === 0 || Date.now() - t0 - samples[samples.length - 1].t >= 15_000) {
      global.gc?.()
      const s = { t: Date.now() - t0, rssMb: process.memoryUsage().rss / 2 ** 20, heapMb: (await heap(cdp)) / 2 ** 20, handles: handles() }
      samples.push(s)
      if (!baseline && s.t >= 60_000) baseline = s
      console.log(
        `soak ${(s.t / 1000).toFixed(0)} s: rss ${s.rssMb.toFixed(0)} MB, renderer heap ${s.heapMb.toFixed(1)} MB, handles ${JSON.stringify(s.handles)}`
      )
    }
  }
  const end = samples[samples.length - 1]
  baseline ??= samples[0]
  await browser.close()
  await host.close()
  steady.close()
  flaky.close()
  let records = 0
  let events = 0
  for (const f of readdirSync(join(dataDir, 'recordings'))) {
    const lines = readFileSync(join(dataDir, 'recordings', f), 'utf8')
      .trim()
      .split('\n')
    for (const l of lines) JSON.parse(l)
    records++
    events += lines.length - 1
  }
  const within = (a: number, b: number): boolean => a <= b * 1.2
  const key = (h: Record<string, number>, k: string): number => h[k] ?? 0
  const result = {
    minutes,
    churns,
    baseline,
    end,
    rss_within_20pct: within(end.rssMb, baseline.rssMb),
    heap_within_20pct: within(end.heapMb, baseline.heapMb),
    recordings: records,
    recorded_events: events,
    sockets_baseline: key(baseline.handles, 'TCPSocketWrap'),
    sockets_end: key(end.handles, 'TCPSocketWrap'),
    timers_baseline: key(baseline.handles, 'Timeout'),
    timers_end: key(end.handles, 'Timeout')
  }
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true })
  writeFileSync(join(ROOT, 'bench', 'results', 'soak.json'), JSON.stringify(result, null, 2) + '\n')
  rmSync(dataDir, { recursive: true, force: true })
  const ok =
    result.rss_within_20pct &&
    result.heap_within_20pct &&
    result.sockets_end <= result.sockets_baseline + 2 &&
    result.timers_end <= result.timers_baseline + 4
  console.log(
    `\nsoak: ${minutes} min, ${churns} churns, ${records} recordings (${events} events, all parse); RSS ${baseline.rssMb.toFixed(0)} → ${end.rssMb.toFixed(0)} MB; renderer heap ${baseline.heapMb.toFixed(1)} → ${end.heapMb.toFixed(1)} MB; sockets ${result.sockets_baseline} → ${result.sockets_end}; timers ${result.timers_baseline} → ${result.timers_end}: ${ok ? 'PASS' : 'FAIL'}`
  )
  process.exit(ok ? 0 : 1)
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
