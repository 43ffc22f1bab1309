// @vitest-environment happy-dom
/** The log's byte budget (what is dropped, what is counted, what a dropped row says), sliced filtering, limits kept. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { ALL_DIRS, ALL_KINDS, MessageLog, compileFilter, type LogEntry } from '../../src/renderer/src/stores/messageLog'
import { LogRows } from '../../src/renderer/src/lib/logRows'
import { MatchIndex } from '../../src/renderer/src/lib/logFilter'
import { heldCost, PREVIEW } from '../../src/renderer/src/lib/payloadBudget'
import { DEFAULT_BUDGET, DEFAULT_CAP, MIB, loadLimits, saveLimits } from '../../src/renderer/src/lib/logLimits'
import { parseRecordedRef, type PreloadApi } from '../../src/shared/api'
import type { SockEvent } from '../../src/shared/events'
import LogView from '../../src/renderer/src/components/log/LogView.vue'
import { useConnections } from '../../src/renderer/src/stores/connections'

window.sockscope = {} as PreloadApi

let seq = 0
const msg = (data: string | Uint8Array, extra: Partial<LogEntry> = {}): LogEntry => ({
  seq: ++seq,
  ts: 1_700_000_000_000 + seq,
  dir: 'in',
  kind: typeof data === 'string' ? 'text' : 'binary',
  size: typeof data === 'string' ? data.length : data.byteLength, // ASCII here
  data,
  ...extra
})
/** The row a connection's first event makes: it names the connection. */
const connecting = (id: string): LogEntry => ({
  seq: ++seq,
  ts: 1,
  dir: 'sys',
  kind: 'info',
  size: 0,
  data: 'Connecting (attempt 1)…',
  event: { type: 'state', id, seq, ts: 1, state: 'connecting', attempt: 1 } as SockEvent
})
const spec = (text: string) => ({ text, caseSensitive: false, dirs: new Set(ALL_DIRS), kinds: new Set(ALL_KINDS) })
const KB10 = 'k'.repeat(10 * 1024)

beforeEach(() => localStorage.clear())

