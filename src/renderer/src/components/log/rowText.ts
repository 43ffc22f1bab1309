/** What a log row says: its direction, its time, size and kind, and a one-line preview (pings and pongs with RTT). */
import { formatSize, formatTime, previewOf } from '../../lib/format'
import { chainLabel, decodeChain, parseChain, sniffCodec, summarizeValue, type CodecStep } from '../../../../shared/codecs'
import type { LogEntry } from '../../stores/messageLog'
import type { DecodeSetup } from '../../lib/decodeSetup'
import { describeFrame, framePayload, type DescribeContext, type ProtocolKind } from '../../../../shared/protocols'
import { textOf } from '../../lib/textBytes'

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
const ROW_OUTPUT_MAX = 256 * 1024
/** `keepAlive`: a protocol's ping or pong, drawn muted; `error`: a protocol's error frame. */
type RowCodec = { badge: string; text: string; keepAlive?: boolean; error?: boolean } | null
/** Per payload: the decoded row, the settings it was decoded under (chain, schema, limit), and a pinned chain's failure. */
const decodedRows = new WeakMap<Uint8Array | object, { under: string; row: RowCodec; failed?: string }>()
const textKeys = new Map<string, object>()

/**
 * A row's decoded one-line summary and its codec badge (`msgpack`, `gzip→json`, `pb:Trade`): through the connection's
 * chain for the row's direction when one is set (`setup.pinned`), else when a binary payload sniffs as a codec; null
 * otherwise (the row shows its text or hex). Decoded once per payload and setting, when its row is first drawn.
 */
export function codecPreview(e: LogEntry, subprotocol: string | null, setup?: DecodeSetup): RowCodec {
  const d = e.data
  const pinned = setup?.pinned ?? ''
  const under = `${pinned}|${setup?.schema?.id ?? ''}|${setup?.maxOutputBytes ?? ''}`
  if (e.dir === 'sys' || e.ref || (e.kind !== 'binary' && !(pinned && e.kind === 'text'))) return null
  if ((typeof d === 'string' ? d.length : d.byteLength) > ROW_DECODE_MAX) return null
  const key = typeof d === 'string' ? textKey(d) : d
  const hit = decodedRows.get(key)
  if (hit && hit.under === under) return hit.row
  const { row, failed } = decodePayload(d, subprotocol, setup)
  decodedRows.set(key, failed ? { under, row, failed } : { under, row })
  return row
}

/** A payload through the pinned chain, else through the codec its bytes sniff as; null when neither reads it. */
function decodePayload(d: string | Uint8Array, subprotocol: string | null, setup?: DecodeSetup): { row: RowCodec; failed?: string } {
  const pinned = setup?.pinned ?? ''
  let chain: CodecStep[] | null
  try {
    chain = pinned ? parseChain(pinned) : typeof d === 'string' ? null : (sniffCodec(d, subprotocol)?.chain ?? null)
  } catch {
    chain = null
  }
  const limits = { maxOutputBytes: Math.min(ROW_OUTPUT_MAX, setup?.maxOutputBytes ?? ROW_OUTPUT_MAX) }
  const r = chain && decodeChain(d, chain, limits, setup?.schema ?? null)
  const row = chain && r?.ok ? { badge: chainLabel(chain), text: summarizeValue(r.value, 240) } : null
  // Only a chain the user pinned can be wrong: a sniffed guess that fails just shows the raw payload.
  return pinned && r && !r.ok ? { row, failed: r.error } : { row }
}

/** Why this row's payload did not decode through the pinned chain (known once its row was drawn), or null. */
export function pinnedFailure(e: LogEntry, setup: DecodeSetup): string | null {
  if (!setup.pinned || e.ref || e.data === undefined || e.dir === 'sys') return null
  const hit = decodedRows.get(typeof e.data === 'string' ? textKey(e.data) : e.data)
  return hit?.failed ?? null
}

/** Strings cannot key a WeakMap: text rows decoded under a pinned chain share a small bounded map of keys. */
function textKey(s: string): object {
  let k = textKeys.get(s)
  if (!k) {
    if (textKeys.size > 2000) textKeys.clear()
    textKeys.set(s, (k = {}))
  }
  return k
}

/**
 * What a row shows in place of its raw payload: the protocol's message when the connection speaks one (a Socket.IO
 * `event chat`, a muted `engine ping`, `MESSAGE /topic/prices`), else its codec's decoded summary. The raw frame
 * stays one click away (the log's raw-frames toggle, the detail pane).
 */
export function rowDecoded(
  e: LogEntry,
  protocol: ProtocolKind,
  subprotocol: string | null,
  setup: DecodeSetup,
  ctx?: DescribeContext
): RowCodec {
  if (protocol !== 'raw' && (e.dir === 'in' || e.dir === 'out') && !e.ref && (e.kind === 'text' || e.kind === 'binary')) {
    // Rows are drawn again at every frame of a flood: each payload is read once, as codecPreview does. A GraphQL
    // row may name its operation once the subscribe that started it is known, so the names known are part of the key.
    const under = `${protocol}|${subprotocol ?? ''}|${ctx?.operations?.size ?? 0}`
    const key = typeof e.data === 'string' ? textKey(e.data) : e.data
    const hit = decodedRows.get(key)
    if (hit?.under === under) return hit.row
    const frame = e.kind === 'text' ? (typeof e.data === 'string' ? e.data : textOf(e.data)) : e.data
    const d = describeFrame(protocol, frame, subprotocol, ctx)
    let row: RowCodec = d && { badge: d.kind, text: d.text, keepAlive: d.keepAlive, error: d.error }
    // The payload inside the protocol's message goes through the codec chain: MessagePack in an MQTT PUBLISH.
    const payload = row && framePayload(protocol, frame, subprotocol, ctx)
    const size = payload ? (typeof payload === 'string' ? payload.length : payload.byteLength) : 0
    const decoded = payload && size <= ROW_DECODE_MAX ? decodePayload(payload, null, setup).row : null
    if (row && decoded) row = { ...row, badge: `${row.badge} · ${decoded.badge}`, text: decoded.text }
    decodedRows.set(key, { under, row })
    return row
  }
  return codecPreview(e, subprotocol, setup)
}
