import { describe, expect, it } from 'vitest'
import {
  ALL_DIRS,
  ALL_KINDS,
  MessageLog,
  compileFilter,
  type EntryDir,
  type EntryKind,
  type FilterSpec,
  type LogEntry
} from '../../src/renderer/src/stores/messageLog'
import { eventToEntry } from '../../src/renderer/src/mappers/toEntry'
import { ConnectionStats } from '../../src/renderer/src/stores/stats'

let seq = 0
const entry = (
  data: string | Uint8Array,
  dir: EntryDir = 'in',
  kind: EntryKind = typeof data === 'string' ? 'text' : 'binary'
): LogEntry => ({
  seq: ++seq,
  ts: 1_700_000_000_000 + seq,
  dir,
  kind,
  size: typeof data === 'string' ? data.length : data.byteLength,
  data
})
const spec = (over: Partial<FilterSpec> = {}): FilterSpec => ({
  text: '',
  caseSensitive: false,
  dirs: new Set(ALL_DIRS),
  kinds: new Set(ALL_KINDS),
  ...over
})

describe('message log ring buffer', () => {
  it('keeps the newest entries up to the cap and counts every eviction', () => {
    const log = new MessageLog(1000)
    for (let i = 0; i < 2500; i++) log.push(entry(`m${i}`))
    expect(log.size).toBe(1000)
    expect(log.evicted).toBe(1500)
    expect(log.viewAt(0)!.data).toBe('m1500')
    expect(log.viewAt(999)!.data).toBe('m2499')
    expect(log.at(log.first - 1)).toBeUndefined()
  })

  it('clear empties the view without counting evictions; setCap keeps the newest and counts the rest', () => {
    const log = new MessageLog(100)
    for (let i = 0; i < 50; i++) log.push(entry(`a${i}`))
    log.setCap(20)
    expect(log.size).toBe(20)
    expect(log.evicted).toBe(30)
    expect(log.viewAt(0)!.data).toBe('a30')
    log.clear()
    expect(log.size).toBe(0)
    expect(log.evicted).toBe(30)
    log.push(entry('after'))
    expect(log.viewAt(0)!.data).toBe('after')
  })
})

describe('message log filters', () => {
  const filled = (): MessageLog => {
    const log = new MessageLog(10_000)
    log.push(entry('{"type":"order","id":1}'))
    log.push(entry('{"type":"Quote","id":2}', 'out'))
    log.push(entry(new Uint8Array([0xde, 0xad, 0xbe, 0xef])))
    log.push(entry(new Uint8Array([1]), 'out', 'ping'))
    log.push(entry(new Uint8Array([1]), 'in', 'pong'))
    log.push(entry('Closed 1000 (Normal closure)', 'sys', 'close'))
    return log
  }
  const view = (log: MessageLog): Array<string | Uint8Array> => Array.from({ length: log.viewLength() }, (_, i) => log.viewAt(i)!.data)

  it('substring is case-insensitive unless asked', () => {
    const log = filled()
    log.setFilter(compileFilter(spec({ text: 'quote' })))
    expect(view(log)).toEqual(['{"type":"Quote","id":2}'])
    log.setFilter(compileFilter(spec({ text: 'quote', caseSensitive: true })))
    expect(log.viewLength()).toBe(0)
  })

  it('supports /regex/ and matches binary by its hex', () => {
    const log = filled()
    log.setFilter(compileFilter(spec({ text: '/"id":\\d/' })))
    expect(log.viewLength()).toBe(2)
    log.setFilter(compileFilter(spec({ text: 'de ad be' })))
    expect(log.viewLength()).toBe(1)
    expect(() => compileFilter(spec({ text: '/(/' }))).toThrow()
  })

  it('filters by direction and kind; control frames can be hidden', () => {
    const log = filled()
    log.setFilter(compileFilter(spec({ dirs: new Set<EntryDir>(['out']) })))
    expect(log.viewLength()).toBe(2)
    log.setFilter(compileFilter(spec({ kinds: new Set<EntryKind>(['text', 'binary', 'open', 'close', 'error', 'info']) })))
    expect(view(log).some((d) => d instanceof Uint8Array && d.length === 1)).toBe(false)
    expect(log.viewLength()).toBe(4)
  })

  it('keeps a filtered view current as entries arrive and old ones are evicted', () => {
    const log = new MessageLog(100)
    log.setFilter(compileFilter(spec({ text: 'hit' })))
    for (let i = 0; i < 1000; i++) log.push(entry(i % 10 === 0 ? `hit ${i}` : `miss ${i}`))
    expect(log.viewLength()).toBe(10)
    expect(log.viewAt(0)!.data).toBe('hit 900')
    log.setFilter(null)
    expect(log.viewLength()).toBe(100)
  })

  it('filters 100,000 messages', () => {
    const log = new MessageLog(100_000)
    for (let i = 0; i < 100_000; i++) log.push(entry(`{"n":${i},"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}`))
    log.setFilter(compileFilter(spec({ text: '"n":4242' })))
    expect(log.viewLength()).toBe(11) // 4242 and 42420..42429
  })
})

describe('events become rows and statistics', () => {
  it('renders connection events as readable lines', () => {
    const close = eventToEntry({
      type: 'close',
      id: 'c',
      seq: 1,
      ts: 1,
      code: 1007,
      reason: 'bad',
      meaning: 'Invalid payload data (e.g. bad UTF-8)',
      initiator: 'remote',
      clean: true
    })
    expect(close).toMatchObject({ dir: 'sys', kind: 'close' })
    expect(close!.data).toBe('Closed 1007 (Invalid payload data (e.g. bad UTF-8)) by server: bad')
    const err = eventToEntry({
      type: 'error',
      id: 'c',
      seq: 2,
      ts: 2,
      class: 'tls',
      code: 'CERT_HAS_EXPIRED',
      message: 'certificate has expired',
      next: 'Renew it.'
    })
    expect(err!.data).toBe('[CERT_HAS_EXPIRED] certificate has expired · Renew it.')
    expect(eventToEntry({ type: 'state', id: 'c', seq: 3, ts: 3, state: 'open', attempt: 1 })).toBeNull()
  })

  it('counts messages, bytes, per-second rates and RTT', () => {
    const s = new ConnectionStats()
    const t0 = 1_700_000_000_000
    s.message('out', 5, t0 + 50)
    for (let i = 0; i < 30; i++) s.message('in', 10, t0 + 100 + i * 100) // 10 msg/s
    s.message('in', 10, t0 - 5000) // a late timestamp counts in the newest second, never back in time
    s.roundTrip(4, t0 + 1000)
    s.roundTrip(6, t0 + 2000)
    expect([s.msgsIn, s.msgsOut, s.bytesIn, s.bytesOut]).toEqual([31, 1, 310, 5])
    expect(s.ratePerSecond(1, t0 + 2000)).toBe(10)
    expect(s.ratePerSecond(1, t0 + 4000)).toBe(2) // the last in-order message and the late one
    expect(s.rttLast).toBe(6)
    expect(s.rttAvg).toBe(5)
    expect(s.seconds).toHaveLength(4)
  })
})
