/**
 * Codec chains: every codec gives back what it was given (fast-check, binary leaves, big integers, maps with
 * non-string keys), the formats' own spec vectors decode to the values the specs list, the sniffer names what it
 * sees, errors name the codec and the byte, and a decompression bomb is refused at the limit with bounded memory.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync, zlibSync } from 'fflate'
import {
  chainLabel,
  decodeChain,
  encodeChain,
  parseChain,
  sniffCodec,
  summarizeValue,
  toJsonValue,
  type CodecStep
} from '../../src/shared/codecs'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'codecs')
const hex = (h: string): Uint8Array => new Uint8Array(h.match(/../g)?.map((x) => parseInt(x, 16)) ?? [])

/** The fixtures' stand-ins for what JSON has no word for, turned into the values the decoders give. */
function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive)
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    if ('$bytes' in o) return hex(o.$bytes as string)
    if ('$big' in o) return BigInt(o.$big as string)
    if ('$date' in o) return new Date(o.$date as string)
    if ('$map' in o) return new Map((o.$map as unknown[][]).map(([k, x]) => [revive(k), revive(x)]))
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x)]))
  }
  return v
}

const decoded = (payload: Uint8Array | string, chain: CodecStep[]): unknown => {
  const r = decodeChain(payload, chain)
  if (!r.ok) throw new Error(r.error)
  return r.value
}

describe('spec vectors (bytes from the specifications, not from our libraries)', () => {
  const spec = JSON.parse(readFileSync(join(FIXTURES, 'spec-vectors.json'), 'utf8'))
  for (const codec of ['cbor', 'msgpack', 'protobuf'] as const) {
    it(`${codec}: ${spec[codec].source}`, () => {
      for (const [bytes, want] of spec[codec].vectors as Array<[string, unknown]>)
        expect(decoded(hex(bytes), [codec]), `${codec} ${bytes}`).toEqual(revive(want))
    })
  }

  it('gzip, zlib, raw deflate and base64→gzip made by CPython decode to the JSON inside', () => {
    const c = JSON.parse(readFileSync(join(FIXTURES, 'compressed.json'), 'utf8'))
    const want = JSON.parse(c.json)
    for (const k of ['gzip', 'zlib', 'deflate'] as const) expect(decoded(hex(c[k]), [k, 'json'])).toEqual(want)
    expect(decoded(c.base64_gzip, ['base64', 'gzip', 'json'])).toEqual(want)
    expect(decoded(hex(c.brotli), parseChain('br → json'))).toEqual(want)
    expect(sniffCodec(hex(c.gzip))?.chain).toEqual(['gzip', 'json'])
    expect(sniffCodec(hex(c.zlib))?.chain).toEqual(['zlib', 'json'])
    expect(sniffCodec(c.base64_gzip)?.chain).toEqual(['base64', 'gzip', 'json'])
  })
})

/** Values all three structured codecs can carry. */
const key = fc.string({ maxLength: 8 })
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.uint8Array({ maxLength: 24 }),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 53n) })
)
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 5 }), fc.dictionary(key, tie('v'), { maxKeys: 5 }))
})).v
const withNumberKeys = fc
  .uniqueArray(fc.integer({ min: -1000, max: 1000 }), { maxLength: 5 })
  .chain((ks) => fc.tuple(...ks.map((k) => fc.tuple(fc.constant(k), value))))
  .map((entries) => new Map(entries))

describe('round trips (fast-check)', () => {
  for (const chain of [
    ['msgpack'],
    ['cbor'],
    ['gzip', 'msgpack'],
    ['base64', 'cbor'],
    ['zlib', 'cbor'],
    ['deflate', 'msgpack']
  ] as CodecStep[][]) {
    it(`${chainLabel(chain)}: a value encodes and decodes to itself`, () => {
      fc.assert(
        fc.property(value, (v) => {
          expect(decoded(encodeChain(v, chain), chain)).toEqual(v)
        })
      )
    })
  }
  for (const codec of ['msgpack', 'cbor'] as CodecStep[]) {
    it(`${codec}: a map with number keys stays a Map, with its keys`, () => {
      fc.assert(
        fc.property(withNumberKeys, (m) => {
          expect(decoded(encodeChain(m, [codec]), [codec])).toEqual(m.size ? m : {})
        })
      )
    })
  }
  it('gzip→json and base64→json carry JSON text', () => {
    const json = fc.jsonValue().filter((v) => !Object.is(v, -0) && JSON.stringify(v) === JSON.stringify(JSON.parse(JSON.stringify(v))))
    fc.assert(
      fc.property(json, (v) => {
        expect(decoded(encodeChain(v, ['gzip', 'json']), ['gzip', 'json'])).toEqual(JSON.parse(JSON.stringify(v)))
      })
    )
  })
})

