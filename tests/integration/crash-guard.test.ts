/**
 * Issue 10, the last line of defence: an error that escapes every guard is recorded, the affected window is told,
 * and the process keeps running. Runs a child process so the handlers are the real process-level ones.
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..', '..')

function runChild(env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tests/fixtures/crashGuardChild.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000
  })
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'))
  return { status: r.status, stderr: r.stderr, report: line ? JSON.parse(line) : null }
}

describe('crash guard', () => {
  it('a throw from a timer of one connection ends that connection only: the other keeps running, the process lives', () => {
    const { status, report, stderr } = runChild()
    expect(status, stderr).toBe(0)
    // Connection A is told (an internal error on its own log) and closed; B echoes after the throw.
    expect(report.a).toContain('error:internal')
    expect(report.a.at(-1)).toBe('state:closed')
    expect(report.bEchoed).toBe(true)
    expect(report.bStates).toBe('open')
    // The stray rejection belongs to no connection: every window gets a notice.
    expect(report.notices).toEqual([
      expect.stringMatching(/caught an internal error and kept running: stray rejection/),
      expect.stringMatching(/caught an internal error and kept running: stray rejection/)
    ])
    expect(report.logged).toBe(2)
    expect(report.errorsLog).toBeGreaterThanOrEqual(2)
  })

  it('without the guard the same throw ends the whole process (what the guard prevents)', () => {
    const { status, report, stderr } = runChild({ NO_GUARD: '1' })
    expect(status).not.toBe(0)
    expect(report).toBeNull()
    expect(stderr).toMatch(/boom in a timer of A|stray rejection/)
  })
})
