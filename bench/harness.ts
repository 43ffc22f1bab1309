/** Processes the bench drives: the flood server, the browser-mode host and Chromium. */
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { launchChromium, startHost, type Host } from '../tests/e2e/harness'

export const ROOT = resolve(import.meta.dirname, '..')

export interface FloodServer {
  port: number
  proc: ChildProcess
  flood(f: { n: number; size: number; rate?: number }): void
  big(bytes: number): void
  /** Stops the running flood. */
  halt(): void
  next(): Promise<Record<string, number>>
  stop(): void
}

export async function startFlood(): Promise<FloodServer> {
  const proc = fork(join(ROOT, 'bench', 'floodServer.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const inbox: Array<Record<string, number>> = []
  const waiters: Array<(m: Record<string, number>) => void> = []
  proc.on('message', (m) => {
    const w = waiters.shift()
    if (w) w(m as Record<string, number>)
    else inbox.push(m as Record<string, number>)
  })
  const next = (): Promise<Record<string, number>> => (inbox.length ? Promise.resolve(inbox.shift()!) : new Promise((r) => waiters.push(r)))
  const { port } = await next()
  return {
    port,
    proc,
    flood: (f) => proc.send(f),
    big: (bytes) => proc.send({ big: bytes }),
    halt: () => proc.send('halt'),
    next,
    stop: () => proc.kill()
  }
}

export async function startApp(): Promise<{ host: Host; page: Page; close(): Promise<void> }> {
  const host = await startHost(mkdtempSync(join(tmpdir(), 'sockscope-bench-')))
  const browser = await launchChromium(['--enable-precise-memory-info', '--js-flags=--expose-gc'])
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  await page.goto(host.url + '&bench=1')
  await page.getByRole('textbox', { name: 'URL' }).waitFor()
  return {
    host,
    page,
    close: async () => {
      await browser.close()
      await host.stop()
    }
  }
}

export function chromiumVersion(page: Page): string {
  return page.context().browser()?.version() ?? 'unknown'
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

export const percentile = (xs: number[], p: number): number => {
  if (!xs.length) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}
