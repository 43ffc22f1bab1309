import { parseArgs } from 'node:util'

/** Command-line flags of `npm run web`. */
export interface WebArgs {
  port: number
  host: string
  open: boolean
  dataDir?: string
  allowRemote: boolean
  /** Set only when asked for: print WEB_HELP and exit. */
  help?: true
}

export const WEB_HELP = `Usage: npm run web -- [options]

Serves Sockscope to a browser on this machine and prints one line with the address to open (it carries a random
access token; anyone with that address can use the app, so do not share it).

  --port N         port to listen on (0 = any free port; default 0)
  --host ADDR      address to bind (default 127.0.0.1; loopback only unless --allow-remote)
  --allow-remote   allow binding a non-loopback address such as 0.0.0.0. Pages are then served only to requests
                   whose Host header names this machine: the bind address, localhost, this machine's host name
                   (also NAME.local) or one of its interface addresses. Other names, such as a DNS name that points
                   here, are refused (403), because accepting them would allow DNS rebinding.
  --no-open        do not open a browser (by default one opens through a one-time link that never shows the token)
  --data-dir DIR   data folder (default: the desktop app's; or env SOCKSCOPE_DATA_DIR)
  --help           this text`

export class ArgsError extends Error {}

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'no-open': { type: 'boolean' },
  'data-dir': { type: 'string' },
  'allow-remote': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const

/** Node's own parser (`util.parseArgs`), with our checks and messages in the user's words. */
export function parseWebArgs(argv: string[]): WebArgs {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true }>>['values']
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch (e) {
    const code = (e as { code?: string }).code
    const option = /'([^']+)'/.exec((e as Error).message)?.[1] ?? ''
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new ArgsError(`${option.split(' ')[0]} needs a value`)
    throw new ArgsError(
      `unknown option ${option || argv.join(' ')}; known: --port N, --host ADDR, --no-open, --data-dir DIR, --allow-remote, --help`
    )
  }
  const out: WebArgs = { port: 0, host: values.host ?? '127.0.0.1', open: !values['no-open'], allowRemote: !!values['allow-remote'] }
  if (values.port !== undefined) {
    const p = Number(values.port)
    if (values.port === '' || !Number.isInteger(p) || p < 0 || p > 65535)
      throw new ArgsError('--port takes a number from 0 to 65535 (0 = any free port)')
    out.port = p
  }
  if (values['data-dir'] !== undefined) out.dataDir = values['data-dir']
  if (values.help) out.help = true
  return out
}
