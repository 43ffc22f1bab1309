/**
 * Issue 18, "Done means": `npm run examples` starts a mock of each recording in examples/recordings, runs the four
 * commented scenarios in examples/scenarios against them with the JUnit reporter, and exits with the run's code.
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..', '..')

describe('npm run examples', () => {
  it('passes all four scenarios (one of them Socket.IO) against the mocks and writes their JUnit report', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'examples.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0)
    expect(r.stdout).toContain('All 4 scenarios passed')
    const xml = readFileSync(join(ROOT, 'examples', 'results', 'junit.xml'), 'utf8')
    expect(xml.match(/<testsuite /g)).toHaveLength(4)
    expect(xml).toMatch(/<testsuites [^>]*failures="0"/)
  })
})