describe('the log byte budget', () => {
  it('drops the oldest payloads to stay under the budget, keeps every row, and counts what it freed', () => {
    const log = new MessageLog(1000, 50 * 1024)
    log.push(connecting('conn-a'))
    for (let i = 0; i < 20; i++) log.push(msg(`${i}:${KB10}`))
    expect(log.size).toBe(21)
    expect(log.heldBytes).toBeLessThanOrEqual(50 * 1024)
    // 20 × 10 KiB into 50 KiB: the newest 4 stay whole (a fifth would not fit beside the dropped previews).
    expect(log.droppedCount).toBe(16)
    expect(log.droppedBytes).toBe(Array.from({ length: 16 }, (_, i) => `${i}:${KB10}`.length - PREVIEW).reduce((a, b) => a + b))
    const oldest = log.at(log.first + 1)!
    expect(oldest.data).toBe(`0:${KB10}`.slice(0, PREVIEW))
    expect(oldest.size).toBe(KB10.length + 2)
    expect(parseRecordedRef(oldest.ref!)).toEqual({ connection: 'conn-a', seq: oldest.seq })
    const newest = log.at(log.end - 1)!
    expect(newest.data).toBe(`19:${KB10}`)
    expect(newest.ref).toBeUndefined()
    // The sums stay true as rows leave by the cap.
    log.setCap(3)
    expect(log.heldBytes).toBe(3 * (KB10.length + 3))
  })

  it('leaves small payloads and connection rows alone: dropping them would free nothing', () => {
    const log = new MessageLog(1000, 1024)
    log.push(connecting('c'))
    for (let i = 0; i < 100; i++) log.push(msg(`small ${i}`.padEnd(64, '.')))
    expect(log.heldBytes).toBeGreaterThan(1024)
    expect(log.droppedCount).toBe(0)
    expect(log.at(log.first)!.data).toBe('Connecting (attempt 1)…')
  })

  it('names the connection each dropped row came from, and the host copy of a big payload when there was one', () => {
    const log = new MessageLog(1000, 4 * 1024)
    const ref = '5f0c7a36-2b1d-4c8e-9a11-3d2e4f5a6b7c'
    log.push(msg(KB10)) // before any row names its connection
    log.push(connecting('first'))
    log.push(msg(KB10))
    log.push(connecting('second'))
    log.push(msg(KB10.slice(0, 4096), { size: 1 << 20, ref }))
    log.push(msg(KB10))
    const refs = log
      .entries()
      .filter((e) => e.dir !== 'sys')
      .map((e) => (e.ref ? parseRecordedRef(e.ref) : null))
    expect(refs.slice(0, 3)).toEqual([
      { connection: 'unknown', seq: log.at(log.first)!.seq },
      { connection: 'first', seq: log.at(log.first + 2)!.seq },
      { connection: 'second', seq: log.at(log.first + 4)!.seq, held: ref }
    ])
    // After a reload the tab's connection stands for rows that arrived before any event named one.
    const reloaded = new MessageLog(1000, 4 * 1024)
    reloaded.noteConnection('tab-conn')
    reloaded.push(msg(KB10))
    reloaded.push(msg(KB10))
    expect(parseRecordedRef(reloaded.at(reloaded.first)!.ref!)!.connection).toBe('tab-conn')
  })

  it('drops binary payloads to their first bytes, and a lower budget drops at once', () => {
    const log = new MessageLog(1000, 64 * MIB)
    log.push(connecting('b'))
    const bytes = new Uint8Array(8192).map((_, i) => i & 0xff)
    for (let i = 0; i < 4; i++) log.push(msg(bytes))
    expect(log.droppedCount).toBe(0)
    const shown = log.at(log.first + 1)!
    log.setBudget(8192 + 3 * PREVIEW + 100) // the connection row's line is held too
    expect(log.droppedCount).toBe(3)
    // The row object the detail pane holds changes with it: it says the payload must be fetched.
    expect(shown.data).toEqual(bytes.slice(0, PREVIEW))
    expect(shown.ref).toMatch(/^rec:b:\d+$/)
    expect(log.at(log.first + 1)).toBe(shown)
    expect(log.at(log.end - 1)!.data).toEqual(bytes)
  })

  it('counts what a payload costs the page: one byte per Latin-1 character, two for any other', () => {
    expect(heldCost('abc', 3)).toBe(3)
    expect(heldCost('café', 5)).toBe(4)
    expect(heldCost('€uro', 6)).toBe(8)
    expect(heldCost('é'.repeat(10_000), 20_000)).toBe(20_000) // long: not scanned, counted high
    expect(heldCost(new Uint8Array(7), 7)).toBe(7)
  })

  it('clears what it holds with the rows, keeping the counts of what was dropped', () => {
    const log = new MessageLog(1000, 16 * 1024)
    for (let i = 0; i < 10; i++) log.push(msg(KB10))
    const dropped = log.droppedCount
    log.clear()
    expect(log.heldBytes).toBe(0)
    expect(log.droppedCount).toBe(dropped)
    log.push(msg('after'))
    expect(log.heldBytes).toBe(5)
  })
})

