import { afterEach, describe, expect, it, vi } from 'vitest'
import { EventBatcher, type FlushReason } from '../../src/main/core/batcher'
import { PayloadStore } from '../../src/main/core/payloadStore'
import type { MessageEvent, SockEvent } from '../../src/shared/events'
import { until } from '../helpers/time'

const msg = (seq: number, data: string | Uint8Array = `m${seq}`): MessageEvent => ({
  type: 'message',
  id: 'c1',
  seq,
  ts: seq,
  dir: 'in',
  kind: typeof data === 'string' ? 'text' : 'binary',
  size: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength,
  data
})

describe('event batcher', () => {
  it('under a 100,000-message flood never flushes on its timer more often than its interval, and loses or reorders nothing', async () => {
    const flushes: Array<{ at: number; n: number; reason: FlushReason }> = []
    const got: SockEvent[] = []
    const b = new EventBatcher(
      (batch, reason) => {
        flushes.push({ at: performance.now(), n: batch.length, reason })
        for (const e of batch) got.push(e)
      },
      new PayloadStore(),
      { intervalMs: 16, maxEvents: 5000 }
    )
    // Flood in bursts across the event loop, as a socket does.
    let seq = 0
    const t0 = performance.now()
    while (seq < 100_000) {
      for (let i = 0; i < 700 && seq < 100_000; i++) b.push(msg(++seq))
      await new Promise((r) => setImmediate(r))
    }
    await until(() => got.length === 100_000, 'the last timer flush')
    const elapsed = performance.now() - t0
    expect(got).toHaveLength(100_000)
    got.forEach((e, i) => expect(e.seq).toBe(i + 1))
    // Every early flush is a full batch; the timer never fires closer than the interval after any flush.
    for (const f of flushes.filter((f) => f.reason === 'count')) expect(f.n).toBe(5000)
    for (let i = 1; i < flushes.length; i++) {
      if (flushes[i].reason === 'interval') expect(flushes[i].at - flushes[i - 1].at).toBeGreaterThanOrEqual(16)
    }
    expect(flushes.length).toBeLessThanOrEqual(Math.ceil(elapsed / 16) + 1 + Math.ceil(100_000 / 5000))
  })

  describe('adapts its window to the load (fake clock)', () => {
    afterEach(() => void vi.useRealTimers())
    const setup = () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
      const flushes: Array<{ at: number; n: number }> = []
      const b = new EventBatcher((batch) => flushes.push({ at: performance.now(), n: batch.length }), new PayloadStore(), {
        intervalMs: 16,
        minIntervalMs: 4,
        busyBatch: 64
      })
      return { b, flushes }
    }

    it('sends the first event after an idle spell on the next turn, not after a window', () => {
      const { b, flushes } = setup()
      vi.advanceTimersByTime(1000)
      b.push(msg(1))
      vi.advanceTimersByTime(1)
      expect(flushes).toEqual([{ at: 1000, n: 1 }])
    })

    it('holds light traffic for the short window only', () => {
      const { b, flushes } = setup()
      vi.advanceTimersByTime(1000)
      b.push(msg(1))
      vi.advanceTimersByTime(1)
      vi.advanceTimersByTime(1)
      b.push(msg(2))
      b.push(msg(3))
      vi.advanceTimersByTime(10)
      expect(flushes).toEqual([
        { at: 1000, n: 1 },
        { at: 1004, n: 2 }
      ])
    })

    it('coalesces for the full interval once batches fill up, and goes back to the short window after', () => {
      const { b, flushes } = setup()
      vi.advanceTimersByTime(1000)
      for (let i = 1; i <= 100; i++) b.push(msg(i))
      vi.advanceTimersByTime(1)
      b.push(msg(101))
      vi.advanceTimersByTime(30)
      b.push(msg(102))
      vi.advanceTimersByTime(30)
      expect(flushes).toEqual([
        { at: 1000, n: 100 },
        { at: 1016, n: 1 },
        { at: 1031, n: 1 }
      ])
    })
  })

  it('flushes early when the byte cap is reached', () => {
    const reasons: FlushReason[] = []
    const b = new EventBatcher((_b, r) => reasons.push(r), new PayloadStore(), { maxBytes: 10_000, largePayloadBytes: 1e9 })
    for (let i = 1; i <= 5; i++) b.push(msg(i, 'x'.repeat(4000)))
    // 3 x (4000 + 64) crosses 10,000; the last two wait for the timer or a flush.
    expect(reasons).toEqual(['bytes'])
    b.dispose()
    expect(reasons).toEqual(['bytes', 'manual'])
  })

  it('sends a large payload as a preview plus a reference that fetches the whole of it', () => {
    const store = new PayloadStore()
    const out: SockEvent[] = []
    const b = new EventBatcher((batch) => out.push(...batch), store, { largePayloadBytes: 1024, previewBytes: 100 })
    const big = 'y'.repeat(50_000)
    const bin = new Uint8Array(3000).fill(7)
    b.push(msg(1, big))
    b.push(msg(2, bin))
    b.push(msg(3, 'small'))
    b.flush()
    const [a, c, d] = out as MessageEvent[]
    expect(a.data).toBe('y'.repeat(100))
    expect(a.size).toBe(50_000)
    expect(store.get(a.ref!)).toBe(big)
    expect((c.data as Uint8Array).byteLength).toBe(100)
    expect(store.get(c.ref!)).toBe(bin)
    expect(d.ref).toBeUndefined()
  })

  it('the payload store is bounded in total and evicts the oldest', () => {
    const store = new PayloadStore(1000, 1000)
    const r1 = store.put('c1', 'a'.repeat(600), 600)
    const r2 = store.put('c2', 'b'.repeat(600), 600)
    expect(store.get(r1)).toBeUndefined()
    expect(store.get(r2)).toHaveLength(600)
    expect(store.heldBytes).toBe(600)
  })

  it("the payload store is bounded per connection, knows each payload's owner and frees a removed connection", () => {
    const store = new PayloadStore(10_000, 1000)
    const a1 = store.put('a', 'x'.repeat(600), 600)
    const b1 = store.put('b', 'y'.repeat(600), 600)
    const a2 = store.put('a', 'z'.repeat(600), 600)
    expect(store.get(a1)).toBeUndefined() // a's own cap, b untouched
    expect(store.ownerOf(b1)).toBe('b')
    expect(store.ownerOf(a2)).toBe('a')
    expect(store.heldBytes).toBe(1200)
    store.drop('a')
    expect(store.get(a2)).toBeUndefined()
    expect(store.ownerOf(a2)).toBeUndefined()
    expect(store.heldBytes).toBe(600)
    store.drop('b')
    expect(store.heldBytes).toBe(0)
  })
})
