/**
 * `sockscope listen URL`: connects and prints everything that arrives until Ctrl+C (then closes with 1000) or until
 * the server closes. A profile's automatic reconnect is kept: listening survives a dropped link as the app does.
 */
import { UsageError, intFlag, parseFlags, type FlagSpecs } from './args'
import { CONNECTION_FLAGS, CONNECTION_HELP, connectTarget } from './connectOptions'
import { CliSession, type CliIo } from './session'

const LISTEN_FLAGS = {
  ...CONNECTION_FLAGS,
  ndjson: { type: 'boolean' },
  count: { type: 'string', value: 'N' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies FlagSpecs

export const LISTEN_HELP = `Usage: sockscope listen URL [options]
       sockscope listen --profile NAME [URL] [options]

Connects and prints every message that arrives, one per line, until Ctrl+C (which closes with 1000, normal
closure) or until the server closes. Notes (connected, closed, reconnecting) and errors go to stderr.

  --ndjson                print every event (handshake, messages, pings, close…) as one JSON object per line,
                          in the shape of a Sockscope NDJSON recording (sockscope mock can serve it back)
  --count N               close after N messages have arrived
${CONNECTION_HELP}

Text messages print as they are, binary ones as "[binary, N bytes] <hex>".
Exit status: 0 when it worked (closed by you, or by the server with 1000 or 1001), 1 when the connection failed or
closed abnormally, 2 on bad input.

Example:
  sockscope listen wss://stream.example/ticks --ndjson > ticks.ndjson`

export async function listenCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags('listen', args, LISTEN_FLAGS)
  if (values.help) {
    io.stdout(`${LISTEN_HELP}\n`)
    return 0
  }
  if (positionals.length > 1) {
    throw new UsageError(`takes one URL (got ${positionals.length} arguments). To send messages, use sockscope send URL MESSAGE….`)
  }
  const count = intFlag('--count', values.count, 0, 1, 1_000_000_000, 'the number of messages to wait for')
  const target = connectTarget(positionals[0], values, io)
  const session = new CliSession(
    io,
    { command: 'listen', ndjson: !!values.ndjson, notes: true, ...(count ? { count } : {}) },
    target.options
  )
  io.interrupt?.addEventListener('abort', () => session.close(), { once: true })
  if (io.isTTY) io.stderr('Listening; press Ctrl+C to stop.\n')
  session.start()
  return session.done()
}
