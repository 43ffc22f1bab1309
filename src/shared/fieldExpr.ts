/**
 * Field expressions over a decoded payload: `$.type == "trade"`, `$.price > 100`, `exists($.error)`,
 * `$.book.bids[0][1] >= 2.5 && $.sym != "ETH"`. A path starts at `$`; `.name`, `["any name"]` and `[n]` step into
 * objects, maps and arrays (`.#1` reaches a Protobuf field). Values compare as JSON literals; `=~ /re/` tests a
 * string. `&&` binds tighter than `||`; `!` negates one term. Used by the log's filter and by scenarios.
 */

export type FieldTest = (value: unknown) => boolean

const utf8 = new TextEncoder()

/** The expression, and the member names and strings a payload must contain to possibly match (see mustContain). */
export interface FieldExpr {
  test: FieldTest
  /**
   * For each alternative of the `||`, the strings a payload must hold for that alternative to match: member names
   * and the string literals compared with `==`, raw (as MessagePack stores them) and as JSON writes them.
   */
  needs: Array<Array<{ raw: string; json: string; utf8: Uint8Array }>>
}

export function looksLikeFieldExpr(text: string): boolean {
  return /^\s*(!\s*)?(\$|exists\s*\()/.test(text)
}

type Step = string | number
type Term = { path: Step[]; op: 'exists' } | { path: Step[]; op: Op; literal: unknown } | { path: Step[]; op: '=~'; re: RegExp }
type Op = '==' | '!=' | '>' | '>=' | '<' | '<='

export function compileFieldExpr(source: string): FieldExpr {
  const alternatives = split(source, '||').map((alt) => split(alt, '&&').map((t) => term(t.trim(), source)))
  const tests = alternatives.map((terms) => terms.map(termTest))
  return {
    test: (v) => tests.some((all) => all.every((t) => t(v))),
    needs: alternatives.map((terms) =>
      terms
        .filter((t) => !t.negated)
        .flatMap((t) => [
          ...t.path.filter((s): s is string => typeof s === 'string'),
          ...(t.op === '==' && typeof t.literal === 'string' ? [t.literal] : [])
        ])
        .map((raw) => ({ raw, json: JSON.stringify(raw), utf8: utf8.encode(raw) }))
    )
  }
}

/** Splits on an operator outside strings and regular expressions. */
function split(s: string, op: string): string[] {
  const out: string[] = []
  let from = 0
  let quote: string | null = null
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = null
    } else if (c === '"' || (c === '/' && /=~\s*$/.test(s.slice(0, i)))) quote = c
    else if (s.startsWith(op, i)) {
      out.push(s.slice(from, i))
      from = i + op.length
      i += op.length - 1
    }
  }
  out.push(s.slice(from))
  return out
}

type Parsed = Term & { negated: boolean }

function term(t: string, whole: string): Parsed {
  const fail = (why: string): never => {
    throw new Error(`The field filter "${whole}" ${why}. Write it like $.type == "trade", $.price > 100 or exists($.error).`)
  }
  let negated = false
  if (t.startsWith('!')) {
    negated = true
    t = t.slice(1).trim()
  }
  const ex = /^exists\s*\(\s*(.*?)\s*\)$/.exec(t)
  if (ex) {
    const [steps, end] = path(ex[1], fail)
    if (end !== ex[1].length) fail(`has a path "${ex[1]}" it cannot read at "${ex[1].slice(end)}"`)
    return { path: steps, op: 'exists', negated }
  }
  if (!t) fail('has an empty part')
  const [p, end] = path(t, fail)
  const m = /^\s*(==|!=|>=|<=|>|<|=~)\s*(.+)$/.exec(t.slice(end))
  if (!m) return fail(`has a part it cannot read: "${t}"`)
  if (m[1] === '=~') {
    const rx = /^\/(.+)\/([imsu]*)$/.exec(m[2].trim()) ?? fail(`compares with =~ but "${m[2]}" is not a /regular expression/`)
    try {
      return { path: p, op: '=~', re: new RegExp(rx[1], rx[2]), negated }
    } catch (e) {
      return fail(`has an invalid regular expression: ${(e as Error).message}`)
    }
  }
  const text = m[2].trim()
  let literal: unknown
  try {
    literal = JSON.parse(text)
  } catch {
    fail(`compares with ${text}, which is not a JSON value (strings need "double quotes")`)
  }
  if (literal !== null && typeof literal === 'object') fail('compares with an object or array; compare one field at a time')
  return { path: p, op: m[1] as Op, literal, negated }
}