describe('filtering in slices', () => {
  const filled = (n: number): LogRows => {
    const rows = new LogRows(n + 10)
    for (let i = 0; i < n; i++) rows.push(msg(i % 3 ? `miss ${i}` : `Hit ${i}`))
    return rows
  }

  it('scans newest first, in slices, and ends with every match in order, rows pushed meanwhile included', () => {
    const rows = filled(20_000)
    const index = new MatchIndex()
    index.start(compileFilter(spec('hit')), rows)
    expect(index.step(rows, 0)).toBe(false) // one chunk per look at the clock
    expect(index.length).toBeGreaterThan(0)
    expect(index.abs(index.length - 1)).toBe(rows.end - 2) // the newest match shows first
    const abs = rows.push(msg('hit, pushed while scanning'))
    index.pushed(rows, abs)
    while (!index.step(rows, 0));
    const all = Array.from({ length: index.length }, (_, i) => index.abs(i))
    expect(all.length).toBe(6668)
    expect(all[0]).toBe(0)
    expect(all[all.length - 1]).toBe(abs)
    expect(all.every((a, i) => i === 0 || a > all[i - 1])).toBe(true)
  })

  it('drops rows that leave while the scan runs, and finishes when the scan falls below the oldest row', () => {
    const rows = filled(10_000)
    const index = new MatchIndex()
    index.start(compileFilter(spec('hit')), rows)
    index.step(rows, 0)
    for (let i = 0; i < 9_000; i++) rows.shift()
    index.trim(rows.first)
    expect(index.scanning).toBe(false)
    for (let i = 0; i < index.length; i++) expect(index.abs(i)).toBeGreaterThanOrEqual(rows.first)
    expect(index.length).toBe(334)
  })

  it('runs in the log: the first slice at once, the rest in later tasks, a newer filter cancelling the older', async () => {
    const log = new MessageLog(1_000_000)
    for (let i = 0; i < 1_000_000; i++) log.push(msg(`{"n":${i},"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}`))
    let slices = 0
    const t0 = performance.now()
    log.runFilter(compileFilter(spec('"N":4242')), () => slices++)
    log.runFilter(compileFilter(spec('"n":4242')), () => slices++)
    await expect.poll(() => log.filtering, { timeout: 10_000 }).toBe(false)
    const ms = performance.now() - t0
    expect(log.viewLength()).toBe(111) // 4242, 42420…42429, 424200…424299
    expect(log.viewAt(0)!.data).toMatch(/^\{"n":4242,/)
    expect(slices).toBeGreaterThan(1)
    expect(ms).toBeLessThan(5000) // ~0.25 s in Chromium; generous for a loaded test machine, tight for a quadratic scan
  })

  it('matches binary rows by their hex only when the text could be hex', () => {
    const log = new MessageLog(100)
    log.push(msg(new Uint8Array([0xde, 0xad, 0xbe, 0xef])))
    log.push(msg('dead-beef'))
    log.setFilter(compileFilter(spec('AD BE')))
    expect(log.viewLength()).toBe(1)
    expect(log.viewAt(0)!.kind).toBe('binary')
    log.setFilter(compileFilter(spec('dead')))
    expect(log.viewAt(0)!.kind).toBe('text')
    expect(log.viewLength()).toBe(1)
  })
})

describe('the limits as a setting', () => {
  it('remembers the cap and budget chosen for new logs, and ignores values it does not offer', () => {
    expect(loadLimits()).toEqual({ cap: DEFAULT_CAP, budget: DEFAULT_BUDGET })
    saveLimits({ cap: 1_000_000 })
    saveLimits({ budget: 64 * MIB })
    expect(new MessageLog().cap).toBe(1_000_000)
    expect(new MessageLog().budget).toBe(64 * MIB)
    localStorage.setItem('sockscope.logLimits', '{"cap":7,"budget":"lots"}')
    expect(loadLimits()).toEqual({ cap: DEFAULT_CAP, budget: DEFAULT_BUDGET })
    localStorage.setItem('sockscope.logLimits', 'not json')
    expect(loadLimits()).toEqual({ cap: DEFAULT_CAP, budget: DEFAULT_BUDGET })
  })

  it('shows the budget, sets it, and says what was dropped to stay under it', async () => {
    setActivePinia(createPinia())
    const tab = useConnections().addTab('ws://127.0.0.1:1/')
    const w = mount(LogView, { props: { tab, selected: [] } })
    const budget = w.get('select[aria-label="Log memory budget"]')
    expect((budget.element as HTMLSelectElement).value).toBe(String(512 * MIB))
    expect(w.findAll('select[aria-label="Log cap (messages kept)"] option').map((o) => o.text())).toContain('1,000,000')
    await budget.setValue(String(16 * MIB))
    expect(tab.log.budget).toBe(16 * MIB)
    expect(loadLimits().budget).toBe(16 * MIB)
    tab.log.push(connecting('c'))
    const big = 'z'.repeat(1024 * 1024)
    for (let i = 0; i < 20; i++) tab.log.push(msg(big))
    useConnections().bump()
    // Numbers shown as text follow arrivals at most four times a second (renderPacing.ts).
    await vi.waitFor(() => {
      const notice = w.findAll('[role="status"]').find((s) => s.text().startsWith('payloads of'))
      expect(notice?.text().replace(/\s+/g, ' ')).toBe('payloads of 5 messages (5.0 MiB) dropped to stay under the 16 MiB budget')
    })
    w.unmount()
  })
})
