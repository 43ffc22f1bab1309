import { describe, expect, it, vi } from 'vitest'
import { WrappedText, base64Lines, hexBytesPerRow, hexLines } from '../../src/renderer/src/lib/textWindow'
import { base64 } from '../../src/shared/wire'

const all = (s: { count: number; line(i: number): string }): string[] => Array.from({ length: s.count }, (_, i) => s.line(i))

describe('big payloads as windows of lines', () => {
  it('wraps text at the width and keeps its own line breaks, losing nothing', () => {
    const text = 'abcdefghij\n\nxyz\n' + '0123456789'.repeat(3)
    const lines = all(new WrappedText(text).layout(4))
    expect(lines).toEqual(['abcd', 'efgh', 'ij', '', 'xyz', '0123', '4567', '8901', '2345', '6789', '0123', '4567', '89'])
    expect(new WrappedText(text).hardLines).toBe(4)
    expect(all(new WrappedText('').layout(10))).toEqual([''])
    expect(all(new WrappedText('a\n').layout(10))).toEqual(['a', ''])
  })

  it('finds any line of a 10 MiB single-line text without building the others', () => {
    const text = 'y'.repeat(10 * 1024 * 1024 - 3) + 'end'
    text.indexOf('#') // flattens the rope, as a payload off the wire already is
    // Counted, not timed: every line is a slice of the text, so a layout that built the others would slice 104,858
    // times. Two lines asked for, two slices.
    const slices = vi.spyOn(String.prototype, 'slice')
    try {
      const src = new WrappedText(text).layout(100)
      expect(src.count).toBe(Math.ceil(text.length / 100))
      expect(src.line(src.count - 1).endsWith('end')).toBe(true)
      expect(src.line(1234)).toBe('y'.repeat(100))
      expect(slices).toHaveBeenCalledTimes(2)
    } finally {
      slices.mockRestore()
    }
  })

  it('never splits a surrogate pair across lines', () => {
    const text = 'ab😀cd😀'
    const lines = all(new WrappedText(text).layout(3))
    expect(lines.join('')).toBe(text)
    for (const l of lines) expect(l).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/)
  })

  it('dumps every byte in hex with its offset and ASCII, 16, 8 or 4 bytes a line as the width allows', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff)
    const sixteen = all(hexLines(bytes))
    expect(sixteen[0]).toBe('00000000  00 07 0e 15 1c 23 2a 31 38 3f 46 4d 54 5b 62 69  .....#*18?FMT[bi')
    expect(sixteen.at(-1)).toBe(`000003e0  ${'20 27 2e 35 3c 43 4a 51'.padEnd(47)}   '.5<CJQ`)
    for (const n of [16, 8, 4] as const) {
      const lines = all(hexLines(bytes, n))
      expect(lines).toHaveLength(Math.ceil(1000 / n))
      expect(Math.max(...lines.map((l) => l.length))).toBe(4 * n + 11)
      // Every byte, in order: the hex columns read back are the bytes.
      const back = lines.flatMap((l) =>
        l
          .slice(10, 10 + 3 * n - 1)
          .trim()
          .split(' ')
          .map((h) => parseInt(h, 16))
      )
      expect(back).toEqual([...bytes])
    }
    expect([hexBytesPerRow(120), hexBytesPerRow(75), hexBytesPerRow(74), hexBytesPerRow(43), hexBytesPerRow(42)]).toEqual([16, 16, 8, 8, 4])
  })

  it('gives base64 lines that join into the whole encoding', () => {
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff)
    const lines = all(base64Lines(bytes))
    expect(lines.every((l, i) => l.length === 76 || i === lines.length - 1)).toBe(true)
    expect(lines.join('')).toBe(base64.encode(bytes))
  })
})
