/** The JSON log export keeps every payload's raw form and, where a codec recognises it, the decoded value beside it. */
import { describe, expect, it } from 'vitest'
import { logToJson } from '../../src/renderer/src/lib/exportLog'
import { encodeChain } from '../../src/shared/codecs'
import { base64 } from '../../src/shared/wire'
import type { LogEntry } from '../../src/renderer/src/stores/messageLog'

const entry = (seq: number, data: string | Uint8Array): LogEntry => ({
  seq,
  ts: 1_700_000_000_000 + seq,
  dir: 'in',
  kind: typeof data === 'string' ? 'text' : 'binary',
  size: typeof data === 'string' ? data.length : data.byteLength,
  data
})

describe('the JSON log export', () => {
  it('puts the decoded value beside the raw bytes for MessagePack and gzip→json, and nothing extra elsewhere', () => {
    const mp = encodeChain({ type: 'trade', n: 2n ** 60n, bin: new Uint8Array([1, 2]) }, ['msgpack']) as Uint8Array
    const gz = encodeChain({ ok: true }, ['gzip', 'json']) as Uint8Array
    const noise = new Uint8Array([0xc1, 0xff, 0x00])
    const out = JSON.parse(logToJson('ws://127.0.0.1:1/', [entry(1, mp), entry(2, gz), entry(3, 'plain text'), entry(4, noise)], 0))
    const [a, b, c, d] = out.entries
    expect(a).toMatchObject({
      base64: base64.encode(mp),
      decoded: { codec: 'msgpack', value: { type: 'trade', n: '1152921504606846976', bin: { $bytes: 'AQI=' } } }
    })
    expect(b).toMatchObject({ base64: base64.encode(gz), decoded: { codec: 'gzip→json', value: { ok: true } } })
    expect(c).toEqual(expect.objectContaining({ text: 'plain text' }))
    expect(c.decoded).toBeUndefined()
    expect(d.decoded).toBeUndefined()
    expect(d.base64).toBe(base64.encode(noise))
  })
})
