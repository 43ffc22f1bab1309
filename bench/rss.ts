/** The engine side's resident memory (the browser-mode host process) during a long flood with the UI log capped. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import type { FloodServer } from './harness'
import { closeTab, freshTab } from './pipeline'

export function rssMb(pid: number): number {
  if (process.platform === 'linux') {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : NaN
  }
  return (
    Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim()
    ) / 1024
  )
}

export async function rssDuringFlood(
  page: Page,
  server: FloodServer,
  hostPid: number,
  seconds: number
): Promise<{ startMb: number; endMb: number; maxMb: number; received: number }> {
  await freshTab(page, server.port)
  const startMb = rssMb(hostPid)
  let maxMb = startMb
  server.flood({ n: 1e9, size: 64 })
  await server.next()
  const t0 = Date.now()
  while (Date.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 1000))
    maxMb = Math.max(maxMb, rssMb(hostPid))
  }
  const endMb = rssMb(hostPid)
  server.halt()
  await server.next()
  const received = (await page.evaluate('window.__sockscopeBench.counts().received')) as number
  await closeTab(page)
  return { startMb, endMb, maxMb, received }
}
