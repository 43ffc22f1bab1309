/** Small pure formatters for the log and detail views. */

export function formatTime(ts: number): string {
  const d = new Date(ts)
  const p = (n: number, w = 2): string => String(n).padStart(w, '0')
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
}

export function formatDuration(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`
  return `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(1)} s`
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function toHex(bytes: Uint8Array, max = bytes.length, sep = ' '): string {
  const n = Math.min(max, bytes.length)
  const parts = new Array<string>(n)
  for (let i = 0; i < n; i++) parts[i] = HEX[bytes[i]]
  return parts.join(sep) + (bytes.length > n ? `${sep}…` : '')
}

/** Control characters and bidi overrides made visible so a payload cannot rearrange the row. */
export function sanitizeLine(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '⏎' : c === '\t' ? '⇥' : '·'))
      .replace(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, '�')
  )
}

export function previewOf(data: string | Uint8Array, max = 240): string {
  if (typeof data === 'string') return sanitizeLine(data.length > max ? data.slice(0, max) + '…' : data)
  return toHex(data, 48)
}
