/**
 * The composer sends JSON through a codec chain: the bytes that go out decode back to the value, the sizes before
 * and after are known before sending, a chain that cannot encode says so, and history and saved messages keep it.
 */
import { describe, expect, it } from 'vitest'
import { buildMessage, encodedSizes, historyStep, loadSaved, newComposer, remember } from '../../src/renderer/src/lib/composer'
import { decodeChain } from '../../src/shared/codecs'
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
