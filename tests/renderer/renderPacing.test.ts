/**
 * When the log's readers re-render: rows at once after a quiet frame and at most once per animation frame under
 * load; numbers shown as text at most four times a second, and always once after the last change.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRenderPacing } from '../../src/renderer/src/stores/renderPacing'

describe('render pacing', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    // Node has no frames: a frame every 16 ms on the fake clock.
    vi.stubGlobal('requestAnimationFrame', (cb: (t: number) => void) => setTimeout(() => cb(performance.now()), 16))
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  it('renders a change after a quiet spell at once, rows and numbers alike', () => {
    const p = createRenderPacing()
    vi.advanceTimersByTime(1000)
    p.bump()
    expect(p.logVersion.value).toBe(1)
    expect(p.countsVersion.value).toBe(1)
  })

  it('under load, renders rows once per frame and numbers at most every 250 ms, the last change included', () => {
    const p = createRenderPacing()
    vi.advanceTimersByTime(1000)
    // A flood: a batch every millisecond for one second.
    for (let t = 0; t < 1000; t++) {
      p.bump()
      vi.advanceTimersByTime(1)
    }
    // One render per 16 ms frame (fake frames), never one per batch.
    expect(p.logVersion.value).toBeGreaterThanOrEqual(55)
    expect(p.logVersion.value).toBeLessThanOrEqual(65)
    // The leading render, then at most one per 250 ms.
    expect(p.countsVersion.value).toBeGreaterThanOrEqual(4)
    expect(p.countsVersion.value).toBeLessThanOrEqual(5)
    const counts = p.countsVersion.value
    const rows = p.logVersion.value
    // The flood stops: the numbers catch up once with the last change, and nothing renders after that.
    vi.advanceTimersByTime(1000)
    expect(p.logVersion.value - rows).toBeLessThanOrEqual(1)
    expect(p.countsVersion.value).toBe(counts + 1)
    vi.advanceTimersByTime(5000)
    expect(p.countsVersion.value).toBe(counts + 1)
  })
})
