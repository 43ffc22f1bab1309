/**
 * What a scenario's expectations match (src/scenario/matchers, properties with fast-check): JSON subsets, contains,
 * equals and regex, path comparisons, every leaf by its path, why a message does not match in words, binary through
 * a codec; and --env-file's two forms.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ANY_VALUE, compileMatch, jsonSubsetMismatch, payloadValue, readPath } from '../../src/scenario/matchers'
import { parseEnvFile } from '../../src/scenario/envFile'

describe('matchers', () => {
  const json = fc.jsonValue({ maxDepth: 3 })
  const text = (data: string) => ({ kind: 'text' as const, data })
  it('a JSON value is a subset of itself', () => {
    fc.assert(fc.property(json, (v) => jsonSubsetMismatch(JSON.parse(JSON.stringify(v)), v) === null))
  })
  it('an object with members left out is still a subset; a member added is not', () => {
    const obj = fc.dictionary(fc.string({ maxLength: 5 }), json, { minKeys: 1, maxKeys: 5 })
    fc.assert(
      fc.property(
        obj,
        fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        fc.string({ minLength: 1, maxLength: 5 }),
        (o, keep, extra) => {
          const part = Object.fromEntries(Object.entries(o).filter((_, i) => keep[i]))
          if (jsonSubsetMismatch(part, o) !== null) return false
          if (Object.hasOwn(o, extra)) return true
          return (
            jsonSubsetMismatch({ ...part, [extra]: 1 }, o) ===
            `$${/^[A-Za-z_$][\w$]*$/.test(extra) ? `.${extra}` : `[${JSON.stringify(extra)}]`} is missing`
          )
        }
      )
    )
  })
  it('a changed leaf is found and named by its path', () => {
    expect(jsonSubsetMismatch({ a: { b: [1, { c: 'x' }] } }, { a: { b: [1, { c: 'y' }] }, z: 1 })).toBe(
      '$.a.b[1].c should be "x", but is "y"'
    )
    expect(jsonSubsetMismatch([1, 2], [1, 2, 3])).toBe('$ should have 2 items, but has 3')
    expect(jsonSubsetMismatch({ id: ANY_VALUE }, { id: 'anything' })).toBeNull()
    expect(jsonSubsetMismatch({ id: ANY_VALUE }, {})).toBe('$.id is missing')
  })
  it('contains, equals and regex agree with the string functions', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (hay, needle) => {
        const contains = compileMatch({ contains: needle }).mismatch(text(hay)) === null
        const equals = compileMatch({ equals: needle }).mismatch(text(hay)) === null
        const escaped = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        const regex = compileMatch({ regex: escaped }).mismatch(text(hay)) === null
        return contains === hay.includes(needle) && equals === (hay === needle) && regex === hay.includes(needle)
      })
    )
  })
  it('a field expression on a value read from the message agrees with the value', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8 }),
        fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.boolean()),
        fc.integer(),
        (key, v, other) => {
          const msg = text(JSON.stringify({ [key]: v }))
          const path = `$[${JSON.stringify(key)}]`
          const same = compileMatch({ match: `${path} == ${JSON.stringify(v)}` }).mismatch(msg) === null
          const differs = compileMatch({ match: `${path} == ${JSON.stringify(other)}` }).mismatch(msg) === null
          return same && differs === (v === other)
        }
      )
    )
  })
  it('reads every leaf of a JSON value by its path', () => {
    const leaves = (v: unknown, at: string): Array<[string, unknown]> =>
      Array.isArray(v)
        ? v.flatMap((x, i) => leaves(x, `${at}[${i}]`))
        : v !== null && typeof v === 'object'
          ? Object.entries(v).flatMap(([k, x]) => leaves(x, `${at}[${JSON.stringify(k)}]`))
          : [[at, v]]
    fc.assert(
      fc.property(json, (v) =>
        leaves(v, '$').every(([path, leaf]) => {
          const r = readPath(v, path)
          return r.found && Object.is(r.value, leaf)
        })
      )
    )
    expect(readPath({ a: [{ id: 7 }] }, '$.a[0].id')).toEqual({ found: true, value: 7 })
    expect(readPath({ a: [] }, '$.a[0]')).toEqual({ found: false })
  })
  it('says why a message does not match, in words', () => {
    expect(compileMatch({ json: { type: 'ack' } }).mismatch(text('not json'))).toBe('it is not JSON')
    expect(compileMatch({ match: '$.n > 2' }).mismatch(text('{"n":1}'))).toBe('$.n > 2 is not true of it')
    expect(compileMatch({ contains: 'x', json: { a: 1 } }).describe).toBe('a message containing "x" and with the JSON {"a":1}')
  })
  it('decodes binary through a codec, or the one it looks like', () => {
    const msgpack = new Uint8Array([0x81, 0xa1, 0x61, 0x01]) // {a: 1}
    expect(payloadValue({ kind: 'binary', data: msgpack }, 'msgpack')).toEqual({ ok: true, value: { a: 1 } })
    expect(payloadValue({ kind: 'binary', data: msgpack })).toEqual({ ok: true, value: { a: 1 } })
  })
})

describe('--env-file', () => {
  it('reads .env lines: comments, export, quotes and escapes', () => {
    const text = '# a comment\nexport token=abc123\nurl = ws://h:1/x # trailing\nq="a \\"b\\"\\nc"\ns=\'raw \\n\'\n\nempty=\n'
    expect(parseEnvFile(text, 'vars.env')).toEqual({ token: 'abc123', url: 'ws://h:1/x', q: 'a "b"\nc', s: 'raw \\n', empty: '' })
  })
  it('reads a JSON object, and refuses what is not one with where', () => {
    expect(parseEnvFile('{"port": 8080, "on": true, "name": "x"}', 'vars.json')).toEqual({ port: '8080', on: 'true', name: 'x' })
    expect(() => parseEnvFile('{"a": {}}', 'vars.json')).toThrow(
      /vars\.json: the variable "a" must be text, a number or true\/false, not an object/
    )
    expect(() => parseEnvFile('{\n "a": }', 'vars.json')).toThrow(/vars\.json(:2:\d+)?: is not valid JSON/)
    expect(() => parseEnvFile('ok=1\nthis is not a variable\n', 'vars.env')).toThrow(/vars\.env:2:1: this line is not NAME=value/)
    expect(() => parseEnvFile('q="open\n', 'vars.env')).toThrow(/vars\.env:1:3: the value opens a double quote it never closes/)
  })
})
