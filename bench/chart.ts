/** Renders the throughput chart (messages per second over time, raw against pipeline) to a PNG with Chromium. */
import type { Browser } from 'playwright-core'

// Plain JavaScript run in the page (a string, so the TypeScript loader adds no helpers the page lacks).
const DRAW = `([a, b]) => {
  const c = document.getElementById('c')
  const g = c.getContext('2d')
  const W = 900, H = 420, L = 80, B = 50
  g.fillStyle = '#fff'
  g.fillRect(0, 0, W, H)
  const maxT = Math.max(...a.map((p) => p[0]), ...b.map((p) => p[0]), 1)
  const maxY = Math.max(...a.map((p) => p[1]), ...b.map((p) => p[1]), 1) * 1.1
  const x = (t) => L + ((W - L - 20) * t) / maxT
  const y = (v) => H - B - ((H - B - 40) * v) / maxY
  g.strokeStyle = '#ccc'
  g.fillStyle = '#333'
  g.font = '13px sans-serif'
  for (let i = 0; i <= 5; i++) {
    const v = (maxY * i) / 5
    g.beginPath(); g.moveTo(L, y(v)); g.lineTo(W - 20, y(v)); g.stroke()
    g.fillText(Math.round(v / 1000) + 'k', 30, y(v) + 4)
  }
  for (let i = 0; i <= 5; i++) g.fillText(((maxT * i) / 5).toFixed(1) + ' s', x((maxT * i) / 5) - 12, H - B + 20)
  const line = (pts, color) => {
    g.strokeStyle = color; g.lineWidth = 2; g.beginPath()
    pts.forEach(([t, v], i) => (i ? g.lineTo(x(t), y(v)) : g.moveTo(x(t), y(v))))
    g.stroke()
  }
  line(a, '#d9534f')
  line(b, '#2f6fde')
  g.fillStyle = '#111'; g.font = 'bold 15px sans-serif'
  g.fillText('Messages per second during a 500,000 x 64 B flood', L, 24)
  g.font = '13px sans-serif'
  g.fillStyle = '#d9534f'; g.fillText('raw ws client (Node)', W - 380, 46)
  g.fillStyle = '#2f6fde'; g.fillText('Sockscope pipeline (into the renderer)', W - 240, 46)
}`

/** Series of [ms since start, cumulative messages], plotted as the rate over each 100 ms step. */
export async function renderThroughputChart(
  browser: Browser,
  raw: Array<[number, number]>,
  pipe: Array<[number, number]>,
  out: string
): Promise<void> {
  const rate = (s: Array<[number, number]>): Array<[number, number]> =>
    s.slice(1).map(([t, c], i) => [t / 1000, ((c - s[i][1]) * 1000) / Math.max(1, t - s[i][0])] as [number, number])
  const page = await browser.newPage({ viewport: { width: 900, height: 420 } })
  await page.setContent('<canvas id="c" width="900" height="420"></canvas>')
  await page.evaluate(`(${DRAW})(${JSON.stringify([rate(raw), rate(pipe)])})`)
  await page.locator('#c').screenshot({ path: out })
  await page.close()
}
