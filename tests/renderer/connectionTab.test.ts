/** How a tab applies engine events: once and in `seq` order, markers for gaps, throttle and cancelled reconnects shown. */
import { describe, expect, it } from 'vitest'
import { applyEvent, createTab } from '../../src/renderer/src/stores/connectionTab'
import { newConnectionId } from '../../src/renderer/src/lib/resync'
import type { SockEvent } from '../../src/shared/events'

const ID = 'c1'
let ts = 1_700_000_000_000
const msg = (seq: number, data: string): SockEvent => ({
  id: ID,
  seq,
  ts: ++ts,
  type: 'message',
  dir: 'in',
  kind: 'text',
  size: data.length,
  data
})

describe('a tab applying events', () => {
  it('applies each seq once: a re-sync that overlaps the live stream adds nothing twice', () => {
    const tab = createTab('t')
    for (const s of [1, 2, 3, 2, 3, 4]) applyEvent(tab, msg(s, `m${s}`))
    expect(tab.log.entries().map((e) => e.data)).toEqual(['m1', 'm2', 'm3', 'm4'])
    expect(tab.lastSeq).toBe(4)
    expect(tab.stats.msgsIn).toBe(4)
  })

  it('shows a marker row with the count where events are missing, never a silent gap', () => {
    const tab = createTab('t')
    applyEvent(tab, msg(1, 'a'))
    applyEvent(tab, msg(5, 'b'))
    const rows = tab.log.entries()
    expect(rows.map((r) => r.missed ?? null)).toEqual([null, 3, null])
    expect(rows[1].data).toMatch(/^3 events missing/)
  })

  it('tracks the capture throttle with its start, and a cancelled reconnect clears the countdown', () => {
    const tab = createTab('t')
    applyEvent(tab, { id: ID, seq: 1, ts: 1000, type: 'throttle', on: true })
    expect(tab.throttledSince).toBe(1000)
    applyEvent(tab, { id: ID, seq: 2, ts: 2000, type: 'throttle', on: false })
    expect(tab.throttledSince).toBeNull()
    applyEvent(tab, { id: ID, seq: 3, ts: 3000, type: 'reconnect', attempt: 2, delayMs: 500 })
    expect(tab.reconnectAt).toBe(3500)
    applyEvent(tab, { id: ID, seq: 4, ts: 3100, type: 'reconnect', attempt: 2, delayMs: 0, cancelled: true })
    expect(tab.reconnectAt).toBeNull()
    expect(tab.log.entries().map((e) => e.data)).toEqual([
      expect.stringMatching(/^Capture throttled/),
      'Capture resumed: the view caught up',
      // A scheduled retry shows in the connection bar (its countdown), not as a row; a cancelled one is news.
      'Reconnect attempt 2 cancelled'
    ])
  })

  it("shows each failed attempt as one row, keeps an opened connection's rows as they were (issue 15)", () => {
    const tab = createTab('t')
    let seq = 0
    const ev = (e: Record<string, unknown>): SockEvent => ({ id: ID, seq: ++seq, ts: 1000 + seq, ...e }) as SockEvent
    const refused = {
      type: 'error',
      class: 'network',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
      next: 'Start the server, or check the host and port.'
    }
    const close1006 = { type: 'close', code: 1006, reason: '', meaning: 'Abnormal closure', initiator: 'abnormal', clean: false }
    // The engine's order for three refused attempts, two retries allowed (captured from the service).
    for (const attempt of [1, 2, 3]) {
      applyEvent(tab, ev({ type: 'state', state: 'connecting', attempt }))
      applyEvent(tab, ev(refused))
      applyEvent(tab, ev(close1006))
      applyEvent(tab, ev({ type: 'state', state: 'closed', attempt }))
      if (attempt < 3) applyEvent(tab, ev({ type: 'reconnect', attempt: attempt + 1, delayMs: 40 }))
    }
    applyEvent(
      tab,
      ev({ type: 'error', class: 'config', code: 'RECONNECT_GAVE_UP', message: 'Gave up after 2 retries', next: 'Connect again.' })
    )
    expect(tab.log.entries().map((e) => e.data)).toEqual([
      'Connecting (attempt 1)…',
      'Attempt 1 failed: [ECONNREFUSED] connect ECONNREFUSED 127.0.0.1:1 · Start the server, or check the host and port.',
      'Attempt 2 failed: [ECONNREFUSED] connect ECONNREFUSED 127.0.0.1:1 · Start the server, or check the host and port.',
      'Attempt 3 failed: [ECONNREFUSED] connect ECONNREFUSED 127.0.0.1:1 · Start the server, or check the host and port.',
      '[RECONNECT_GAVE_UP] Gave up after 2 retries · Connect again.'
    ])
    // The folded row opens on the error, with its next step, in the detail pane; the banner still sees the failure.
    expect(tab.log.entries()[1].event).toMatchObject({ type: 'error', code: 'ECONNREFUSED' })
    expect(tab.lastSeq).toBe(seq)
    // A fourth attempt that opens: its rows are the usual ones, and a close after opening is shown.
    applyEvent(tab, ev({ type: 'state', state: 'connecting', attempt: 4 }))
    applyEvent(tab, ev({ type: 'state', state: 'open', attempt: 4 }))
    applyEvent(tab, ev({ type: 'close', code: 1001, reason: 'bye', meaning: 'Going away', initiator: 'remote', clean: true }))
    expect(
      tab.log
        .entries()
        .slice(5)
        .map((e) => e.data)
    ).toEqual([expect.stringMatching(/^Closed 1001 \(Going away\) by server: bye/)])
  })

  it('chooses connection ids that are UUIDs, different each time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newConnectionId()))
    expect(ids.size).toBe(100)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})
