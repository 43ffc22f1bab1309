/**
 * A failed `json:` match side by side (issue 18, "failed with the diff"): the expected subset and the received value,
 * each pretty-printed as JSON, with the line where they part marked on both sides. Pure; the runner puts it in the
 * step's report, the Scenarios panel draws it, the command line prints the marked lines.
 */
import type { StepDiff, StepDiffSide } from '../shared/scenarioSteps'

/** At most this many lines of a side are kept, around its marked line: a huge message stays a readable report. */
export const DIFF_MAX_LINES = 200
export const MAX_LINE_CHARS = 200

/** The path of member `k` under `at`, in the field expressions' grammar: `$.a`, `$["x y"]`. */
export function childPath(at: string, k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? `${at}.${k}` : `${at}[${JSON.stringify(k)}]`
}

/** `$.a.b[0]` → `$.a.b`; `$` → null. */
function parentPath(at: string): string | null {
  const m = /(\.[^.[\]\s]+|\[\s*\d+\s*\]|\["(?:[^"\\]|\\.)*"\])$/.exec(at)
  return m ? at.slice(0, m.index) : null
}

interface Printed {
  lines: string[]
  lineOf: Map<string, number>
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Writes `v` as `JSON.stringify(v, null, 2)` would, noting the line each path starts on. */
function print(v: unknown, at: string, depth: number, lead: string, trail: string, out: Printed): void {
  const pad = '  '.repeat(depth)
  out.lineOf.set(at, out.lines.length)
  const entries: Array<[string, unknown]> | null = Array.isArray(v)
    ? v.map((x, i) => [`${at}[${i}]`, x])
    : isObject(v)
      ? Object.entries(v).map(([k, x]) => [childPath(at, k), x])
      : null
  if (!entries?.length) {
    const text = `${pad}${lead}${Array.isArray(v) ? '[]' : isObject(v) ? '{}' : (JSON.stringify(v) ?? 'null')}${trail}`
    out.lines.push(text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS - 1)}…` : text)
    return
  }
  const keys = Array.isArray(v) ? null : Object.keys(v as object)
  out.lines.push(`${pad}${lead}${keys ? '{' : '['}`)
  entries.forEach(([path, x], i) =>
    print(x, path, depth + 1, keys ? `${JSON.stringify(keys[i])}: ` : '', i < entries.length - 1 ? ',' : '', out)
  )
  out.lines.push(`${pad}${keys ? '}' : ']'}${trail}`)
}

/** One side: its lines (a window of DIFF_MAX_LINES around the mark when longer), the mark at `at` or its nearest ancestor. */
function side(value: unknown, at: string): StepDiffSide {
  const out: Printed = { lines: [], lineOf: new Map() }
  print(value, '$', 0, '', '', out)
  let mark = -1
  for (let p: string | null = at; p !== null && mark < 0; p = parentPath(p)) mark = out.lineOf.get(p) ?? -1
  return windowed(out.lines, mark, out.lineOf.has(at))
}

/** A side's lines, cut to a window of DIFF_MAX_LINES around `mark` when there are more. */
export function windowed(lines: string[], mark: number, exact: boolean): StepDiffSide {
  const total = lines.length
  if (total <= DIFF_MAX_LINES) return { lines, mark, exact, from: 0, total }
  const from = Math.min(Math.max(0, mark - Math.floor(DIFF_MAX_LINES / 2)), total - DIFF_MAX_LINES)
  return { lines: lines.slice(from, from + DIFF_MAX_LINES), mark: mark < 0 ? -1 : mark - from, exact, from, total }
}

/** `expected` (the subset as written) against `received` (already plain JSON values), parting at the path `at`. */
export function jsonDiff(expected: unknown, received: unknown, at: string): StepDiff {
  return { kind: 'json', at, expected: side(expected, at), received: side(received, at) }
}
