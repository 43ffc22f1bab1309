/**
 * `sockscope run` as a child process (the built out/main/cli.js) against a real server on 127.0.0.1: exit codes
 * 0, 1 and 2; JUnit XML checked against the shape of the JUnit schema (element names, required attributes, counts
 * that add up); TAP and JSON; variables from --env-file and from a saved environment; a folder with --bail; bad
 * input refused with the file, line and what is wrong, before anything runs.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Window } from 'happy-dom'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { requireBuiltCli, runCli } from '../helpers/cliChild'
import { ProfileStore } from '../../src/main/store/profileStore'
import { NO_ENCRYPTION } from '../../src/main/store/secrets'
import type { RunResult } from '../../src/scenario/types'
import { runCommand } from '../../src/cli/run'

const FIXTURES = resolve('tests/fixtures/scenarios')
const fx = (name: string): string => join(FIXTURES, name)

let dir: string
let dataDir: string
let server: RunningWs
let connections = 0

beforeAll(async () => {
  requireBuiltCli()
  dir = mkdtempSync(join(tmpdir(), 'sockscope-run-'))
  dataDir = join(dir, 'data')
  mkdirSync(dataDir)
  server = await startWsServer({
    onConnection: (ws) => {
      connections++
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
    }
  })
})

afterAll(async () => {
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const run = (args: string[], cwd?: string) => runCli(['run', ...args], { dataDir, ...(cwd ? { cwd } : {}) })
const url = (): string[] => ['--var', `url=${server.url}`]

describe('exit codes and the pretty report', () => {
  it('0 when every scenario passes, with plain lines when stdout is not a terminal', async () => {
    const r = await run([fx('echo.yaml'), ...url()])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^PASS Echo round trips \(.*echo\.yaml, [\d.]+ m?s\)$/m)
    expect(r.stdout).toMatch(/The scenario passed/)
    expect(r.stdout.includes('\u001b') || r.stdout.includes('\r')).toBe(false) // no control characters in a log
  })
  it('on a terminal, one live line per scenario rewritten in place, ending in a mark (in-process: a child has no terminal)', async () => {
    const out: string[] = []
    const io = { stdout: (s: string) => void out.push(s), stderr: () => undefined, isTTY: true, cwd: dir, env: {} }
    expect(await runCommand([fx('echo.yaml'), ...url()], io)).toBe(0)
    const text = out.join('')
    const ESC = '\u001b'
    expect(text).toContain(`\r${ESC}[2K`) // back to the line's start, cleared
    expect(text).toMatch(/› 17\.2 expect on main: "tick \{\{\$counter\}\}"/) // the step it is on
    const lines = text.split('\n')
    expect(lines[0].split('\r').at(-1)).toMatch(new RegExp(`^${ESC}\\[2K${ESC}\\[32m✓${ESC}\\[0m Echo round trips`))
  })
  it('Ctrl+C stops the run at once: the waiting step fails, the rest are not run, exit 130 (in-process)', async () => {
    const file = join(dir, 'waits.yaml')
    writeFileSync(
      file,
      'name: Waits\nsteps:\n  - connect: "{{url}}"\n  - send: x\n  - expect: { within: 5s, contains: never }\n  - send: y\n'
    )
    const out: string[] = []
    const err: string[] = []
    const ctrlC = new AbortController()
    const io = {
      stdout: (s: string) => void out.push(s),
      stderr: (s: string) => void err.push(s),
      isTTY: false,
      cwd: dir,
      env: {},
      interrupt: ctrlC.signal
    }
    setTimeout(() => ctrlC.abort(), 150)
    const started = Date.now()
    cpSync(file, join(dir, 'waits-too.yaml'))
    expect(await runCommand([file, 'waits-too.yaml', ...url()], io)).toBe(130)
    // Without the interrupt the expect alone would wait its 5 s; a busy machine may take a while to start the run.
    expect(Date.now() - started).toBeLessThan(4000)
    expect(out.join('')).toMatch(/FAIL Waits[^]*actual: {3}it was interrupted \(Ctrl\+C\)[^]*Interrupted \(Ctrl\+C\): 1 scenario not run\./)
    expect(err.join('')).toBe('sockscope run: interrupted.\n')
  })
  it('1 when one fails, saying which step, where, what was expected and what came', async () => {
    const r = await run([fx('echo.yaml'), fx('wrong-reply.yaml'), ...url()])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('FAIL Wrong reply')
    expect(r.stdout).toMatch(/step 4: expect on main: = "goodbye" {2}.*wrong-reply\.yaml:7/)
    expect(r.stdout).toContain('expected: the next message on main to be a message equal to "goodbye" (within 1 s)')
    expect(r.stdout).toContain('actual:   ↓ hello, but it is not exactly "goodbye"')
    expect(r.stdout).toMatch(/last messages on main:\n\s+↑ hello\n\s+↓ hello/)
    expect(r.stdout).toMatch(/1 failed, 1 passed \(2 scenarios, /)
  })
})

// Concurrent: child processes that each start, refuse and exit (none of them connects, so the count stays still).
describe.concurrent('bad input: exit 2, with the file, the line and what is wrong, and nothing run', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown flag', [fx('echo.yaml'), '--colour'], /--colour is not an option of sockscope run/],
    ['a missing file', ['nope.yaml'], /sockscope run: nope\.yaml: no such file or folder/],
    ['no file at all', [], /name at least one scenario file or folder/],
    [
      'a schema error',
      [fx('invalid-step.yaml')],
      /invalid-step\.yaml:4:5: step 2 is "sned", which is not a kind of step \(did you mean "send"\?\)/
    ],
    ['an unknown reporter', [fx('echo.yaml'), '--reporter', 'xml'], /--reporter takes one of pretty, junit, json, tap \(got "xml"\)/],
    ['a bad timeout', [fx('echo.yaml'), '--timeout', 'soon'], /--timeout takes milliseconds/],
    // (the file exists: Node itself exits 9 on a missing --env-file target even after the script; see below)
    [
      'both --env and --env-file',
      [fx('echo.yaml'), '--env', 'a', '--env-file', fx('echo.yaml')],
      /use --env NAME or --env-file FILE, not both/
    ],
    ['an undefined variable', [fx('echo.yaml')], /echo\.yaml:5:\d+: step 1 \(connect\) uses \{\{url\}\}, which is defined nowhere/]
  ]
  it.each(cases)('%s', async (_what, args, words) => {
    const before = connections
    const r = await run(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(words)
    expect(r.stdout).toBe('')
    expect(connections).toBe(before)
  })
  it('a missing --env-file, said by the command (in-process: Node exits 9 on it before a script runs, nodejs/node#54232)', async () => {
    const err: string[] = []
    const io = {
      stdout: () => undefined,
      stderr: (s: string) => void err.push(s),
      isTTY: false,
      cwd: dir,
      env: { SOCKSCOPE_DATA_DIR: dataDir }
    }
    expect(await runCommand([fx('echo.yaml'), '--env-file', 'missing.env'], io)).toBe(2)
    expect(err.join('')).toMatch(/^sockscope run: --env-file: cannot read .*missing\.env \(ENOENT\)\./)
  })
  it('a YAML error', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'name: Broken\nsteps:\n  - connect: "{{url}}"\n  - send: { text: hello\n  - expect: hello\n')
    const r = await run(['broken.yaml', ...url()], dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^sockscope run: broken\.yaml:5:3: the YAML cannot be read: .*Check the indentation/)
  })
  it('one bad file among good ones runs none of them', async () => {
    const before = connections
    const r = await run([fx('echo.yaml'), fx('invalid-step.yaml'), ...url()])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/1 of 2 scenario files cannot be run; nothing was run\./)
    expect(connections).toBe(before)
  })
})

/** Attributes of an element as a record. */
const attrs = (el: Element): Record<string, string> => Object.fromEntries(Array.from(el.attributes, (a) => [a.name, a.value]))

