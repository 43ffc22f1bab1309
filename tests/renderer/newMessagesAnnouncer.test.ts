import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { newMessagesAnnouncer } from '../../src/renderer/src/lib/newMessagesAnnouncer'

const countOf = (text: string): number => Number(/^([\d,]+) new messages?$/.exec(text)![1].replace(/,/g, ''))

describe('announcing new messages to a screen reader', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('says nothing for the rows already there, nor while none arrive', () => {
    const said: string[] = []
    const a = newMessagesAnnouncer((t) => said.push(t))
    a.update(40) // the log as it was when the view opened
    a.update(40)
    vi.advanceTimersByTime(5000)
    expect(said).toEqual([])
    a.dispose()
  })

  it('gathers a burst into one summary', () => {
    const said: string[] = []
    const a = newMessagesAnnouncer((t) => said.push(t))
    a.update(0)
    for (let n = 1; n <= 30; n++) {
      a.update(n) // 30 rows within 60 ms
      vi.advanceTimersByTime(2)
    }
    vi.advanceTimersByTime(3000)
    expect(said).toEqual(['30 new messages'])
    a.update(31)
    vi.advanceTimersByTime(3000)
    expect(said).toEqual(['30 new messages', '1 new message'])
    a.dispose()
  })

  it('under steady traffic says at most one summary a second, counting every row once', () => {
    const said: Array<[number, string]> = []
    const a = newMessagesAnnouncer((t) => said.push([Date.now(), t]))
    a.update(0)
    for (let n = 1; n <= 300; n++) {
      a.update(n) // 100 rows a second for 3 s
      vi.advanceTimersByTime(10)
    }
    vi.advanceTimersByTime(5000)
    expect(said.length).toBeGreaterThanOrEqual(3)
    expect(said.length).toBeLessThanOrEqual(4)
    for (let i = 1; i < said.length; i++) expect(said[i][0] - said[i - 1][0]).toBeGreaterThanOrEqual(1000)
    expect(said.reduce((sum, [, t]) => sum + countOf(t), 0)).toBe(300)
    a.dispose()
  })

  it('after a clear counts from the empty log', () => {
    const said: string[] = []
    const a = newMessagesAnnouncer((t) => said.push(t))
    a.update(10)
    a.update(0)
    a.update(3)
    vi.advanceTimersByTime(2000)
    expect(said).toEqual(['3 new messages'])
    a.dispose()
  })

  it('says nothing more once disposed', () => {
    const said: string[] = []
    const a = newMessagesAnnouncer((t) => said.push(t))
    a.update(0)
    a.update(5)
    a.dispose()
    vi.advanceTimersByTime(2000)
    expect(said).toEqual([])
  })
})
