/**
 * Issue 18, "failed with the diff", for `equals:`: the expected text and the received text side by side, the first
 * line where they differ marked on both sides with the column where they part, a long line shown around that column;
 * and the lines the command line prints from it.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { textDiff } from '../../src/scenario/textDiff'
import { compileMatch } from '../../src/scenario/matchers'
import { diffLines } from '../helpers/diffLines'
import type { StepDiffSide } from '../../src/shared/scenarioSteps'

/** Where `at` says the texts part: line and column, 1-based. */
function place(at: string): { line: number; column: number } {
  const m = /^(?:line (\d+), )?column (\d+)$/.exec(at)!
  return { line: Number(m[1] ?? 1), column: Number(m[2]) }
}

const charAt = (s: StepDiffSide): string => s.lines[s.mark].charAt(s.column!)

describe('textDiff', () => {
  it('is null for equal texts, and otherwise parts where the texts first differ (fast-check)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', 'é'), maxLength: 40 })
    fc.assert(
      fc.property(text, text, (a, b) => {
        const d = textDiff(a, b)
        if (a === b) {
          expect(d).toBeNull()
          return
        }
        const { line, column } = place(d!.at)
        expect(d!.at.startsWith('line ')).toBe(a.includes('\n') || b.includes('\n'))
        expect(d!.kind).toBe('text')
        // Every line before `line` is the same on both sides; at it, one side has no such line, or the two lines
        // share exactly `column - 1` characters before they differ.
        const [as, bs] = [a.split('\n'), b.split('\n')]
        expect(as.slice(0, line - 1)).toEqual(bs.slice(0, line - 1))
        const [x, y] = [as[line - 1], bs[line - 1]]
        if (x !== undefined && y !== undefined) {
          expect(x).not.toBe(y)
          expect(x.slice(0, column - 1)).toBe(y.slice(0, column - 1))
          expect(x.length === column - 1 || y.length === column - 1 || x[column - 1] !== y[column - 1]).toBe(true)
        } else expect(column).toBe(1)
        for (const [side, whole] of [
          [d!.expected, a],
          [d!.received, b]
        ] as const) {
          const lines = whole.split('\n')
          expect(side.exact).toBe(line <= lines.length)
          if (!side.exact) continue
          expect(side.lines[side.mark]).toBe(lines[line - 1])
          // The same text before the column on both sides; at the column, one differs or ends.
          expect(side.lines[side.mark].slice(0, side.column)).toBe(lines[line - 1].slice(0, column - 1))
        }
        if (d!.expected.exact && d!.received.exact) expect(charAt(d!.expected)).not.toBe(charAt(d!.received))
      })
    )
  })

  it('shows a long one-line message around the column where it parts', () => {
    const expected = JSON.stringify({ rows: Array.from({ length: 400 }, (_, i) => i), tail: 'x' })
    const received = expected.replace('"tail":"x"', '"tail":"y"')
    const d = textDiff(expected, received)!
    expect(d.at).toBe(`column ${expected.indexOf('"x"') + 2}`)
    for (const side of [d.expected, d.received]) {
      expect(side.lines[0].startsWith('…')).toBe(true)
      expect(side.lines[0].length).toBeLessThanOrEqual(202)
    }
    expect(charAt(d.expected)).toBe('x')
    expect(charAt(d.received)).toBe('y')
    expect(d.received.lines[0].slice(d.received.column! - 8, d.received.column)).toBe('"tail":"')
    // A side that ends before the line that differs shows its last line, cut like any other.
    const ended = textDiff(`a\n${expected}`, `a\n${expected}\nb`)!
    expect(ended.expected).toMatchObject({ exact: false, mark: 1 })
    expect(ended.expected.lines[1]).toHaveLength(201)
  })

  it('comes from an `equals:` match that fails, before a `json:` one on the same match', () => {
    const ack = { kind: 'text' as const, data: '{"type":"ack","n":1}' }
    expect(compileMatch({ equals: '{"type":"ack","n":1}' }).diff(ack)).toBeNull()
    const d = compileMatch({ equals: '{"type":"ack","n":2}', json: { type: 'nack' } }).diff(ack)!
    expect(d).toMatchObject({ kind: 'text', at: 'column 19' })
    expect(compileMatch({ equals: '{"type":"ack","n":1}', json: { type: 'nack' } }).diff(ack)).toMatchObject({ kind: 'json', at: '$.type' })
  })

  it('the command line quotes the two marked lines, so spaces and line ends show', () => {
    const diff = textDiff('hello\nworld', 'hello\nworld ')!
    expect(diffLines(diff)).toEqual(['  where they part, line 2, column 6:', '    expected: "world"', '    received: "world "'])
    const shorter = textDiff('a\nb', 'a')!
    expect(shorter.received).toMatchObject({ exact: false, mark: 0 })
    expect(diffLines(shorter).at(-1)).toBe('    received: (missing)')
  })
})