describe('JUnit XML', () => {
  it('has the shape CI systems read: elements, required attributes, counts that add up', async () => {
    writeFileSync(join(dir, 'vars.env'), `# the server of this test\nurl=${server.url}\n`)
    const out = join(dir, 'results', 'junit.xml')
    const r = await run([fx('echo.yaml'), fx('wrong-reply.yaml'), '--env-file', join(dir, 'vars.env'), '--reporter', 'junit', '--out', out])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('FAIL Wrong reply') // the progress still shows while the report goes to the file
    const text = readFileSync(out, 'utf8')
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true)
    const window = new Window()
    try {
      const doc = new window.DOMParser().parseFromString(text, 'application/xml')
      expect(doc.getElementsByTagName('parsererror')).toHaveLength(0)
      const root = doc.documentElement as unknown as Element
      expect(root.tagName).toBe('testsuites')
      const suites = Array.from(root.children)
      expect(suites.map((s) => s.tagName)).toEqual(['testsuite', 'testsuite'])
      const number = (v: string | undefined): number => (v !== undefined && /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN)
      let tests = 0
      let failures = 0
      let skipped = 0
      for (const suite of suites) {
        const a = attrs(suite)
        for (const required of ['name', 'tests', 'failures', 'errors', 'skipped', 'time', 'timestamp']) expect(a).toHaveProperty(required)
        expect(a.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/)
        const cases = Array.from(suite.children)
        expect(new Set(cases.map((c) => c.tagName))).toEqual(new Set(['testcase']))
        for (const c of cases) {
          const ca = attrs(c)
          expect(ca.name).toBeTruthy()
          expect(ca.classname).toBeTruthy()
          expect(number(ca.time)).toBeGreaterThanOrEqual(0)
          for (const child of Array.from(c.children)) expect(['failure', 'skipped']).toContain(child.tagName)
        }
        const f = cases.filter((c) => c.getElementsByTagName('failure').length).length
        const s = cases.filter((c) => c.getElementsByTagName('skipped').length).length
        expect([number(a.tests), number(a.failures), number(a.skipped), number(a.errors)]).toEqual([cases.length, f, s, 0])
        tests += cases.length
        failures += f
        skipped += s
      }
      const ra = attrs(root)
      expect([number(ra.tests), number(ra.failures), number(ra.skipped), number(ra.errors)]).toEqual([tests, failures, skipped, 0])
      expect(number(ra.time)).toBeGreaterThan(0)
      const failure = doc.getElementsByTagName('failure')[0]
      expect(attrs(failure as unknown as Element)).toMatchObject({ type: 'expect' })
      expect(failure.getAttribute('message')).toBe(
        'expected the next message on main to be a message equal to "goodbye" (within 1 s); got ↓ hello, but it is not exactly "goodbye"'
      )
      expect(failure.textContent).toMatch(
        /wrong-reply\.yaml:7\n\s+expected: .*\n\s+actual: .*\n\s+where they part, column 1:\n\s+expected: "goodbye"\n\s+received: "hello"\n\s+last messages on main:/
      )
      const failedCase = failure.parentNode as unknown as Element
      expect(attrs(failedCase)).toMatchObject({ name: '4 expect on main: = "goodbye"', line: '7' })
      expect(attrs(suites[1])).toMatchObject({ name: 'Wrong reply', tests: '6', failures: '1', skipped: '2' })
    } finally {
      await window.happyDOM.close()
    }
  })
})

