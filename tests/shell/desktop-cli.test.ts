/**
 * Issue 18: the installed app as the `sockscope` command. No Electron binary here, so the built main bundle runs as a
 * child Node process with a stand-in `electron` that records every use of it: started with `--cli` it must run the
 * command (real sockets on 127.0.0.1, real files in a temp folder), write to stdout and stderr, exit with the
 * command's status, and touch nothing of the app (no window, no lock, nothing in the data folder). Then the POSIX
 * wrapper (build/cli/sockscope) in an installed layout with a stand-in app binary, and electron-builder.yml shipping it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { spawn } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { writeElectronStandIn } from './electronStandIn'
import { cliArguments } from '../../src/main/desktop/cliMode'

vi.mock('electron', async () => (await import('./electronMock')).electronModule())

const ROOT = resolve(__dirname, '..', '..')
const BUNDLE = join(ROOT, 'out', 'main', 'index.js')
const WRAPPER = join(ROOT, 'build', 'cli', 'sockscope')

let work: string
let dataDir: string
let scratchParent: string
/** `node --import register.mjs out/main/index.js`: the bundle as `electron out/main/index.js` would run it. */
let nodeArgs: string[]
let server: RunningWs

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: build it first with npx electron-vite build`)
  work = mkdtempSync(join(tmpdir(), 'sockscope desktop-cli '))
  dataDir = join(work, 'data')
  scratchParent = join(work, 'tmp')
  mkdirSync(dataDir)
  mkdirSync(scratchParent)
  nodeArgs = [...writeElectronStandIn(work), BUNDLE]
  server = await startWsServer() // echoes every message
  writeFileSync(
    join(work, 'passes.yaml'),
    `name: Echo\nsteps:\n  - connect: '{{url}}'\n  - send: hello\n  - expect: hello\n  - close: 1000\n`
  )
  writeFileSync(
    join(work, 'fails.yaml'),
    `name: Wrong reply\nsteps:\n  - connect: '{{url}}'\n  - send: hello\n  - expect: { equals: goodbye, timeout: 500ms }\n`
  )
})

afterAll(async () => {
  await server?.close()
  if (work) rmSync(work, { recursive: true, force: true })
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
  /** What the app did with `electron`, and the arguments it was started with (after the script). */
  report: { calls: string[]; argv: string[] } | null
}

/** Runs `command args` to its end (killed after 20 s, should one never end). */
function run(command: string, args: string[]): Promise<Run> {
  const reportFile = join(work, `report-${Math.random().toString(36).slice(2)}.json`)
  const child = spawn(command, args, {
    cwd: work,
    env: { ...process.env, SOCKSCOPE_DATA_DIR: dataDir, TMPDIR: scratchParent, NO_COLOR: '1', STAND_IN_REPORT: reportFile },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const out = { stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out.stdout += s))
  child.stderr.setEncoding('utf8').on('data', (s: string) => (out.stderr += s))
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return new Promise((resolveRun) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as Run['report']) : null
      resolveRun({ code, ...out, report })
    })
  )
}

const app = (...args: string[]): Promise<Run> => run(process.execPath, [...nodeArgs, ...args])

/**
 * All a command may do with Electron: a scratch userData/sessionData outside the data folder, no GPU, then exit once
 * with its status. No window, no single-instance lock, no app:// scheme, no `ready`.
 */
function expectOnlyCommandLineUse(r: Run, code: number): void {
  expect(r.report, r.stderr).not.toBeNull()
  const calls = r.report!.calls
  const scratch = calls.find((c) => c.startsWith('app.setPath("userData"'))?.match(/, "(.*)"\)$/)?.[1]
  expect(scratch, calls.join('\n')).toBeDefined()
  expect(dirname(scratch!)).toBe(scratchParent)
  expect(calls).toEqual([
    `app.setPath("userData", "${scratch}")`,
    `app.setPath("sessionData", "${scratch}")`,
    'app.disableHardwareAcceleration()',
    ...(process.platform === 'darwin' ? ['app.setActivationPolicy("prohibited")'] : []),
    `app.exit(${code})`
  ])
  expect(existsSync(scratch!), 'the scratch folder is removed at exit').toBe(false)
  expect(readdirSync(dataDir), 'nothing was written to the data folder').toEqual([])
}

describe('the app started with --cli (built main bundle, Electron stand-in)', () => {
  it('send: prints the replies, exits 0, and does nothing of the app', async () => {
    const r = await app('--cli', '--', 'send', `${server.url}/`, 'hello', 'two words')
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('hello\ntwo words\n')
    expect(r.code).toBe(0)
    expectOnlyCommandLineUse(r, 0)
  })

  it('run: 0 for a passing scenario, 1 for a failing one, with what failed', async () => {
    const passed = await app('--cli', '--', 'run', 'passes.yaml', '--var', `url=${server.url}`)
    expect(passed.stdout).toMatch(/Echo/)
    expect(passed.code, passed.stderr).toBe(0)
    expectOnlyCommandLineUse(passed, 0)
    const failed = await app('--cli', '--', 'run', 'fails.yaml', '--var', `url=${server.url}`)
    expect(failed.stdout).toMatch(/goodbye/)
    expect(failed.code, failed.stderr).toBe(1)
    expectOnlyCommandLineUse(failed, 1)
  })

  it('bad input: 2, with the reason on stderr and nothing on stdout', async () => {
    const missing = await app('--cli', '--', 'run', 'nowhere.yaml')
    expect(missing.stderr).toMatch(/^sockscope run: .*nowhere\.yaml/)
    expect(missing.stdout).toBe('')
    expect(missing.code).toBe(2)
    expectOnlyCommandLineUse(missing, 2)
    const unknown = await app('--cli', 'frobnicate') // no `--`: still the command's arguments
    expect(unknown.stderr).toMatch(/"frobnicate" is not a command/)
    expect(unknown.code).toBe(2)
    expectOnlyCommandLineUse(unknown, 2)
  })
})

describe('which starts are the command line (cliArguments)', () => {
  it('the flag first (Chromium switches may precede it), and a `--` after it is not the command’s', () => {
    expect(cliArguments(['/opt/Sockscope/sockscope', '--cli', '--', 'send', 'ws://h/', 'x'])).toEqual(['send', 'ws://h/', 'x'])
    expect(cliArguments(['/opt/Sockscope/sockscope', '--cli', 'run', 'a.yaml', '--', 'b'])).toEqual(['run', 'a.yaml', '--', 'b'])
    expect(cliArguments(['sockscope', '--ozone-platform=headless', '--disable-gpu', '--cli', '--', '--help'])).toEqual(['--help'])
    expect(cliArguments(['sockscope', '--no-sandbox', '--cli'])).toEqual([])
    // `electron .` in development: argv[1] is the app's path.
    expect(cliArguments(['electron', '.', '--cli', '--', 'send'], true)).toEqual(['send'])
  })

  it('anything else is the app: no arguments, a file or URL to open, macOS’s -psn_, the flag after an argument', () => {
    expect(cliArguments(['/opt/Sockscope/sockscope'])).toBeNull()
    expect(cliArguments(['/opt/Sockscope/sockscope', '/home/me/session.sockrec'])).toBeNull()
    expect(cliArguments(['Sockscope', '-psn_0_1234'])).toBeNull()
    expect(cliArguments(['sockscope', 'run', '--cli'])).toBeNull()
    expect(cliArguments(['sockscope', '--', '--cli'])).toBeNull()
    expect(cliArguments(['electron', '.'], true)).toBeNull()
  })
})

/** A stand-in for the installed app's executable: a script that runs the built bundle as above. */
function placeApp(path: string): void {
  mkdirSync(dirname(path), { recursive: true })
  const quote = (s: string): string => `'${s}'`
  writeFileSync(path, `#!/bin/sh\nexec ${[process.execPath, ...nodeArgs].map(quote).join(' ')} "$@"\n`)
  chmodSync(path, 0o755)
}

