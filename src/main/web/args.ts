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

export function parseWebArgs(argv: string[]): WebArgs {
  const out: WebArgs = { port: 0, host: '127.0.0.1', open: true, allowRemote: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined) throw new ArgsError(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--port': {
        const p = Number(value())
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new ArgsError('--port takes a number from 0 to 65535 (0 = any free port)')
        out.port = p
        break
      }
      case '--host':
        out.host = value()
        break
      case '--no-open':
        out.open = false
        break
      case '--data-dir':
        out.dataDir = value()
        break
      case '--allow-remote':
        out.allowRemote = true
        break
      case '--help':
      case '-h':
        out.help = true
        break
      default:
        throw new ArgsError(`unknown option ${a}; known: --port N, --host ADDR, --no-open, --data-dir DIR, --allow-remote, --help`)
    }
  }
  return out
}
