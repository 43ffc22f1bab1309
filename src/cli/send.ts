/**
 * `sockscope send URL [MESSAGE…]`: connects, sends each message (or each line of stdin when no MESSAGE is given and
 * stdin is not a terminal), prints the replies that arrive until --wait ms after the last send, then closes with
 * 1000. Messages go as the connection's preamble, so a protocol's handshake (Socket.IO, STOMP…) comes first.
 */
import type { OutgoingMessage } from '../shared/options'
import { ValidationError, validateOutgoing } from '../shared/schema'
import { resolveText } from '../shared/variables'
import { UsageError, choiceFlag, intFlag, parseFlags, type FlagSpecs } from './args'
import { CONNECTION_FLAGS, CONNECTION_HELP, connectTarget } from './connectOptions'
import { CliSession, type CliIo } from './session'

const SEND_FLAGS = {
  ...CONNECTION_FLAGS,
  wait: { type: 'string', value: 'MS' },
  ndjson: { type: 'boolean' },
  binary: { type: 'string', value: 'hex|base64' },
  raw: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies FlagSpecs

export const SEND_HELP = `Usage: sockscope send URL [MESSAGE…] [options]
       sockscope send --profile NAME [URL] [MESSAGE…] [options]

Connects, sends each MESSAGE as a text message (with no MESSAGE and stdin not a terminal: each line of stdin),
prints the replies that arrive until --wait ms after the last send, then closes with 1000 (normal closure).
With --profile, the first argument is the URL only when it has "://"; otherwise every argument is a message.

  --wait MS               how long to wait for replies after the last send (default 1000)
  --ndjson                print every event (handshake, messages both ways, close…) as one JSON object per
                          line, in the shape of a Sockscope NDJSON recording, instead of the replies as text
  --binary hex|base64     each MESSAGE (or line) is the bytes of a binary message, written in hex or base64
  --raw                   send {{…}} as typed instead of resolving variables
${CONNECTION_HELP}

Replies print one per line: text as it is, binary as "[binary, N bytes] <hex>".
Exit status: 0 when it worked, 1 when the connection failed or closed abnormally, 2 on bad input.

Example:
  sockscope send wss://echo.example/ws '{"op":"ping"}' -H "Authorization: Bearer abc" --wait 500`

/** One message as typed: variables resolved (unless --raw), checked as the app checks a message. */
function outgoing(text: string, where: string, binary: 'hex' | 'base64' | undefined, vars: Map<string, string> | null): OutgoingMessage {
  const missing = new Set<string>()
  const data = vars ? resolveText(text, vars, missing) : text
  if (missing.size) {
    const names = [...missing].map((m) => `{{${m}}}`).join(', ')
    throw new UsageError(
      `${where} uses ${names}, which no variable defines. Give it with --var NAME=VALUE, or pass --raw to send it as typed.`
    )
  }
  const message: OutgoingMessage = binary ? { kind: 'binary', encoding: binary, data: data.replace(/\s+/g, '') } : { kind: 'text', data }
  try {
    return validateOutgoing(message)
  } catch (e) {
    if (e instanceof ValidationError)
      throw new UsageError(`${where} is not ${binary === 'hex' ? 'hex' : 'base64'}: ${e.message.replace(/^[\w.]+: /, '')}.`)
    throw e
  }
}

/** Lines of a stream, split at LF (a CR before it dropped), as they arrive. */
async function* streamLines(input: NodeJS.ReadableStream): AsyncGenerator<string> {
  let rest = ''
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    rest += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
    for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n')) {
      const line = rest.slice(0, end)
      rest = rest.slice(end + 1)
      yield line.endsWith('\r') ? line.slice(0, -1) : line
    }
  }
  if (rest) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest
}

/** Resolves after `ms`, or as soon as `early` settles. */
function waitOrEnd(ms: number, early: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    void early.then(() => (clearTimeout(t), resolve()))
  })
}

export async function sendCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags('send', args, SEND_FLAGS)
  if (values.help) {
    io.stdout(`${SEND_HELP}\n`)
    return 0
  }
  const wait = intFlag('--wait', values.wait, 1000, 0, 3_600_000, 'milliseconds to wait for replies')
  const binary = values.binary === undefined ? undefined : choiceFlag('--binary', values.binary, 'hex', ['hex', 'base64'] as const)
  const urlGiven = positionals.length > 0 && (values.profile === undefined || positionals[0].includes('://'))
  const url = urlGiven ? positionals[0] : undefined
  const texts = positionals.slice(urlGiven ? 1 : 0)
  const target = connectTarget(url, values, io)
  const vars = values.raw ? null : target.variables
  const messages = texts.map((t, i) => outgoing(t, `MESSAGE ${i + 1}`, binary, vars))

  let lines: AsyncGenerator<string> | null = null
  if (!messages.length) {
    if (!io.stdin || io.stdin.isTTY) {
      throw new UsageError(
        'Give a MESSAGE to send, or pipe lines into sockscope send (one message per line). To only receive, use sockscope listen.'
      )
    }
    // The first line goes in the preamble with the connection; the others follow once it went out.
    lines = streamLines(io.stdin)
    const first = await lines.next()
    if (!first.done) messages.push(outgoing(first.value, 'stdin line 1', binary, vars))
  }

  // The command line connects once: a profile's automatic reconnect would send the messages twice.
  const session = new CliSession(
    io,
    { command: 'send', ndjson: !!values.ndjson, notes: false },
    { ...target.options, reconnect: { enabled: false } },
    messages
  )
  io.interrupt?.addEventListener('abort', () => session.close(), { once: true })
  session.start()
  const done = session.done()
  let badLine = false
  if (await session.ready()) {
    for (let n = 2; lines && session.open; n++) {
      const next = await Promise.race([lines.next(), done.then(() => null)])
      if (!next || next.done) break
      try {
        if (!(await session.send(outgoing(next.value, `stdin line ${n}`, binary, vars)))) break
      } catch (e) {
        if (!(e instanceof UsageError)) throw e
        badLine = true
        io.stderr(`sockscope send: ${e.message} It was not sent.\n`)
      }
    }
    await waitOrEnd(wait, done)
    if (session.open) session.close()
  }
  const code = await done
  return code || (badLine ? 2 : 0)
}
