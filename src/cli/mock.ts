/**
 * `sockscope mock RECORDING`: serves the server side of a recording as a WebSocket server (src/scenario/mock.ts)
 * until Ctrl+C. stdout: the URL alone on the first line (so a script can read it), then one line per thing a client
 * did and what the mock did about it. stderr: errors only.
 */
import { resolve } from 'node:path'
import { ScenarioInputError } from '../scenario/types'
import { startMock, type MockLogEntry } from '../scenario/mock'
import { UsageError, choiceFlag, intFlag, parseFlags, type FlagSpecs } from './args'
import type { CliIo } from './session'
import { MOCK_LOG_MARK } from '../shared/api'

const MOCK_FLAGS = {
  port: { type: 'string', value: 'N' },
  host: { type: 'string', value: 'ADDR' },
  timing: { type: 'string', value: 'original|fast' },
  match: { type: 'string', value: 'order|content' },
  entry: { type: 'string', value: 'N' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies FlagSpecs

export const MOCK_HELP = `Usage: sockscope mock RECORDING [options]

Serves the server side of RECORDING (a Sockscope NDJSON recording or export, a .sockrec recording, or a HAR
with the browser's WebSocket messages) as a WebSocket server, to every client that connects, until Ctrl+C.
On connect it sends what the server sent before the first client message; after each client message that matches
the recorded one it sends what the server sent next, and closes where the server closed.

  --port N                port to listen on (default 0: any free port)
  --host ADDR             address to listen on (default 127.0.0.1, this machine only)
  --timing original|fast  keep the recorded gaps between messages (default), or send at once
  --match order|content   order (default): the client's n-th message stands for the recorded n-th, and is
                          answered even when it differs (the log says how). content: each message is answered
                          with the first unused recorded message it equals, in any order; others get nothing.
                          Either way ids, UUIDs, timestamps and other volatile values do not count, and the
                          client's own ids are put into the replies in place of the recorded ones.
  --entry N               which WebSocket entry of a HAR to serve (default 1)

Prints the URL first (alone on a line), then what each client did: + connected, ✓ matched, ~ differs from the
recording, ✗ unmatched (nothing sent), → sent, - disconnected.

Example:
  sockscope mock session.ndjson --port 8080 --timing fast`

export async function mockCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags('mock', args, MOCK_FLAGS)
  if (values.help) {
    io.stdout(`${MOCK_HELP}\n`)
    return 0
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length
        ? `takes one RECORDING (got ${positionals.length}: ${positionals.join(' ')}).`
        : 'Give the RECORDING to serve (an .ndjson, .sockrec or .har file).'
    )
  }
  const port = intFlag('--port', values.port, 0, 0, 65535, 'the port to listen on (0 = any free port)')
  const host = values.host ?? '127.0.0.1'
  if (!host.trim()) throw new UsageError('--host needs an address, such as 127.0.0.1 or 0.0.0.0.')
  const timing = choiceFlag('--timing', values.timing, 'original', ['original', 'fast'] as const)
  const match = choiceFlag('--match', values.match, 'order', ['order', 'content'] as const)
  const entry = values.entry === undefined ? undefined : intFlag('--entry', values.entry, 1, 1, 100_000, 'a HAR entry number')
  const counts = { matched: 0, differs: 0, unmatched: 0 }
  const onLog = (e: MockLogEntry): void => {
    if (e.kind in counts) counts[e.kind as keyof typeof counts]++
    io.stdout(`#${e.client} ${MOCK_LOG_MARK[e.kind]} ${e.text}\n`)
  }
  let mock
  try {
    mock = await startMock(resolve(io.cwd, positionals[0]), { port, host, timing, match, entry, onLog })
  } catch (e) {
    if (e instanceof ScenarioInputError) throw new UsageError(e.message)
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE')
      throw new UsageError(`port ${port} on ${host} is in use. Choose another with --port, or --port 0 for any free port.`)
    if (code === 'EACCES') throw new UsageError(`not allowed to listen on port ${port}. Choose a port from 1024 up, or --port 0.`)
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`--host ${host} is not an address of this machine.`)
    throw e
  }
  io.stdout(`${mock.url}\n`)
  const turns = mock.script.turns
  const replies = turns.reduce((n, t) => n + t.actions.filter((a) => a.type === 'send').length, 0)
  io.stdout(
    `Serving ${positionals[0]}: ${turns.length - 1} client message(s) to match, ${replies} server message(s) to send; timing ${timing}, match ${match}.${io.isTTY ? ' Ctrl+C to stop.' : ''}\n`
  )
  for (const note of mock.script.notes) io.stdout(`Note: ${note}\n`)
  await new Promise<void>((resolve) => {
    if (io.interrupt?.aborted) resolve()
    io.interrupt?.addEventListener('abort', () => resolve(), { once: true })
  })
  await mock.close()
  io.stdout(`Stopped: ${counts.matched} matched, ${counts.differs} differed, ${counts.unmatched} unmatched.\n`)
  return 0
}
