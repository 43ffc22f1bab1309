/**
 * Issue 10, defect 2: what the main side keeps is bounded by bytes, not by a count of events, and freed when a
 * connection is removed. Measured on the real service (sessions, re-sync ring, payload store, recordings).
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import { startWsServer } from '../helpers/servers'
import { forceGc, newTestService, type TestService } from '../helpers/service'
import { until } from '../helpers/time'
import type { SockEvent } from '../../src/shared/events'

const MiB = 1024 * 1024
const cleanups: Array<() => Promise<unknown> | void> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function retained(): Promise<{ heap: number; rss: number }> {
  await forceGc()
  const m = process.memoryUsage()
  return { heap: m.heapUsed + m.external, rss: m.rss }
}

describe('issue 10 defect 2: memory bounded by bytes', () => {
  it('defect 2: a stream of 8 MiB messages (under the 16 MiB limit) keeps retained memory bounded, and remove frees it', async () => {
    const COUNT = 40
    const big = 'x'.repeat(8 * MiB - 64)
    const server = await startWsServer({
      onConnection: (ws: WebSocket) => {
        let sent = 0
        const next = (): void => {
          if (sent++ < COUNT) ws.send(`${sent}:${big}`, next)
        }
        next()
      }
    })
    cleanups.push(server.close)
    const t: TestService = newTestService()
    cleanups.push(t.dispose)
    let received = 0
    const session = t.service.openSession('memory', (batch: SockEvent[]) => {
      for (const e of batch) if (e.type === 'message' && e.dir === 'in') received++
    })
    const before = await retained()
    const { id } = (await t.service.call(session, 'connect', [{ url: server.url }])) as { id: string }
    await until(() => received === COUNT, `${COUNT} messages`, 60_000)
    await t.recordings.settled()
    const during = await retained()
    const held = during.heap - before.heap
    // 320 MiB went through. Before the fix the re-sync ring kept every full payload and its cached JSON line:
    // about 640 MiB here (1.2 GB for 73 such messages in the report).
    expect(held, `held ${Math.round(held / MiB)} MiB`).toBeLessThan(160 * MiB)
    expect(during.rss - before.rss, `RSS grew ${Math.round((during.rss - before.rss) / MiB)} MiB`).toBeLessThan(400 * MiB)
    expect(t.service.retainedBytes()).toBeLessThanOrEqual(96 * MiB)

    await t.service.call(session, 'remove', [id])
    await t.recordings.settled()
    const after = await retained()
    const mb = (n: number): string => `${Math.round(n / MiB)} MiB`
    console.info(
      `defect 2 figures: ${COUNT} × 8 MiB streamed; held ${mb(held)}, RSS +${mb(during.rss - before.rss)}, after remove ${mb(after.heap - before.heap)}`
    )
    // Before the fix the payload store kept its 512 MiB budget of payloads after remove.
    expect(after.heap - before.heap, `still held ${Math.round((after.heap - before.heap) / MiB)} MiB`).toBeLessThan(24 * MiB)
    expect(t.service.retainedBytes()).toBe(0)
  }, 120_000)
})