describe('sniffing', () => {
  it('names MessagePack and CBOR maps, and the subprotocol wins', () => {
    const v = { type: 'trade', price: 101.5, qty: 3 }
    expect(sniffCodec(encodeChain(v, ['msgpack']) as Uint8Array)).toMatchObject({ chain: ['msgpack'], confidence: 'likely' })
    expect(sniffCodec(encodeChain(v, ['cbor']) as Uint8Array)).toMatchObject({ chain: ['cbor'], confidence: 'likely' })
    expect(sniffCodec(new Uint8Array([1, 2, 3]), 'v1.msgpack')).toMatchObject({ chain: ['msgpack'], confidence: 'certain' })
  })
  it('leaves plain text, JSON text and random bytes alone', () => {
    expect(sniffCodec('hello world, how are you')).toBeNull()
    expect(sniffCodec('{"a":1}')).toBeNull()
    expect(sniffCodec('abcdefgh')).toBeNull() // base64 alphabet, but what it decodes to is nothing
    const noise = new Uint8Array([0xc1, 0xff, 0x00, 0x13, 0x37])
    expect(sniffCodec(noise)?.confidence ?? 'none').not.toBe('certain')
  })
})

describe('errors say which codec, where and why', () => {
  it('truncated MessagePack, CBOR and Protobuf name the codec and a byte', () => {
    const mp = (encodeChain({ a: 'hello' }, ['msgpack']) as Uint8Array).subarray(0, 5)
    expect(decodeChain(mp, ['msgpack'])).toMatchObject({
      ok: false,
      step: 'msgpack',
      error: expect.stringMatching(/^not valid MessagePack at byte \d+: /)
    })
    const cb = (encodeChain({ a: 'hello' }, ['cbor']) as Uint8Array).subarray(0, 5)
    expect(decodeChain(cb, ['cbor'])).toMatchObject({
      ok: false,
      step: 'cbor',
      error: expect.stringMatching(/^not valid CBOR at byte \d+: /)
    })
    expect(decodeChain(hex('0a0574'), ['protobuf'])).toMatchObject({
      ok: false,
      offset: 1,
      error: expect.stringMatching(/^not valid Protobuf at byte 1: a length of 5 bytes/)
    })
  })
  it('a chain with a value step in the middle is refused in words', () => {
    expect(() => parseChain('json → gzip')).toThrow(/JSON gives a value, not bytes/)
    expect(() => parseChain('gzip → yaml')).toThrow(/"yaml" is not a codec/)
    expect(parseChain('gzip -> JSON')).toEqual(['gzip', 'json'])
  })
  it('bytes that are not gzip say so', () => {
    expect(decodeChain(hex('00112233'), ['gzip', 'json'])).toMatchObject({
      ok: false,
      step: 'gzip',
      error: 'not gzip: the first bytes are not 1f 8b'
    })
  })
})

describe('a decompression bomb', () => {
  it('is refused at the output limit, with memory bounded by the limit, not by what it would inflate to', () => {
    // 64 MiB of zeros compress to about 64 KiB; the limit is 1 MiB.
    const zeros = new Uint8Array(64 * 1024 * 1024)
    const bomb = gzipSync(zeros, { level: 9 })
    const zbomb = zlibSync(zeros, { level: 9 })
    expect(bomb.length).toBeLessThan(128 * 1024)
    const before = process.memoryUsage().arrayBuffers
    for (const [payload, chain] of [
      [bomb, ['gzip', 'json']],
      [zbomb, ['zlib', 'msgpack']]
    ] as Array<[Uint8Array, CodecStep[]]>) {
      const r = decodeChain(payload, chain, { maxOutputBytes: 1024 * 1024 })
      expect(r).toMatchObject({
        ok: false,
        error: 'the decompressed size passed the 1 MiB limit; the message was not decoded'
      })
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024)
  })

  it('as brotli: 1 GiB of zeros in about 2 KiB is refused at the limit, with memory bounded by it', () => {
    const c = JSON.parse(readFileSync(join(FIXTURES, 'compressed.json'), 'utf8'))
    const bomb = Buffer.from(c.brotli_bomb_1gib_zeros_base64 as string, 'base64')
    expect(bomb.length).toBeLessThan(4096)
    const before = process.memoryUsage()
    const r = decodeChain(bomb, ['brotli', 'json'], { maxOutputBytes: 8 * 1024 * 1024 })
    expect(r).toMatchObject({
      ok: false,
      step: 'brotli',
      error: 'the decompressed size passed the 8 MiB limit; the message was not decoded'
    })
    const after = process.memoryUsage()
    expect(after.arrayBuffers - before.arrayBuffers + (after.heapUsed - before.heapUsed)).toBeLessThan(64 * 1024 * 1024)
    expect(decodeChain(hex('0102030405'), ['brotli'])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^not valid brotli data: /)
    })
    expect(() => encodeChain({ a: 1 }, parseChain('brotli → json'))).toThrow(
      'brotli is read only here: compress with gzip, zlib or deflate to send.'
    )
  })
})

describe('text for rows and for copying', () => {
  it('a one-line summary shows bytes, big integers, dates and maps as what they are, cut at the width', () => {
    const v = { b: new Uint8Array([1, 2, 3]), n: 2n ** 60n, d: new Date(0), m: new Map([[1, 'x']]) }
    expect(summarizeValue(v, 200)).toBe('{"b":<bytes 3: 01 02 03>,"n":1152921504606846976n,"d":1970-01-01T00:00:00.000Z,"m":Map{1:"x"}}')
    expect(summarizeValue({ long: 'y'.repeat(500) }, 40)).toHaveLength(40)
    expect(toJsonValue(v)).toEqual({ b: { $bytes: 'AQID' }, n: '1152921504606846976', d: '1970-01-01T00:00:00.000Z', m: { 1: 'x' } })
  })
})
