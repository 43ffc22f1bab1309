/**
 * The composer sends JSON (or JSON5) through a codec chain or as a type of the connection's Protobuf schema: the
 * bytes that go out decode back to the value, the sizes before and after are known before sending, a chain or type
 * that cannot encode the value says so (naming the field), and history and saved messages keep it.
 */
import { describe, expect, it } from 'vitest'
import { buildMessage, encodedSizes, historyStep, loadSaved, newComposer, remember } from '../../src/renderer/src/lib/composer'
import { decodeChain, importProtoFiles, parseChain } from '../../src/shared/codecs'
import { base64 } from '../../src/shared/wire'

const json = '{"type":"order","qty":3,"px":101.25,"tags":["a","b"]}'
const value = JSON.parse(json)

describe('sending JSON through a codec', () => {
  for (const chain of ['msgpack', 'cbor', 'gzip → msgpack', 'deflate → json', 'base64 → cbor']) {
    it(`${chain}: what goes out decodes back to the value`, () => {
      const b = buildMessage({ mode: 'json', text: json, binaryEncoding: 'hex', encodeAs: chain })
      expect(b.ok).toBe(true)
      if (!b.ok) return
      const m = b.message
      const payload = m.kind === 'binary' ? base64.decode(m.data) : m.data
      const steps = chain.split(' → ') as Parameters<typeof decodeChain>[1]
      expect(decodeChain(payload, steps)).toMatchObject({ ok: true, value })
    })
  }

  it('shows the size before and after, and refuses a chain that cannot encode, in words', () => {
    const sizes = encodedSizes({ mode: 'json', text: json, binaryEncoding: 'hex', encodeAs: 'msgpack' })
    expect(sizes).toMatchObject({ json: json.length, label: 'msgpack' })
    expect(sizes!.encoded).toBeLessThan(json.length)
    expect(buildMessage({ mode: 'json', text: json, binaryEncoding: 'hex', encodeAs: 'msgpack → gzip' })).toEqual({
      ok: false,
      problem: 'Cannot encode as msgpack → gzip: MessagePack gives a value, not bytes, so it can only be the last step of a chain.'
    })
  })

  it('sends a Protobuf type of the connection’s schema, and refuses a value it cannot hold, naming the field', () => {
    const proto =
      'syntax = "proto3"; package feed; message Order { string type = 1; int32 qty = 2; double px = 3; repeated string tags = 4; }'
    const schema = importProtoFiles([{ name: 'feed.proto', data: new TextEncoder().encode(proto) }])
    const input = { mode: 'json' as const, text: json, binaryEncoding: 'hex' as const, encodeAs: 'protobuf:feed.Order' }
    const b = buildMessage(input, schema)
    if (!b.ok || b.message.kind !== 'binary') throw new Error(`not sent as bytes: ${JSON.stringify(b)}`)
    expect(decodeChain(base64.decode(b.message.data), parseChain('protobuf:feed.Order'), undefined, schema)).toMatchObject({
      ok: true,
      value
    })
    expect(encodedSizes(input, schema)).toMatchObject({ json: json.length, label: 'pb:Order' })
    expect(buildMessage({ ...input, text: '{"type":"x","qty":"three"}' }, schema)).toEqual({
      ok: false,
      problem: 'Cannot encode as protobuf:feed.Order: feed.Order cannot hold this value: qty: a whole number is expected, not "three"'
    })
    expect(buildMessage(input)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/no Protobuf schema is imported for this connection/)
    })
  })

  it('reads JSON5 and sends its JSON equivalent; JSON goes out exactly as typed', () => {
    const five = "{ type: 'order', // a comment\n qty: 3, px: 101.25, tags: ['a', 'b'], }"
    expect(buildMessage({ mode: 'json', text: five, binaryEncoding: 'hex' })).toEqual({
      ok: true,
      message: { kind: 'text', data: JSON.stringify(value) }
    })
    const spaced = '{ "a" : 1 }'
    expect(buildMessage({ mode: 'json', text: spaced, binaryEncoding: 'hex' })).toEqual({
      ok: true,
      message: { kind: 'text', data: spaced }
    })
    const b = buildMessage({ mode: 'json', text: five, binaryEncoding: 'hex', encodeAs: 'msgpack' })
    expect(b.ok && b.message.kind === 'binary' && decodeChain(base64.decode(b.message.data), ['msgpack'])).toMatchObject({
      ok: true,
      value
    })
  })

  it('keeps the codec with a message in the history and among saved messages', () => {
    const c = newComposer()
    c.mode = 'json'
    c.text = json
    c.encodeAs = 'cbor'
    remember(c)
    c.encodeAs = ''
    c.text = ''
    historyStep(c, -1)
    expect([c.text, c.encodeAs]).toEqual([json, 'cbor'])
    c.saved = [{ name: 'order', mode: 'json', text: json, encodeAs: 'gzip → msgpack' }]
    c.encodeAs = ''
    loadSaved(c, 'order')
    expect(c.encodeAs).toBe('gzip → msgpack')
  })
})
