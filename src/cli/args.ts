/**
 * Flag parsing shared by the `sockscope` subcommands: Node's own `util.parseArgs`, with every refusal turned into a
 * sentence that names the flag and says what it takes. A UsageError means bad input: the command exits 2.
 */
import { parseArgs } from 'node:util'

/** Bad input on the command line; the message is shown as it is, after the command's name. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export interface FlagSpec {
  type: 'string' | 'boolean'
  multiple?: boolean
  short?: string
  /** What the value is, for messages and help (`MS`, `K:V`, `FILE`). */
  value?: string
}

export type FlagSpecs = Record<string, FlagSpec>

export type FlagValues<S extends FlagSpecs> = {
  [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : S[K]['multiple'] extends true ? string[] : string
}

export interface ParsedFlags<S extends FlagSpecs> {
  values: FlagValues<S>
  positionals: string[]
}

/** `--header K:V, --wait MS, --ndjson` for a message that lists what a command knows. */
export function describeFlags(specs: FlagSpecs): string {
  return Object.entries(specs)
    .map(([name, s]) => `--${name}${s.type === 'string' ? ` ${s.value ?? 'VALUE'}` : ''}`)
    .join(', ')
}

/** Parses `argv` for `command` (`send`, `mock`…); throws a UsageError in the user's words. */
export function parseFlags<S extends FlagSpecs>(command: string, argv: string[], specs: S): ParsedFlags<S> {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [
      name,
      { type: s.type, ...(s.multiple ? { multiple: true } : {}), ...(s.short ? { short: s.short } : {}) }
    ])
  )
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true })
    return { values: values as FlagValues<S>, positionals }
  } catch (e) {
    throw new UsageError(flagProblem(command, e, specs))
  }
}

/** What util.parseArgs refused, in words: its own messages name the option but read like a stack trace. */
function flagProblem(command: string, e: unknown, specs: FlagSpecs): string {
  const code = (e as { code?: string }).code
  const message = e instanceof Error ? e.message : String(e)
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? ''
  const flag = quoted.split(' ')[0]
  const spec = specs[flag.replace(/^-+/, '')]
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && spec?.type === 'string') {
    return `${flag} needs a value (${spec.value ?? 'VALUE'}), e.g. ${flag} ${example(spec.value)}.`
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && spec?.type === 'boolean') {
    return `${flag} is a switch and takes no value; write ${flag} alone.`
  }
  const known = `Options of sockscope ${command}: ${describeFlags(specs)}.`
  if (/^-\d/.test(flag)) return `${flag} is not an option. To send a message that starts with "-", put -- before it. ${known}`
  return `${flag || 'that option'} is not an option of sockscope ${command}. ${known}`
}

function example(value: string | undefined): string {
  switch (value) {
    case 'MS':
      return '2000'
    case 'N':
      return '8080'
    case 'K:V':
      return '"Authorization: Bearer abc"'
    case 'FILE':
      return 'ca.pem'
    case 'DIR':
      return './data'
    default:
      return value ?? 'VALUE'
  }
}

/** A whole number flag within [min, max]; `what` says what it counts. */
export function intFlag(flag: string, raw: string | undefined, fallback: number, min: number, max: number, what: string): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} takes ${what}: a whole number from ${min} to ${max} (got ${JSON.stringify(raw)}).`)
  }
  return n
}

/** One of a fixed set of words. */
export function choiceFlag<T extends string>(flag: string, raw: string | undefined, fallback: T, choices: readonly T[]): T {
  if (raw === undefined) return fallback
  if ((choices as readonly string[]).includes(raw)) return raw as T
  throw new UsageError(`${flag} takes one of ${choices.join(', ')} (got ${JSON.stringify(raw)}).`)
}

/** Help asked for anywhere in the arguments (before a `--`). */
export function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h')
}
