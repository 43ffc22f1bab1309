/** Messages of a session as CSV: one row per message, RFC 4180 quoting, binary as base64. */
import type { SockEvent } from '../../shared/events'
import { base64 } from '../../shared/wire'

const cell = (s: string): string => (/[",\r\n]/.test(s) || /^[=+\-@\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

export function eventsToCsv(events: SockEvent[]): string {
  const rows = ['time,direction,kind,size,data,encoding']
  for (const e of events) {
    if (e.type !== 'message') continue
    const text = typeof e.data === 'string'
    rows.push(
      [
        new Date(e.ts).toISOString(),
        e.dir,
        e.kind,
        String(e.size),
        cell(text ? (e.data as string) : base64.encode(e.data as Uint8Array)),
        text ? 'utf8' : 'base64'
      ].join(',')
    )
  }
  return rows.join('\r\n') + '\r\n'
}
