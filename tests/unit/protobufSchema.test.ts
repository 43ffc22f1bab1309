/**
 * Protobuf with a schema: `.proto` text and protoc's descriptor set import to the same definitions, messages that
 * protoc encoded decode to the values its text format names, any value of the type survives encode → decode
 * (fast-check), a value the schema cannot hold is refused with its field named, and bad input says what is wrong.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import protobuf from 'protobufjs'
import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { compileFieldExpr } from '../../src/shared/fieldExpr'
import {
  chainLabel,
  decodeChain,
  encodeChain,
  importProtoFiles,
  messageTypes,
  parseChain,
  toJsonValue,
  type ProtoSchemaDoc
} from '../../src/shared/codecs'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'codecs')
const hex = (h: string): Uint8Array => new Uint8Array(h.match(/../g)?.map((x) => parseInt(x, 16)) ?? [])
const file = (name: string): { name: string; data: Uint8Array } => ({ name, data: new Uint8Array(readFileSync(join(FIXTURES, name))) })
const vectors = JSON.parse(readFileSync(join(FIXTURES, 'protobuf-typed.json'), 'utf8')).vectors as { hex: string; value: unknown }[]
const TRADE = parseChain('protobuf:trading.Trade')

const fromProto = importProtoFiles([file('trading.proto')])
const fromDescriptor = importProtoFiles([file('trading.desc')])

function decoded(schema: ProtoSchemaDoc, bytes: Uint8Array): unknown {
  const r = decodeChain(bytes, TRADE, undefined, schema)
  if (!r.ok) throw new Error(r.error)
  return r.value
}

describe('importing a schema', () => {
  it('reads .proto text and a protoc descriptor set to the same message types', () => {
    expect(messageTypes(fromProto)).toEqual(['trading.Leg', 'trading.Trade', 'google.protobuf.Timestamp'])
    expect(messageTypes(fromDescriptor)).toEqual(messageTypes(fromProto))
    expect(fromProto.files).toEqual(['trading.proto'])
  })

  it('names a missing import, a parse error and a file that is neither', () => {
    const proto = (name: string, text: string) => ({ name, data: new TextEncoder().encode(text) })
    expect(() => importProtoFiles([proto('a.proto', 'syntax = "proto3"; import "b.proto"; message A { B b = 1; }')])).toThrow(
      'a.proto imports "b.proto", which is not among the chosen files: choose it too.'
    )
    expect(() => importProtoFiles([proto('bad.proto', 'message { x')])).toThrow(/^bad\.proto is not a \.proto file protobufjs can read: /)
    expect(() => importProtoFiles([{ name: 'x.desc', data: hex('0aff') }])).toThrow(/^x\.desc is neither \.proto text nor a descriptor set/)
    expect(() => importProtoFiles([])).toThrow('Choose at least one .proto file or descriptor set.')
  })

  it('resolves imports among the chosen files', () => {
    const enc = new TextEncoder()
    const doc = importProtoFiles([
      { name: 'protos/a.proto', data: enc.encode('syntax = "proto3"; package p; import "b.proto"; message A { B b = 1; }') },
      { name: 'protos/b.proto', data: enc.encode('syntax = "proto3"; package p; message B { string s = 1; }') }
    ])
    const bytes = encodeChain({ b: { s: 'hi' } }, parseChain('protobuf:p.A'), doc) as Uint8Array
    expect(decodeChain(bytes, parseChain('protobuf:p.A'), undefined, doc)).toMatchObject({ ok: true, value: { b: { s: 'hi' } } })
  })
})

describe('decoding with a schema', () => {
  it.each(vectors.map((v, i) => [i, v] as const))('decodes protoc vector %i to the values its text format names', (_, v) => {
    for (const schema of [fromProto, fromDescriptor]) expect(toJsonValue(decoded(schema, hex(v.hex)))).toEqual(v.value)
  })

  it('keeps 64-bit integers exact, bytes as bytes and Timestamps as dates', () => {
    const value = decoded(fromProto, hex(vectors[0].hex)) as Record<string, unknown>
    expect(value.qty).toBe(9007199254740993n)
    expect(value.raw).toEqual(new Uint8Array([1, 2, 255]))
    expect(value.at).toEqual(new Date('2023-11-14T22:13:20.250Z'))
  })

  it('says where bytes stop being the type, and when no schema is imported', () => {
    const r = decodeChain(hex('0a0958'), TRADE, undefined, fromProto)
    expect(r).toMatchObject({ ok: false, step: 'protobuf:trading.Trade' })
    expect(!r.ok && r.error).toBe(
      'not valid Protobuf for trading.Trade at byte 2: a value of 9 bytes runs past the end of the 3-byte payload'
    )
    expect(decodeChain(hex('0a0158'), TRADE)).toMatchObject({ ok: false, error: expect.stringMatching(/^no Protobuf schema is imported/) })
    expect(decodeChain(hex('0a0158'), parseChain('pb:trading.Nope'), undefined, fromProto)).toMatchObject({
      ok: false,
      error: 'the imported Protobuf schema defines no message type trading.Nope'
    })
  })

  it('imports, encodes and decodes with code generation refused, as the page’s CSP refuses it', () => {
    const script = join(import.meta.dirname, '..', 'fixtures', 'protobufNoEval.ts')
    const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', script], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual([
      { symbol: 'X', qty: '9007199254740993' },
      { symbol: 'X', qty: '9007199254740993' }
    ])
  })

  it('without the schema, the wire view says which fields are fixed-width, and the field filter still finds them', () => {
    const r = decodeChain(hex(vectors[0].hex), ['protobuf'])
    if (!r.ok) throw new Error(r.error)
    const v = r.value as Record<string, unknown>
    // price (double) and nothing else in Trade is fixed-width: field 2 is I64, read as its raw unsigned bits.
    expect(Object.keys(v)).toEqual(['#1', '#2·i64', '#3', '#4', '#5', '#6', '#7', '#8', '#9'])
    expect(v['#2·i64']).toBe(new DataView(new Float64Array([64250.5]).buffer).getBigUint64(0, true))
    expect(compileFieldExpr('$.#2 > 0 && $.#1 == "BTC-USD"').test(v)).toBe(true)
  })

  it('labels the chain by the type name', () => {
    expect(chainLabel(parseChain('gzip → protobuf:trading.Trade'))).toBe('gzip→pb:Trade')
    expect(() => parseChain('protobuf:trading..Trade')).toThrow(
      '"trading..Trade" is not a Protobuf message type name: write it as package.Message.'
    )
  })
})

describe('encoding with a schema', () => {
  const leg = fc.record({ id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), delta: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) })
  const trade = fc.record({
    symbol: fc.string(),
    price: fc.double({ noNaN: true }),
    qty: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    side: fc.constantFrom('SIDE_UNSPECIFIED', 'BUY', 'SELL'),
    raw: fc.uint8Array({ maxLength: 40 }),
    tags: fc.dictionary(fc.string(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
    legs: fc.array(leg, { maxLength: 4 }),
    open: fc.boolean()
  })

  it('gives back any Trade it encoded, 64-bit integers and bytes exact (fast-check)', () => {
    fc.assert(
      fc.property(trade, (t) => {
        // The composer holds JSON: 64-bit integers as decimal text, bytes as {"$bytes": base64}.
        const json = toJsonValue({ ...t, qty: t.qty.toString(), legs: t.legs.map((l) => ({ ...l, id: l.id.toString() })) })
        const back = decoded(fromProto, encodeChain(json, TRADE, fromProto) as Uint8Array) as Record<string, unknown>
        expect(toJsonValue(back)).toEqual(toJsonValue({ ...t, at: null }))
      }),
      { numRuns: 300 }
    )
  })

  it('refuses a value the schema cannot hold, naming the field', () => {
    const refusal = (value: unknown): string => {
      try {
        encodeChain(value, TRADE, fromProto)
      } catch (e) {
        return (e as Error).message
      }
      throw new Error('encoded')
    }
    expect(refusal({ symbl: 'X' })).toBe(
      'trading.Trade cannot hold this value: symbl: Trade has no field "symbl" (its fields: symbol, price, qty, side, raw, tags, at, legs, open)'
    )
    expect(refusal({ price: 'abc' })).toBe('trading.Trade cannot hold this value: price: a number is expected, not "abc"')
    expect(refusal({ legs: [{ id: 1 }, { id: 'q' }] })).toBe(
      'trading.Trade cannot hold this value: legs[1].id: a whole number is expected, not "q"'
    )
    expect(refusal({ legs: [{ delta: 2 ** 31 }] })).toMatch(
      /^trading\.Trade cannot hold this value: legs\[0\]\.delta: 2147483648 does not fit a sint32/
    )
    expect(refusal({ side: 'HOLD' })).toBe(
      'trading.Trade cannot hold this value: side: one of SIDE_UNSPECIFIED, BUY, SELL is expected, not "HOLD"'
    )
    expect(refusal({ tags: { a: 1.5 } })).toBe('trading.Trade cannot hold this value: tags.a: a whole number is expected, not 1.5')
    expect(refusal([1])).toBe('trading.Trade cannot hold this value: the message: an object is expected for Trade, not a list')
  })

  it('agrees with protobufjs’s own compiled codec both ways (which the page’s CSP would refuse) (fast-check)', () => {
    const T = protobuf.Root.fromJSON({ nested: fromProto.definitions } as never).lookupType('trading.Trade')
    fc.assert(
      fc.property(trade, (t) => {
        const json = toJsonValue({ ...t, qty: t.qty.toString(), legs: t.legs.map((l) => ({ ...l, id: l.id.toString() })) }) as Record<
          string,
          unknown
        >
        const forLib = { ...json, raw: Buffer.from(t.raw).toString('base64') }
        const theirs = T.encode(T.fromObject(forLib)).finish()
        expect(toJsonValue(decoded(fromProto, theirs))).toEqual(toJsonValue({ ...t, at: null }))
        const ours = encodeChain(json, TRADE, fromProto) as Uint8Array
        const back = T.toObject(T.decode(ours), { longs: String, enums: String, bytes: String, defaults: true, json: true })
        expect(back).toMatchObject({ ...forLib, qty: t.qty.toString() })
      }),
      { numRuns: 200 }
    )
  })

  it('reads a Timestamp written as RFC 3339 text', () => {
    const bytes = encodeChain({ at: '2023-11-14T22:13:20.250Z' }, TRADE, fromProto) as Uint8Array
    expect((decoded(fromProto, bytes) as { at: Date }).at.toISOString()).toBe('2023-11-14T22:13:20.250Z')
  })

  it('encodes what protoc encodes, byte for byte', () => {
    expect(Buffer.from(encodeChain({ symbol: 'X' }, TRADE, fromProto) as Uint8Array).toString('hex')).toBe(vectors[1].hex)
  })
})
