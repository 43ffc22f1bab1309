/**
 * `--env-file`: variables for a scenario run from a file. `.json`: one object of names to text, numbers or
 * booleans. Anything else: `.env` lines, `NAME=value` (an optional leading `export`, `#` comments, values in single
 * quotes taken as they are, in double quotes with \n, \t, \" and \\ escapes, unquoted ones trimmed and ending at
 * ` #`).
 */
import { ScenarioInputError } from './types'

const NAME = /^[A-Za-z0-9_.-]+$/

export function parseEnvFile(text: string, file: string): Record<string, string> {
  if (/\.json$/i.test(file)) return parseJsonEnv(text, file)
  const out: Record<string, string> = {}
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\uFEFF/, '')
    if (/^\s*(#|$)/.test(line)) return
    const m = /^\s*(?:export\s+)?([^=\s]+)\s*=\s*(.*)$/.exec(line)
    const fail = (why: string, column = 1): never => {
      throw new ScenarioInputError(why, file, i + 1, column)
    }
    if (!m)
      fail(`this line is not NAME=value; write each variable on its own line, like token=abc123, or start the line with # for a comment.`)
    const [, name, rest] = m!
    if (!NAME.test(name)) fail(`"${name}" is not a variable name: use letters, digits, _ . and - only.`)
    out[name] = envValue(rest, (why) => fail(why, line.indexOf(rest) + 1))
  })
  return out
}

function envValue(rest: string, fail: (why: string) => never): string {
  if (rest.startsWith("'")) {
    const end = rest.indexOf("'", 1)
    if (end < 0) fail(`the value opens a single quote it never closes; add ' at its end.`)
    return rest.slice(1, end)
  }
  if (rest.startsWith('"')) {
    let value = ''
    for (let i = 1; i < rest.length; i++) {
      const c = rest[i]
      if (c === '"') return value
      if (c === '\\' && i + 1 < rest.length) {
        const next = rest[++i]
        value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next
      } else value += c
    }
    return fail(`the value opens a double quote it never closes; add " at its end.`)
  }
  return rest.replace(/\s+#.*$/, '').trim()
}

function parseJsonEnv(text: string, file: string): Record<string, string> {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    // Some of V8's messages give the position ("… at position 9"); where one does, it becomes a line and column.
    const at = /position (\d+)/.exec((e as Error).message)
    const offset = at ? Number(at[1]) : undefined
    const line = offset === undefined ? undefined : text.slice(0, offset).split('\n').length
    const column = offset === undefined ? undefined : offset - text.lastIndexOf('\n', offset - 1)
    throw new ScenarioInputError(`is not valid JSON: ${(e as Error).message}`, file, line, column)
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new ScenarioInputError('must hold one JSON object of variables, like {"token": "abc123", "port": 8080}.', file)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(doc)) {
    if (!NAME.test(k)) throw new ScenarioInputError(`"${k}" is not a variable name: use letters, digits, _ . and - only.`, file)
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new ScenarioInputError(
        `the variable "${k}" must be text, a number or true/false, not ${v === null ? 'null' : Array.isArray(v) ? 'a list' : 'an object'}.`,
        file
      )
    out[k] = String(v)
  }
  return out
}
