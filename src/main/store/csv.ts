/** Messages of a session as CSV: one row per message, RFC 4180 quoting, binary as base64. */
import type { SockEvent } from '../../shared/events'
import { base64 } from '../../shared/wire'

const cell = (s: string): string => (/[",\r\n]/.test(s) || /^[=+\-@\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

export const CSV_HEADER = 'time,direction,kind,size,data,encoding\r\n'

/** One CSV row (with its line end) for a message event, or '' for any other event. */
export function csvRow(e: SockEvent): string {
  if (e.type !== 'message') return ''
  const text = typeof e.data === 'string'
  return (
    [
      new Date(e.ts).toISOString(),
      e.dir,
      e.kind,
      String(e.size),
      cell(text ? (e.data as string) : base64.encode(e.data as Uint8Array)),
      text ? 'utf8' : 'base64'
    ].join(',') + '\r\n'
  )
}

export function eventsToCsv(events: SockEvent[]): string {
  return CSV_HEADER + events.map(csvRow).join('')
}