/** Puts the wrapper where electron-builder puts it (resources/cli/sockscope); returns its path. */
function placeWrapper(resources: string): string {
  const path = join(resources, 'cli', 'sockscope')
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, readFileSync(WRAPPER))
  chmodSync(path, 0o755)
  return path
}

describe.skipIf(process.platform === 'win32')('the POSIX wrapper (build/cli/sockscope) with a stand-in app', () => {
  it('deb layout, through a link as /usr/bin/sockscope: finds the app, passes arguments and exit statuses through', async () => {
    const appDir = join(work, 'opt', 'Sockscope')
    placeApp(join(appDir, 'sockscope'))
    const wrapper = placeWrapper(join(appDir, 'resources'))
    const link = join(work, 'usr bin', 'sockscope')
    mkdirSync(dirname(link), { recursive: true })
    symlinkSync(join('..', 'opt', 'Sockscope', 'resources', 'cli', 'sockscope'), link) // relative, as a package would
    expect(statSync(link).isFile()).toBe(true)

    const sent = await run(link, ['send', `${server.url}/`, 'hello', 'a "quoted" word', '*'])
    expect(sent.stdout).toBe('hello\na "quoted" word\n*\n')
    expect(sent.code, sent.stderr).toBe(0)
    // Linux: the app gets the headless switches, the flag, `--`, then the arguments exactly as given.
    expect(sent.report!.argv).toEqual([
      '--ozone-platform=headless',
      '--disable-gpu',
      '--cli',
      '--',
      'send',
      `${server.url}/`,
      'hello',
      'a "quoted" word',
      '*'
    ])
    expectOnlyCommandLineUse(sent, 0)

    const failed = await run(wrapper, ['run', 'fails.yaml', '--var', `url=${server.url}`])
    expect(failed.code, failed.stderr).toBe(1)
    const bad = await run(link, ['run', 'nowhere.yaml'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/nowhere\.yaml/)
    // Node reads a missing --env-file itself, even after the script, and exits 9 (nodejs/node#54232), but not after a
    // `--`: the one the wrapper puts first keeps it the command's (under Electron, Node never sees these arguments).
    const envFile = await run(link, ['run', 'passes.yaml', '--env-file', 'missing.env'])
    expect(envFile.stderr).toMatch(/^sockscope run: --env-file: cannot read .*missing\.env/)
    expect(envFile.code).toBe(2)
  })

  it('macOS layout (Sockscope.app/Contents/Resources/cli → ../../MacOS/Sockscope): no Linux switches', async () => {
    const contents = join(work, 'Applications', 'Sockscope.app', 'Contents')
    placeApp(join(contents, 'MacOS', 'Sockscope'))
    const wrapper = placeWrapper(join(contents, 'Resources'))
    const r = await run(wrapper, ['send', `${server.url}/`, 'mac'])
    expect(r.stdout).toBe('mac\n')
    expect(r.code, r.stderr).toBe(0)
    expect(r.report!.argv).toEqual(['--cli', '--', 'send', `${server.url}/`, 'mac'])
  })

  it('a copy away from the app says where it looked and exits 127', async () => {
    const stray = placeWrapper(join(work, 'stray'))
    const r = await run(stray, ['--help'])
    expect(r.code).toBe(127)
    expect(r.stderr).toMatch(/the Sockscope app is not where this script expects it/)
    expect(r.report).toBeNull()
  })
})

describe('electron-builder.yml ships the command line', () => {
  const require = createRequire(import.meta.url)
  const config = (): Record<string, Record<string, unknown>> => {
    // js-yaml is what electron-builder reads its configuration with.
    const yaml = require('js-yaml') as { load(text: string): unknown }
    return yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, Record<string, unknown>>
  }

  it('as resources/cli/ on each platform, the names the wrappers run, runAsNode still off', async () => {
    const c = config()
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(c: unknown, log: { add(): void }): Promise<void>
    }
    await validateConfiguration(c, { add: () => undefined })
    expect(c.linux.extraResources).toContainEqual({ from: 'build/cli/sockscope', to: 'cli/sockscope' })
    expect(c.mac.extraResources).toContainEqual({ from: 'build/cli/sockscope', to: 'cli/sockscope' })
    expect(c.win.extraResources).toContainEqual({ from: 'build/cli/sockscope.cmd', to: 'cli/sockscope.cmd' })
    expect(statSync(WRAPPER).mode & 0o111, 'the wrapper is executable (electron-builder keeps the mode)').not.toBe(0)
    // What the wrappers look for, from resources/cli/: the Linux executable, the macOS bundle's, the Windows .exe.
    const productName = c.productName as unknown as string
    const sh = readFileSync(WRAPPER, 'utf8')
    expect(sh).toContain(`"$here/../../${c.linux.executableName}"`)
    expect(sh).toContain(`"$here/../../MacOS/${productName}"`)
    expect(readFileSync(join(ROOT, 'build', 'cli', 'sockscope.cmd'), 'utf8')).toContain(`%~dp0..\\..\\${productName}.exe`)
    expect(c.electronFuses.runAsNode).toBe(false)
  })
})
