import { describe, expect, it } from 'vitest'
import { WrappedText, base64Lines, hexLines } from '../../src/renderer/src/lib/textWindow'
import { hexDump } from '../../src/renderer/src/lib/format'
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
    const t0 = performance.now()
    const src = new WrappedText(text).layout(100)
    expect(src.count).toBe(Math.ceil(text.length / 100))
    expect(src.line(src.count - 1).endsWith('end')).toBe(true)
    expect(src.line(1234)).toBe('y'.repeat(100))
    expect(performance.now() - t0).toBeLessThan(200)
  })

  it('never splits a surrogate pair across lines', () => {
    const text = 'ab😀cd😀'
    const lines = all(new WrappedText(text).layout(3))
    expect(lines.join('')).toBe(text)
    for (const l of lines) expect(l).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/)
  })

  it('dumps every byte in hex, the same lines as the small view', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff)
    expect(all(hexLines(bytes))).toEqual(hexDump(bytes).split('\n'))
  })

  it('gives base64 lines that join into the whole encoding', () => {
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff)
    const lines = all(base64Lines(bytes))
    expect(lines.every((l, i) => l.length === 76 || i === lines.length - 1)).toBe(true)
    expect(lines.join('')).toBe(base64.encode(bytes))
  })
})
