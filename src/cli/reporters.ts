/**
 * How `sockscope run` reports: `pretty` for people (a live line per scenario on a terminal, plain lines otherwise),
 * `junit` (the JUnit XML that CI systems read), `json` (the RunResult as it is) and `tap` (TAP version 14).
 */
import { hostname } from 'node:os'
import type { RunProgress, RunResult, ScenarioResult, StepResult } from '../scenario/types'
import type { StepDiffSide } from '../shared/scenarioSteps'
import { formatDuration } from '../scenario/format'

export const REPORTERS = ['pretty', 'junit', 'json', 'tap'] as const
export type ReporterName = (typeof REPORTERS)[number]

/** What was left out, for the summary: scenarios not run after --bail or Ctrl+C stopped the run. */
export interface RunNotes {
  notRun?: number
  interrupted?: boolean
}

const ANSI = { green: '\x1b[32m', red: '\x1b[31m', dim: '\x1b[2m', yellow: '\x1b[33m', reset: '\x1b[0m' }

/**
 * People's reporter. On a terminal the line of the running scenario is rewritten in place with the step it is on
 * (carriage return, then ESC[2K to clear the line); elsewhere (a CI log, a file) each scenario gets plain lines
 * once it ends, with no control characters.
 */
export class PrettyReporter {
  private running = ''

  constructor(
    private readonly write: (s: string) => void,
    private readonly o: { live: boolean; color: boolean }
  ) {}

  private paint(color: keyof typeof ANSI, s: string): string {
    return this.o.color ? `${ANSI[color]}${s}${ANSI.reset}` : s
  }

  onProgress(p: RunProgress): void {
    if (!this.o.live) {
      if (p.type === 'scenario-end') this.write(scenarioBlock(p.result, (c, s) => this.paint(c, s), false))
      return
    }
    if (p.type === 'scenario-start') {
      this.running = p.name
      this.write(`${this.paint('yellow', '…')} ${p.name}`)
    } else if (p.type === 'step-start') {
      // The live line names the step under way, so a long wait shows what it waits on.
      this.write(`\r\x1b[2K${this.paint('yellow', '…')} ${this.running} ${this.paint('dim', `› ${p.path} ${p.name}`)}`)
    } else if (p.type === 'scenario-end') {
      this.write(`\r\x1b[2K${scenarioBlock(p.result, (c, s) => this.paint(c, s), true)}`)
    }
  }

  finish(result: RunResult, notes: RunNotes = {}): void {
    this.write(summaryLine(result, notes, (c, s) => this.paint(c, s)))
  }
}

type Paint = (color: keyof typeof ANSI, s: string) => string

function scenarioBlock(r: ScenarioResult, paint: Paint, symbols: boolean): string {
  const mark = r.status === 'passed' ? paint('green', symbols ? '✓' : 'PASS') : paint('red', symbols ? '✗' : 'FAIL')
  const lines = [`${mark} ${r.name} ${paint('dim', `(${r.file}, ${formatDuration(r.durationMs)})`)}`]
  for (const s of r.steps.filter((x) => x.status === 'failed' && x.kind !== 'repeat'))
    lines.push(...failureLines(r, s).map((l) => `    ${l}`))
  return `${lines.join('\n')}\n`
}

/** A failed step as lines: where, what was expected, what came, the last traffic on its connection. */
export function failureLines(r: ScenarioResult, s: StepResult): string[] {
  const lines = [
    `step ${s.path}${s.run !== undefined ? ` (run ${s.run})` : ''}: ${s.name}  ${r.file}${s.line ? `:${s.line}` : ''}`,
    `  expected: ${s.expected ?? '(not said)'}`,
    `  actual:   ${s.actual ?? '(not said)'}`
  ]
  if (s.diff) {
    // Text is quoted, so a difference in spaces or at the end shows.
    const line = (d: StepDiffSide): string => (s.diff!.kind === 'text' ? JSON.stringify(d.lines[d.mark]) : d.lines[d.mark].trim())
    const at = (d: StepDiffSide): string => (d.exact ? line(d) : '(missing)')
    lines.push(`  where they part, ${s.diff.at}:`, `    expected: ${at(s.diff.expected)}`, `    received: ${at(s.diff.received)}`)
  }
  if (s.lastMessages?.length)
    lines.push(`  last messages on ${s.connection ?? 'the connection'}:`, ...s.lastMessages.map((m) => `    ${m}`))
  return lines
}

export function summaryLine(result: RunResult, notes: RunNotes, paint: Paint = (_c, s) => s): string {
  const total = result.scenarios.length
  const time = formatDuration(result.durationMs)
  const head = result.failed
    ? paint('red', `${result.failed} failed`) + `, ${result.passed} passed (${total} scenario${total === 1 ? '' : 's'}, ${time})`
    : paint('green', `${total === 1 ? 'The scenario' : `All ${total} scenarios`} passed`) + ` (${time})`
  const why = notes.interrupted ? 'Interrupted (Ctrl+C)' : 'Stopped at the first failure (--bail)'
  const bail = notes.notRun ? `\n${why}: ${notes.notRun} scenario${notes.notRun === 1 ? '' : 's'} not run.` : ''
  return `\n${head}${bail}\n`
}

