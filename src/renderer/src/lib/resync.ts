/**
 * Keeping a tab's log whole across reloads and dropped bridges: events are applied once, in `seq` order, and
 * anything the host could no longer give back is shown as a marker row instead of silently missing.
 */
import type { LogEntry } from '../stores/messageLog'

/** A log row that stands for `count` events (from `firstSeq` on) the host no longer held. */
export function missedEntry(count: number, firstSeq: number, ts: number, why: 'resync' | 'gap'): LogEntry {
  const what = count === 1 ? '1 event' : `${count.toLocaleString('en')} events`
  return {
    seq: firstSeq,
    ts,
    dir: 'sys',
    kind: 'info',
    size: 0,
    missed: count,
    data:
      why === 'resync'
        ? `${what} missed while this page was away: the host no longer held them. The recording has every event.`
        : `${what} missing between here and the next row. The recording has every event.`
  }
}

/** A random connection id (UUID v4) chosen by the page, so events that arrive before `connect` returns are routed. */
export function newConnectionId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