describe('TAP and JSON', () => {
  it('TAP version 14: a plan, a subtest per scenario, a YAML block under the failed step', async () => {
    const r = await run([fx('wrong-reply.yaml'), ...url(), '--reporter', 'tap'])
    expect(r.code).toBe(1)
    const lines = r.stdout.split('\n')
    expect(lines.slice(0, 4)).toEqual(['TAP version 14', '1..1', '# Subtest: Wrong reply', '    1..6'])
    expect(r.stdout).toMatch(/ {4}not ok 4 - 4 expect on main: = "goodbye"\n {6}---\n {6}expected: "the next message on main/)
    expect(r.stdout).toContain('    ok 5 - 5 send on main: never sent # SKIP an earlier step failed')
    expect(lines.at(-2)).toBe('not ok 1 - Wrong reply')
    expect(r.stderr).toBe('1 of 1 scenarios failed.\n')
  })
  it('JSON: the run result as it is', async () => {
    const r = await run([fx('echo.yaml'), ...url(), '--reporter', 'json'])
    expect(r.code).toBe(0)
    const result = JSON.parse(r.stdout) as RunResult
    expect(result).toMatchObject({ passed: 1, failed: 0, scenarios: [{ name: 'Echo round trips', status: 'passed' }] })
  })
})

describe('variables, profiles and folders', () => {
  it('--env NAME reads a saved environment; profile: NAME a saved profile; secrets it cannot read are said', async () => {
    const store = new ProfileStore(dataDir, NO_ENCRYPTION, 'browser')
    store.load()
    store.saveEnvironment({
      id: 'env-1',
      name: 'Local',
      variables: [
        { name: 'url', value: server.url },
        { name: 'token', value: 's3cret', secret: true }
      ]
    })
    store.saveProfile({
      id: 'p-1',
      name: 'Echo server',
      folder: '',
      options: { url: '{{url}}/echo' },
      savedMessages: [],
      updatedAt: new Date().toISOString()
    })
    await store.flush()
    const file = join(dir, 'profile.yaml')
    writeFileSync(file, 'name: Through a profile\nsteps:\n  - connect: { profile: echo server }\n  - send: hi\n  - expect: hi\n')
    const r = await run([file, '--env', 'local'])
    expect(r.stdout).toContain('PASS Through a profile')
    expect(r.code).toBe(0)
    expect(r.stderr).toContain(`the environment "Local" keeps token in the desktop app's keychain, which the command line cannot read`)
    const missing = await run([file, '--env', 'Staging'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--env: no environment is named "Staging"\. Saved environments: "Local"\./)
  })
  it('a folder runs in name order, and --bail stops at the first failure', async () => {
    const folder = join(dir, 'suite')
    mkdirSync(folder)
    cpSync(fx('wrong-reply.yaml'), join(folder, 'a-wrong.yaml'))
    cpSync(fx('echo.yaml'), join(folder, 'b-echo.yml'))
    const all = await run(['suite', ...url()], dir)
    expect(all.code).toBe(1)
    expect(all.stdout.match(/^(PASS|FAIL) .*$/gm)).toEqual([
      expect.stringMatching(/^FAIL Wrong reply \(suite\/a-wrong\.yaml/),
      expect.stringMatching(/^PASS Echo round trips \(suite\/b-echo\.yml/)
    ])
    const bail = await run(['suite', ...url(), '--bail'], dir)
    expect(bail.code).toBe(1)
    expect(bail.stdout).not.toContain('Echo round trips')
    expect(bail.stdout).toContain('Stopped at the first failure (--bail): 1 scenario not run.')
  })
})
