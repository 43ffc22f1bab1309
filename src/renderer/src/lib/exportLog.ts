/** A plain JSON export of what a tab's log holds (richer formats come with session recordings). */
import type { LogEntry } from '../stores/messageLog'
import { base64 } from '../../../shared/wire'
import { decodedForExport, type DecodeOptions, type ExportDecoded } from '../../../shared/codecs/exportDecoded'

/** The decoded form of a payload, beside its bytes: through the connection's chain, or when a codec recognises it. */
function decoded(e: LogEntry, o: DecodeOptions | null): { decoded: ExportDecoded } | Record<string, never> {
  if (e.dir === 'sys' || e.ref || (e.kind !== 'binary' && e.kind !== 'text')) return {}
  const d = decodedForExport(e.data, e.dir, o)
  return d ? { decoded: d } : {}
}

/** `decode`: the connection's decode settings (pinned chains, Protobuf schema, size limit). */
export function logToJson(url: string, entries: LogEntry[], evicted: number, decode: DecodeOptions | null = null): string {
  return JSON.stringify(
    {
      format: 'sockscope-log',
      version: 1,
      url,
      exportedAt: new Date().toISOString(),
      evictedBeforeExport: evicted,
      entries: entries.map((e) => ({
        seq: e.seq,
        time: new Date(e.ts).toISOString(),
        ts: e.ts,
        dir: e.dir,
        kind: e.kind,
        size: e.size,
        ...(typeof e.data === 'string' ? { text: e.data } : { base64: base64.encode(e.data) }),
        ...decoded(e, decode),
        ...(e.ref ? { truncated: true } : {}),
        ...(e.rttMs !== undefined ? { rttMs: e.rttMs } : {}),
        ...(e.failed ? { failed: e.failed } : {})
      }))
    },
    null,
    2
  )
}

/** Saves text as a file through the browser's download (works in both browser mode and the desktop window). */
export function downloadText(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Downloads a file the host offers at a one-time URL of its own origin (large exports in browser mode). */
export function downloadUrl(url: string, name: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
}
