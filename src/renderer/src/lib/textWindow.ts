/**
 * Big payloads as fixed-height display lines, each built only when it is drawn: laying out a 10 MiB text node
 * at once froze the page for seconds, so the detail pane shows text, hex and base64 through a window of lines.
 */
import { base64 } from '../../../shared/wire'

export interface LineSource {
  count: number
  line(i: number): string
}

/** Text cut into display lines of at most `columns` characters; its own line breaks start new lines. */
export class WrappedText {
  /** Where each of the text's own lines starts; one past the end closes the last. */
  private readonly starts: number[] = [0]

  constructor(readonly text: string) {
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) this.starts.push(at + 1)
    this.starts.push(text.length + 1)
  }

  /** The text's own lines (what `\n` separates). */
  get hardLines(): number {
    return this.starts.length - 1
  }

  layout(columns: number): LineSource {
    const cols = Math.max(1, Math.floor(columns))
    const n = this.hardLines
    // Display lines before each of the text's lines: a long line wraps into several.
    const before = new Float64Array(n + 1)
    for (let k = 0; k < n; k++) before[k + 1] = before[k] + Math.max(1, Math.ceil(this.lineLength(k) / cols))
    return {
      count: before[n],
      line: (i) => {
        const k = upperBound(before, i) - 1
        const start = this.starts[k] + (i - before[k]) * cols
        const end = Math.min(start + cols, this.starts[k] + this.lineLength(k))
        return wholeCharacters(this.text, start, end)
      }
    }
  }

  private lineLength(k: number): number {
    return this.starts[k + 1] - 1 - this.starts[k]
  }
}

/** The first index whose value is greater than `x` in an ascending array. */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (a[mid] <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff

/** A slice that never splits a surrogate pair: a pair cut by a line end moves whole to the earlier line. */
function wholeCharacters(text: string, start: number, end: number): string {
  const from = start > 0 && isLow(text.charCodeAt(start)) && isHigh(text.charCodeAt(start - 1)) ? start + 1 : start
  const to = end < text.length && isHigh(text.charCodeAt(end - 1)) && isLow(text.charCodeAt(end)) ? end + 1 : end
  return text.slice(from, to)
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** The hex dump of `bytes` (offset, 16 bytes, ASCII), one line per 16 bytes, every byte reachable. */
export function hexLines(bytes: Uint8Array, perRow = 16): LineSource {
  return {
    count: Math.ceil(bytes.length / perRow),
    line: (i) => {
      const row = bytes.subarray(i * perRow, i * perRow + perRow)
      const hex = Array.from(row, (b) => HEX[b])
        .join(' ')
        .padEnd(perRow * 3 - 1, ' ')
      const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')
      return `${(i * perRow).toString(16).padStart(8, '0')}  ${hex}  ${ascii}`
    }
  }
}

/**
 * Bytes per hex line for a pane `columns` characters wide: 16, 8 or 4, the most whose whole line (offset, hex and
 * ASCII: 4 × n + 11 characters) fits, so the ASCII column is never behind a sideways scroll.
 */
export function hexBytesPerRow(columns: number): 16 | 8 | 4 {
  return columns >= 4 * 16 + 11 ? 16 : columns >= 4 * 8 + 11 ? 8 : 4
}

/** Base64 of `bytes` in 76-character lines (57 bytes each, as MIME does): the lines join into the whole. */
export function base64Lines(bytes: Uint8Array): LineSource {
  return {
    count: Math.ceil(bytes.length / 57),
    line: (i) => base64.encode(bytes.subarray(i * 57, i * 57 + 57))
  }
}
