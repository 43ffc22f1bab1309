/** What a log row says: its direction, its time, size and kind, and a one-line preview (pings and pongs with RTT). */
import { formatSize, formatTime, previewOf } from '../../lib/format'
import { chainLabel, decodeChain, sniffCodec, summarizeValue } from '../../../../shared/codecs'
import type { LogEntry } from '../../stores/messageLog'

export const DIR_TEXT = { in: '↓ in', out: '↑ out', sys: '• event' } as const

export function rowPreview(e: LogEntry): string {
  if (e.kind !== 'ping' && e.kind !== 'pong') return previewOf(e.data)
  const payload = e.size ? previewOf(e.data) : '(no payload)'
  return e.rttMs !== undefined ? `${payload} · RTT ${e.rttMs.toFixed(1)} ms` : payload
}

/**
 * Time, size and kind as one run of monospace text, padded into columns: one text node per row instead of three
 * elements (a flood at 1,000 msg/s replaces most visible rows every frame, and each element is styled and laid out).
 */
export function rowMeta(e: LogEntry): string {
  const size = e.dir === 'sys' ? '' : formatSize(e.size)
  return `${formatTime(e.ts)}  ${size.padStart(8)}  ${e.kind.padEnd(6)}`
}

/** Binary payloads up to this size are decoded for their row; bigger ones show their decoded form in the detail pane. */
const ROW_DECODE_MAX = 4 * 1024
const ROW_LIMITS = { maxOutputBytes: 256 * 1024 }
const decodedRows = new WeakMap<Uint8Array, { badge: string; text: string } | null>()

/**
 * A binary row's decoded one-line summary and its codec badge (`msgpack`, `gzip→json`), when the payload sniffs as
 * a codec and decodes; null otherwise (the row shows hex). Decoded once per payload, when its row is first drawn.
 */
export function codecPreview(e: LogEntry, subprotocol: string | null): { badge: string; text: string } | null {
  const d = e.data
  if (typeof d === 'string' || e.kind !== 'binary' || e.ref || d.byteLength > ROW_DECODE_MAX) return null
  let p = decodedRows.get(d)
  if (p === undefined) {
    const sniffed = sniffCodec(d, subprotocol)
    const r = sniffed && decodeChain(d, sniffed.chain, ROW_LIMITS)
    p = sniffed && r?.ok ? { badge: chainLabel(sniffed.chain), text: summarizeValue(r.value, 240) } : null
    decodedRows.set(d, p)
  }
  return p
}
