import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { newMessagesAnnouncer } from '../../src/renderer/src/lib/newMessagesAnnouncer'

describe('announcing new messages to a screen reader', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('says at most one summary a second, counting what arrived since the last, and nothing for the rows already there', () => {
    const said: Array<[number, string]> = []
    const a = newMessagesAnnouncer((t) => said.push([Date.now(), t]))
    const t0 = Date.now()
    a.update(40) // the log as it was when the view opened
    vi.advanceTimersByTime(5000)
    expect(said).toEqual([])
    a.update(41)
    vi.advanceTimersByTime(0)
    for (let n = 42; n <= 340; n++) {
      a.update(n) // 300 messages in 3 s
      vi.advanceTimersByTime(10)
    }
    vi.advanceTimersByTime(5000)
    const texts = said.map(([, t]) => t)
    expect(texts[0]).toBe('1 new message')
    expect(texts.length).toBeLessThanOrEqual(5)
    const total = texts.reduce((s, t) => s + Number(/^([\d,]+)/.exec(t)![1].replace(/,/g, '')), 0)
    expect(total).toBe(300) // every message counted once
    for (let i = 1; i < said.length; i++) expect(said[i][0] - said[i - 1][0]).toBeGreaterThanOrEqual(1000)
    expect(said[0][0] - t0).toBe(5000)
    a.dispose()
  })

  it('after a clear it counts from the empty log', () => {
    const said: string[] = []
    const a = newMessagesAnnouncer((t) => said.push(t))
    a.update(10)
    a.update(0)
    a.update(3)
    vi.advanceTimersByTime(2000)
    expect(said).toEqual(['3 new messages'])
    a.dispose()
  })
})
