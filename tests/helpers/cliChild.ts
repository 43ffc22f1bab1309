/** The built `sockscope` command (out/main/cli.js, from `npx electron-vite build`) as a child process. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { main } from '../../src/cli/index'

export const CLI_JS = resolve('out/main/cli.js')

/** Children still running: a test that failed halfway must not leave a mock serving after the run. */
const running = new Set<ChildProcessWithoutNullStreams>()

/** Kills what a failed test left running; for afterAll. */
export function killStrayCli(): void {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
}

export function requireBuiltCli(): void {
  if (!existsSync(CLI_JS)) throw new Error(`${CLI_JS} is missing: build it first with npx electron-vite build`)
}

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliChild {
  child: ChildProcessWithoutNullStreams
  stdout: () => string
  stderr: () => string
  /** Resolves once stdout (or stderr) holds text matching `re`. */
  waitFor(re: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<RegExpMatchArray>
  exited: Promise<CliResult>
}

/** Starts `node out/main/cli.js ...args`; the data folder is `dataDir` so the user's own is never read. */
export function startCli(args: string[], opts: { dataDir: string; cwd?: string; input?: string }): CliChild {
  const child = spawn(process.execPath, [CLI_JS, ...args], {
    cwd: opts.cwd ?? process.cwd(),
    env: { ...process.env, SOCKSCOPE_DATA_DIR: opts.dataDir, NO_COLOR: '1' },
    stdio: 'pipe'
  })
  running.add(child)
  child.on('exit', () => running.delete(child))
  const out = { stdout: '', stderr: '' }
  const waiters: Array<() => void> = []
  for (const name of ['stdout', 'stderr'] as const) {
    child[name].setEncoding('utf8')
    child[name].on('data', (s: string) => {
      out[name] += s
      for (const w of [...waiters]) w()
    })
  }
  if (opts.input !== undefined) child.stdin.end(opts.input)
  else child.stdin.end()
  const exited = new Promise<CliResult>((r) => child.on('close', (code, signal) => r({ code, signal, ...out })))
  return {
    child,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    waitFor: (re, stream = 'stdout', timeoutMs = 5000) =>
      new Promise((resolveMatch, reject) => {
        const check = (): void => {
          const m = out[stream].match(re)
          if (!m) return
          waiters.splice(waiters.indexOf(check), 1)
          clearTimeout(timer)
          resolveMatch(m)
        }
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1)
          reject(new Error(`no ${re} on ${stream} within ${timeoutMs} ms; stdout: ${out.stdout}\nstderr: ${out.stderr}`))
        }, timeoutMs)
        waiters.push(check)
        check()
      })
  }
}

/** Runs the command to its end. */
export function runCli(args: string[], opts: { dataDir: string; cwd?: string; input?: string }): Promise<CliResult> {
  return startCli(args, opts).exited
}

/**
 * The same command line run in this process, through the entry's own `main` (what the child runs, minus the
 * process): for the many bad-input cases, where a child's start-up would be most of the cost.
 */
export async function runInProcess(args: string[], opts: { dataDir: string; cwd?: string }): Promise<CliResult> {
  const out = { stdout: '', stderr: '' }
  const code = await main(args, {
    stdout: (s) => void (out.stdout += s),
    stderr: (s) => void (out.stderr += s),
    isTTY: false,
    cwd: opts.cwd ?? process.cwd(),
    env: { ...process.env, SOCKSCOPE_DATA_DIR: opts.dataDir }
  })
  return { code, signal: null, ...out }
}
