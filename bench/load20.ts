/**
 * `npm run load20`: matrix row 16 in full, through the UI. 20 connection tabs in Chromium, each fed 1,000 msg/s
 * for 60 s (or --seconds N). Reports the longest frame gap and key-press-to-paint p95 while it runs, and checks
 * that every recording holds exactly the messages its server sent.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocketServer } from 'ws'
import { startWebHost } from '../src/main/web/host'
import { launchChromium } from '../tests/e2e/harness'
import { ROOT, percentile } from './harness'

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 60
const CONNS = 20

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sockscope-load20-'))
  const sent = new Map<string, number>()
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
  wss.on('connection', (ws, req) => {
    const key = req.url ?? ''
    let n = 0
    ws.on('message', () => {
      const t = setInterval(() => {
        for (let i = 0; i < 10; i++) ws.send(`${key} ${++n}`)
        sent.set(key, n)
        if (n >= seconds * 1000) {
          clearInterval(t)
          ws.close(1000, 'done')
        }
      }, 10)
      ws.on('close', () => clearInterval(t))
    })
  })
  await new Promise((r) => wss.once('listening', r))
  const port = (wss.address() as { port: number }).port
  const host = await startWebHost({
    port: 0,
    host: '127.0.0.1',
    rendererDir: join(ROOT, 'out', 'renderer'),
    dataDir,
    version: 'load',
    log: () => undefined
  })
  const browser = await launchChromium()
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  await page.goto(host.url)
  await page.getByRole('textbox', { name: 'URL' }).waitFor()
  for (let i = 0; i < CONNS; i++) {
    if (i) await page.getByRole('button', { name: 'New connection' }).click()
    await page.getByRole('textbox', { name: 'URL' }).fill(`ws://127.0.0.1:${port}/c${i}`)
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
  }
  await page.evaluate(`(() => {
    window.__gaps = []; window.__keys = []; window.__last = performance.now()
    const f = (t) => { window.__gaps.push(t - window.__last); window.__last = t; window.__raf = requestAnimationFrame(f) }
    window.__raf = requestAnimationFrame(f)
    document.addEventListener('keydown', (e) => { const t = e.timeStamp; requestAnimationFrame(() => setTimeout(() => window.__keys.push(performance.now() - t), 0)) }, true)
  })()`)
  // Start all 20 feeds together: each tab sends "go".
  for (let i = 0; i < CONNS; i++) {
    await page.getByRole('tablist', { name: 'Connections' }).getByRole('tab').nth(i).click()
    await page.getByRole('textbox', { name: 'Message' }).fill('go')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
  }
  await page.getByRole('textbox', { name: 'Message' }).click()
  const t0 = Date.now()
  while ([...sent.values()].filter((n) => n >= seconds * 1000).length < CONNS && Date.now() - t0 < (seconds + 60) * 1000) {
    await page.keyboard.press('a')
    await page.waitForTimeout(200)
  }
  await page.waitForTimeout(2000)
  const r = (await page.evaluate('(cancelAnimationFrame(window.__raf), { gaps: window.__gaps, keys: window.__keys })')) as {
    gaps: number[]
    keys: number[]
  }
  await browser.close()
  await host.close()
  wss.close()
  let recorded = 0
  for (const f of readdirSync(join(dataDir, 'recordings'))) {
    recorded += readFileSync(join(dataDir, 'recordings', f), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type?: string; dir?: string })
      .filter((e) => e.type === 'message' && e.dir === 'in').length
  }
  rmSync(dataDir, { recursive: true, force: true })
  const total = [...sent.values()].reduce((a, b) => a + b, 0)
  const ok = recorded === total && total === CONNS * seconds * 1000
  console.log(
    `load20: ${CONNS} connections x 1,000 msg/s x ${seconds} s: servers sent ${total.toLocaleString('en')}, recordings hold ${recorded.toLocaleString('en')}; ` +
      `longest frame gap ${Math.max(...r.gaps).toFixed(0)} ms (p99 ${percentile(r.gaps, 99).toFixed(1)} ms); key press to paint p95 ${percentile(r.keys, 95).toFixed(1)} ms: ${ok ? 'PASS' : 'FAIL'}`
  )
  process.exit(ok ? 0 : 1)
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
