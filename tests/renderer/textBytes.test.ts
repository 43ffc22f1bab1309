/**
 * Large text payloads stay as UTF-8 bytes in the log (outside the JS heap) until shown or searched: what a row shows,
 * what the filter sees and what a dropped row keeps must be the text, exactly as if it had come as a string.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ALL_DIRS, ALL_KINDS, MessageLog, compileFilter, type LogEntry } from '../../src/renderer/src/stores/messageLog'
import { textPrefix } from '../../src/renderer/src/lib/textBytes'
import { PREVIEW, heldCost } from '../../src/renderer/src/lib/payloadBudget'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
let seq = 0
const textAsBytes = (s: string): LogEntry => ({ seq: ++seq, ts: seq, dir: 'in', kind: 'text', size: utf8(s).length, data: utf8(s) })
const spec = (text: string) => ({ text, caseSensitive: false, dirs: new Set(ALL_DIRS), kinds: new Set(ALL_KINDS) })

describe('text kept as bytes', () => {
  it('shows as its text, and the filter matches the text (not the bytes as hex)', () => {
    const log = new MessageLog(100, 1 << 30)
    const texts = [
      'Grüße aus Köln ' + 'x'.repeat(2000),
      '{"type":"trade","px":"€12"} ' + 'y'.repeat(2000),
      '日本語のメッセージ ' + 'z'.repeat(2000)
    ]
    for (const t of texts) log.push(textAsBytes(t))
    expect([0, 1, 2].map((i) => log.at(log.first + i)!.data)).toEqual(texts)
    expect(log.heldBytes).toBe(texts.reduce((n, t) => n + utf8(t).length, 0))
    const shown = (filter: string): string[] => {
      log.setFilter(compileFilter(spec(filter)))
      return Array.from({ length: log.viewLength() }, (_, i) => (log.viewAt(i)!.data as string).slice(0, 6))
    }
    expect(shown('köln')).toEqual(['Grüße '])
    expect(shown('/"px":"€\\d+"/')).toEqual(['{"type'])
    expect(shown('メッセージ')).toEqual(['日本語のメッ'])
    // The hex of these bytes would contain "c3 bc"; text never matches as hex.
    expect(shown('c3 bc')).toEqual([])
  })

  it('a dropped payload keeps a text preview cut at a character, never half of one', () => {
    const log = new MessageLog(100, 8 * 1024)
    const big = '€'.repeat(PREVIEW - 1) + 'ä' + 'ö'.repeat(3000)
    log.push(textAsBytes(big))
    log.push(textAsBytes('n'.repeat(8000)))
    const dropped = log.at(log.first)!
    expect(dropped.data).toBe(big.slice(0, PREVIEW))
    expect(heldCost(dropped.data, dropped.size)).toBeLessThan(2 * PREVIEW + 1)
  })

  it('textPrefix gives exactly the first characters of any well-formed text (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.nat(300), (s, n) => {
        expect(textPrefix(utf8(s), n)).toBe(s.slice(0, n))
      }),
      { numRuns: 500 }
    )
  })
})
