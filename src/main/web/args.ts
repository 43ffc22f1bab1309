/** Command-line flags of `npm run web`. */
export interface WebArgs {
  port: number
  host: string
  open: boolean
  dataDir?: string
  allowRemote: boolean
}

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
      default:
        throw new ArgsError(`unknown option ${a}; known: --port N, --host ADDR, --no-open, --data-dir DIR, --allow-remote`)
    }
  }
  return out
}
