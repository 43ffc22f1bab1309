/**
 * A failed `equals:` match side by side: the text expected and the text received, line by line, with the first line
 * where they differ marked on both sides and the column where they part. A long line (one-line JSON often is) is
 * shown as a window around that column. Pure, like jsonDiff.ts, whose windowing it shares.
 */
import type { StepDiff, StepDiffSide } from '../shared/scenarioSteps'
import { MAX_LINE_CHARS, windowed } from './jsonDiff'

/** Characters kept before the column where the texts part, when a line is cut to a window. */
const LEAD_CHARS = 60

/** `line` cut to MAX_LINE_CHARS around `column`, and where that column falls in what is kept. */
function around(line: string, column: number): { text: string; column: number } {
  if (line.length <= MAX_LINE_CHARS) return { text: line, column }
  const start = column > LEAD_CHARS ? column - LEAD_CHARS : 0
  const end = start + MAX_LINE_CHARS
  const text = `${start ? '…' : ''}${line.slice(start, end)}${end < line.length ? '…' : ''}`
  return { text, column: column - start + (start ? 1 : 0) }
}

function side(lines: string[], line: number, column: number): StepDiffSide {
  const exact = line < lines.length
  const mark = exact ? line : lines.length - 1
  const shown = lines.map((l) => around(l, 0).text)
  const at = exact ? around(lines[line], column) : null
  if (at) shown[mark] = at.text
  return { ...windowed(shown, mark, exact), ...(at ? { column: at.column } : {}) }
}

/** Null when the texts are equal; else both sides, marked at the first line and column where they part. */
export function textDiff(expected: string, received: string): StepDiff | null {
  if (expected === received) return null
  const a = expected.split('\n')
  const b = received.split('\n')
  let line = 0
  while (line < a.length && line < b.length && a[line] === b[line]) line++
  const [x, y] = [a[line] ?? '', b[line] ?? '']
  let column = 0
  while (column < x.length && column < y.length && x[column] === y[column]) column++
  const at = a.length > 1 || b.length > 1 ? `line ${line + 1}, column ${column + 1}` : `column ${column + 1}`
  return { kind: 'text', at, expected: side(a, line, column), received: side(b, line, column) }
}
