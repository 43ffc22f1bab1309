/** What a log row says beside its time and size: its direction, and a one-line preview (pings and pongs with RTT). */
import { previewOf } from '../../lib/format'
import type { LogEntry } from '../../stores/messageLog'

export const DIR_TEXT = { in: '↓ in', out: '↑ out', sys: '• event' } as const

export function rowPreview(e: LogEntry): string {
  if (e.kind !== 'ping' && e.kind !== 'pong') return previewOf(e.data)
  const payload = e.size ? previewOf(e.data) : '(no payload)'
  return e.rttMs !== undefined ? `${payload} · RTT ${e.rttMs.toFixed(1)} ms` : payload
}
