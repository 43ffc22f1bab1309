/**
 * The `sockscope` command (bin/sockscope.mjs runs the built out/main/cli.js): reads the subcommand, prints help,
 * and hands over to `run` (scenarios), `send`, `listen` or `mock`. Electron-free: core, store and the scenario
 * runner only. Exit status: 0 when it worked, 1 when a connection or a scenario failed, 2 on bad input.
 */
import { readFileSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UsageError } from './args'
import { listenCommand, LISTEN_HELP } from './listen'
import { mockCommand, MOCK_HELP } from './mock'
import { runCommand } from './run'
import { sendCommand, SEND_HELP } from './send'
import type { CliIo } from './session'

export const HELP = `Usage: sockscope <command> [arguments] [options]

Commands:
  run FILE_OR_DIR…        run scenario files (YAML) against real servers; JUnit, JSON or TAP for CI
  send URL [MESSAGE…]     connect, send messages, print the replies, close
  listen URL              connect and print everything that arrives until Ctrl+C
  mock RECORDING          serve the server side of a recording (NDJSON, .sockrec or HAR) as a WebSocket server
  help [COMMAND]          this text, or a command's options

Run "sockscope COMMAND --help" for a command's options.
Exit status: 0 when it worked, 1 when a connection or a scenario failed, 2 on bad input.`

const COMMAND_HELP: Record<string, string> = { send: SEND_HELP, listen: LISTEN_HELP, mock: MOCK_HELP }

/** Runs one command line (without `node` and the script); resolves to the exit status. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case undefined:
        io.stderr(`${HELP}\n`)
        return 2
      case 'help':
      case '--help':
      case '-h':
        if (rest[0] === 'run') return await runCommand(['--help'], io)
        if (rest[0] && !COMMAND_HELP[rest[0]]) throw new UsageError(unknownCommand(rest[0]))
        io.stdout(`${rest[0] ? COMMAND_HELP[rest[0]] : HELP}\n`)
        return 0
      case '--version':
      case '-v':
        io.stdout(`sockscope ${version()}\n`)
        return 0
      case 'run':
        return await runCommand(rest, io)
      case 'send':
        return await sendCommand(rest, io)
      case 'listen':
        return await listenCommand(rest, io)
      case 'mock':
        return await mockCommand(rest, io)
      default:
        throw new UsageError(unknownCommand(command))
    }
  } catch (e) {
    const name = command && COMMAND_HELP[command] ? `sockscope ${command}` : 'sockscope'
    if (e instanceof UsageError) {
      const hint = name === 'sockscope' ? 'Run "sockscope --help" for the commands.' : `Run "${name} --help" for its options.`
      io.stderr(`${name}: ${e.message}\n${hint}\n`)
      return 2
    }
    io.stderr(
      `${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\nThis is a bug in Sockscope; please report it with the command you ran.\n`
    )
    return 1
  }
}

/** package.json sits two folders up from both src/cli/index.ts and the built out/main/cli.js. */
function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json'), 'utf8')) as {
      version?: string
    }
    return pkg.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

function unknownCommand(command: string): string {
  return command.startsWith('-')
    ? `${command} comes before any command. Write the command first: sockscope send|listen|mock|run ….`
    : `"${command}" is not a command. Commands: run, send, listen, mock, help.`
}

/** The process around `main`: real streams, Ctrl+C as an abort (twice: leave at once), output flushed before exit. */
export async function runProcess(argv: string[]): Promise<never> {
  const interrupt = new AbortController()
  let interrupts = 0
  const onSignal = (): void => {
    if (interrupts++) process.exit(130)
    interrupt.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // A reader that went away (`| head -1`) is not an error of ours: stop quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1))
  const code = await main(argv, {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    isTTY: !!process.stdout.isTTY,
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    interrupt: interrupt.signal
  })
  // stdin may still be open (send stopped early) and would hold the process: leave once stdout is written.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()))
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()))
  process.exit(code)
}

/** Run directly (`node out/main/cli.js …`); bin/sockscope.mjs imports it and calls runProcess itself. */
function isEntry(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntry()) void runProcess(process.argv.slice(2))