/** The pretty report as plain text, all at once (for --out with the pretty reporter). */
export function plainReport(result: RunResult, notes: RunNotes = {}): string {
  const plain: Paint = (_c, s) => s
  return result.scenarios.map((r) => scenarioBlock(r, plain, false)).join('') + summaryLine(result, notes)
}

export function jsonReport(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`
}

/** XML 1.0 text: markup characters escaped, and characters XML cannot hold at all (§2.2 Char) replaced. */
function xml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3)

/** Ant's and the JUnit XML schema's timestamp: ISO 8601 without a zone (it is UTC here). */
const timestamp = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, '')

/**
 * JUnit XML in the shape Jenkins, GitLab, GitHub's test reporters and CircleCI read (the Ant JUnit task's format,
 * as its XSD describes it): <testsuites> holds one <testsuite> per scenario file, with one <testcase> per step;
 * a failed step has <failure message type> with the details as text, a step not run has <skipped/>. Every count
 * is the sum of what it holds; times are seconds.
 */
export function junitXml(result: RunResult, started = new Date()): string {
  const host = xml(hostname())
  const count = (steps: StepResult[], status: StepResult['status']): number => steps.filter((s) => s.status === status).length
  const all = result.scenarios.flatMap((r) => r.steps)
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sockscope run" tests="${all.length}" failures="${count(all, 'failed')}" errors="0" skipped="${count(all, 'skipped')}" time="${seconds(result.durationMs)}">`
  ]
  result.scenarios.forEach((r, i) => {
    const classname = xml(r.file.replace(/\.ya?ml$/i, '').replace(/[\\/]+/g, '.'))
    out.push(
      `  <testsuite name="${xml(r.name)}" id="${i}" tests="${r.steps.length}" failures="${count(r.steps, 'failed')}" errors="0" skipped="${count(r.steps, 'skipped')}" time="${seconds(r.durationMs)}" timestamp="${timestamp(started)}" hostname="${host}" file="${xml(r.file)}">`
    )
    for (const s of r.steps) {
      const name = xml(`${s.path}${s.run !== undefined ? ` run ${s.run}` : ''} ${s.name}`)
      const open = `    <testcase name="${name}" classname="${classname}" time="${seconds(s.durationMs)}" file="${xml(r.file)}"${s.line ? ` line="${s.line}"` : ''}`
      if (s.status === 'passed') out.push(`${open}/>`)
      else if (s.status === 'skipped') out.push(`${open}>`, '      <skipped message="an earlier step failed"/>', '    </testcase>')
      else {
        const message = xml(`expected ${s.expected ?? '(not said)'}; got ${s.actual ?? '(not said)'}`)
        out.push(
          `${open}>`,
          `      <failure message="${message}" type="${xml(s.kind)}">${xml(failureLines(r, s).join('\n'))}</failure>`,
          '    </testcase>'
        )
      }
    }
    out.push('  </testsuite>')
  })
  out.push('</testsuites>')
  return `${out.join('\n')}\n`
}

/** A TAP description: one line, and `#` escaped so it does not start a directive (TAP 14, "Test Point"). */
const tapText = (s: string): string =>
  s
    .replace(/[\r\n]+/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/#/g, '\\#')

/**
 * TAP version 14: one test point per scenario, each with its steps as a subtest (`# Subtest:` then the child
 * document indented four spaces) and a YAML diagnostic block (`---` … `...`) under a failed step. Strings in the
 * block are JSON, which YAML reads as double-quoted scalars.
 */
export function tapReport(result: RunResult, notes: RunNotes = {}): string {
  const out = ['TAP version 14', `1..${result.scenarios.length + (notes.notRun ?? 0)}`]
  result.scenarios.forEach((r, i) => {
    out.push(`# Subtest: ${tapText(r.name)}`, `    1..${r.steps.length}`)
    r.steps.forEach((s, k) => {
      const title = `${k + 1} - ${tapText(`${s.path}${s.run !== undefined ? ` run ${s.run}` : ''} ${s.name}`)}`
      if (s.status === 'passed') out.push(`    ok ${title}`)
      else if (s.status === 'skipped') out.push(`    ok ${title} # SKIP an earlier step failed`)
      else {
        out.push(`    not ok ${title}`, '      ---')
        out.push(`      expected: ${JSON.stringify(s.expected ?? '')}`, `      actual: ${JSON.stringify(s.actual ?? '')}`)
        out.push(`      at: ${JSON.stringify(`${r.file}${s.line ? `:${s.line}` : ''}`)}`)
        if (s.lastMessages?.length) out.push('      lastMessages:', ...s.lastMessages.map((m) => `        - ${JSON.stringify(m)}`))
        out.push('      ...')
      }
    })
    out.push(`${r.status === 'passed' ? 'ok' : 'not ok'} ${i + 1} - ${tapText(r.name)}`)
  })
  for (let n = 1; n <= (notes.notRun ?? 0); n++)
    out.push(
      `ok ${result.scenarios.length + n} - not run # SKIP ${notes.interrupted ? 'interrupted' : 'stopped at the first failure (--bail)'}`
    )
  return `${out.join('\n')}\n`
}