/** The path at the start of `s`, and where it ends. */
function path(s: string, fail: (why: string) => never): [Step[], number] {
  if (!s.startsWith('$')) fail(`has a path "${s}" that does not start with $`)
  const steps: Step[] = []
  const re = /\.([^.[\]\s=!<>~&|()]+)|\[\s*(\d+)\s*\]|\[\s*("(?:[^"\\]|\\.)*")\s*\]/y
  let end = (re.lastIndex = 1)
  // Sticky: steps follow one another from just after the `$`, and the first miss ends the path.
  for (let m = re.exec(s); m; m = re.exec(s)) {
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]) as string)))
    end = re.lastIndex
  }
  return [steps, end]
}

const MISSING = Symbol('missing')

function at(v: unknown, steps: Step[]): unknown {
  for (const s of steps) {
    if (v instanceof Map) {
      // `.1` is the text "1": a map keyed by numbers has it as 1.
      const k = [s, String(s), Number(s)].find((x) => v instanceof Map && v.has(x))
      v = k === undefined ? MISSING : v.get(k)
    } else if (Array.isArray(v) && typeof s === 'number') v = s < v.length ? v[s] : MISSING
    else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
      // `#3` also names a fixed-width Protobuf field, keyed with its wire type (`#3·i64`, protobufWire.ts).
      const key = [String(s), `${s}·i64`, `${s}·i32`].find(
        (k, i) => (i === 0 || String(s).startsWith('#')) && Object.hasOwn(v as object, k)
      )
      v = key === undefined ? MISSING : (v as Record<string, unknown>)[key]
    } else return MISSING
    if (v === MISSING) return MISSING
  }
  return v
}

function termTest(t: Parsed): FieldTest {
  const base = ((): FieldTest => {
    if (t.op === 'exists') return (v) => at(v, t.path) !== MISSING
    if (t.op === '=~')
      return (v) => {
        const x = at(v, t.path)
        return typeof x === 'string' && t.re.test(x)
      }
    const { op, literal } = t
    return (v) => {
      let x = at(v, t.path)
      if (x === MISSING) return false
      if (typeof x === 'bigint' && typeof literal === 'number') x = Number(x)
      if (op === '==') return x === literal
      if (op === '!=') return x !== literal
      if (typeof x !== typeof literal || (typeof x !== 'number' && typeof x !== 'string')) return false
      const a = x as number | string
      const b = literal as number | string
      return op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b
    }
  })()
  return t.negated ? (v) => !base(v) : base
}

/**
 * Could this JSON text match? A member name can only be absent from a text with no backslash when the text lacks
 * it in quotes (JSON may escape any character, so a text with a backslash is always parsed). Lets the filter skip
 * the parse for most non-matching rows.
 */
export function mustContain(expr: FieldExpr, text: string): boolean {
  if (text.includes('\\')) return true
  return expr.needs.some((names) => names.every((n) => text.includes(n.json)))
}

/**
 * The same pre-test for a payload that starts like a MessagePack map or array (0x80-0x9f, 0xdc-0xdf): MessagePack
 * keeps strings as raw UTF-8 and never splits them, so a name or string it holds is in its bytes. A CBOR array
 * starts the same way and keeps text raw too, except in indefinite-length strings (RFC 8949 §3.2.3), which begin
 * with 0x7f: a payload with that byte is always decoded. Names of Protobuf fields (`#1`) are never in the bytes and
 * are not asked for. Anything else may match: decode it.
 */
export function bytesMayMatch(expr: FieldExpr, b: Uint8Array): boolean {
  const first = b[0]
  if (!((first >= 0x80 && first <= 0x9f) || (first >= 0xdc && first <= 0xdf)) || b.indexOf(0x7f) >= 0) return true
  return expr.needs.some((names) => names.every((n) => n.raw.startsWith('#') || indexOf(b, n.utf8) >= 0))
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  if (!needle.length) return 0
  const first = needle[0]
  outer: for (let i = hay.indexOf(first); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(first, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer
    return i
  }
  return -1
}
