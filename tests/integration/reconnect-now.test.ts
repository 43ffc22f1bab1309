/**
 * Issue 15, "Reconnect now": a retry waiting out its backoff happens at once when asked, as the next attempt, with
 * no second timer left behind; asked when no retry is scheduled, it does nothing and says so.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { SockEvent } from '../../src/shared/events'
import { newTestService, type TestService } from '../helpers/service'
import { closedPort } from '../helpers/servers'

let svc: TestService | null = null
afterEach(async () => {
  await svc?.dispose()
  svc = null
})

describe('Reconnect now', () => {
  it('skips the backoff of a scheduled retry, counts it as the next attempt, and leaves no timer behind', async () => {
    // The jitter pinned near its ceiling: the retry's own timer would wait 59.9 s, so only "Reconnect now" can bring
    // the second attempt within the test's time (unpinned, one run in twelve drew under 5 s and could not fail).
    svc = newTestService(() => 0.999)
    const events: SockEvent[] = []
    const session = svc.service.openSession('w', (batch) => events.push(...batch))
    const port = await closedPort()
    const until = async (what: string, ok: () => boolean): Promise<void> => {
      const t0 = Date.now()
      while (!ok()) {
        if (Date.now() - t0 > 5000) throw new Error(`waited 5 s for ${what}: ${events.map((e) => e.type).join(', ')}`)
        await new Promise((r) => setTimeout(r, 10))
      }
    }
    // A backoff of a minute.
    const { id } = (await svc.service.call(session, 'connect', [
      { url: `ws://127.0.0.1:${port}/`, reconnect: { enabled: true, baseMs: 60_000, capMs: 60_000, maxAttempts: 1 } }
    ])) as { id: string }
    const scheduled = () => events.filter((e) => e.type === 'reconnect' && !e.cancelled)
    await until('a retry to be scheduled', () => scheduled().length === 1)
    expect(scheduled()[0]).toMatchObject({ delayMs: 59_940 })
    const t0 = Date.now()
    expect(await svc.service.call(session, 'reconnectNow', [id])).toBe(true)
    const attempts = () =>
      events.filter((e) => e.type === 'state' && e.state === 'connecting').map((e) => (e as { attempt: number }).attempt)
    await until('the second attempt', () => attempts().length === 2)
    expect(attempts()).toEqual([1, 2])
    expect(Date.now() - t0).toBeLessThan(5000)
    // The second attempt fails too, and with one retry allowed the engine gives up: nothing left to hurry.
    await until('giving up', () => events.some((e) => e.type === 'error' && e.code === 'RECONNECT_GAVE_UP'))
    expect(await svc.service.call(session, 'reconnectNow', [id])).toBe(false)
    expect(attempts()).toEqual([1, 2])
    const conn = (svc.service as unknown as { manager: { get(id: string): { pendingTimers(): string[] } } }).manager.get(id)
    expect(conn.pendingTimers()).toEqual([])
  })
})
