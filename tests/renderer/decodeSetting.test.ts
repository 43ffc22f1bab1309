/**
 * A connection's decode chains (per direction), its Protobuf schema and its decoded size limit travel from the
 * settings form into its options and back, a saved profile keeps them, a bad chain or schema is refused naming the
 * field as the panel does, and a row decodes through its direction's chain where sniffing finds nothing.
 */
import { describe, expect, it } from 'vitest'
import { deflateSync } from 'fflate'
import { draftToOptions, newDraft } from '../../src/renderer/src/mappers/draft'
import { optionsToDraft } from '../../src/renderer/src/mappers/draftFromOptions'
import { validateConnectionOptions } from '../../src/shared/schema'
import { argumentLabel } from '../../src/shared/fieldLabels'
import { codecPreview } from '../../src/renderer/src/components/log/rowText'
import type { LogEntry } from '../../src/renderer/src/stores/messageLog'
import { decodeSetup } from '../../src/renderer/src/lib/decodeSetup'
import { importProtoFiles } from '../../src/shared/codecs'

const enc = new TextEncoder()
const schema = importProtoFiles([
  { name: 'feed.proto', data: enc.encode('syntax = "proto3"; package feed; message Tick { string sym = 1; double px = 2; }') }
])
const pinned = (chain: string) => decodeSetup({ ...newDraft(), decodeIn: chain, protobuf: schema }, 'in')

describe('the decode setting', () => {
  it('goes into the options only when set, and comes back into the form', () => {
    const d = newDraft('ws://127.0.0.1:1/')
    expect(draftToOptions(d).decode).toBeUndefined()
    d.decodeIn = 'deflate → json'
    const o = draftToOptions(d)
    expect(o.decode).toEqual({ in: 'deflate → json' })
    expect(validateConnectionOptions(o).decode).toEqual({ in: 'deflate → json' })
    const back = optionsToDraft(o)
    expect([back.decodeIn, back.decodeOut]).toEqual(['deflate → json', ''])
  })

  it('refuses a chain it cannot read, in words, under the panel’s name for the field', () => {
    let err: (Error & { field?: string }) | null = null
    try {
      validateConnectionOptions({ url: 'ws://x', decode: { in: 'json → gzip' } })
    } catch (e) {
      err = e as Error & { field?: string }
    }
    expect(err?.message).toMatch(/JSON gives a value, not bytes/)
    expect(argumentLabel('connect', '0.decode.in')).toBe('Decode received messages as')
  })

  it('decodes a row through its direction’s chain where sniffing sees nothing', () => {
    const bytes = deflateSync(new TextEncoder().encode('{"a":1}'))
    const e: LogEntry = { seq: 1, ts: 1, dir: 'in', kind: 'binary', size: bytes.byteLength, data: bytes }
    expect(codecPreview(e, null)).toBeNull()
    expect(codecPreview(e, null, pinned('deflate → json'))).toEqual({ badge: 'deflate→json', text: '{"a":1}' })
    // A changed setting decodes again rather than reusing the earlier answer.
    expect(codecPreview(e, null, pinned('msgpack'))).toBeNull()
  })

  it('keeps the Protobuf schema and the size limit in the options, and a row decodes as the schema’s type', () => {
    const d = newDraft('ws://127.0.0.1:1/')
    Object.assign(d, { protobuf: schema, decodeIn: 'protobuf:feed.Tick', decodeMaxOutputMiB: 8 })
    const o = validateConnectionOptions(draftToOptions(d))
    expect(o.decode).toEqual({ in: 'protobuf:feed.Tick', maxOutputBytes: 8 * 1024 * 1024 })
    expect(o.protobuf?.files).toEqual(['feed.proto'])
    const back = optionsToDraft(o)
    expect([back.decodeMaxOutputMiB, back.protobuf?.id]).toEqual([8, schema.id])
    const tick = new Uint8Array([0x0a, 0x03, 0x41, 0x42, 0x43, 0x11, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f]) // sym "ABC", px 1.5
    const e: LogEntry = { seq: 2, ts: 1, dir: 'in', kind: 'binary', size: tick.byteLength, data: tick }
    expect(codecPreview(e, null, decodeSetup(back, 'in'))).toEqual({ badge: 'pb:Tick', text: '{"sym":"ABC","px":1.5}' })
  })

  it('refuses a schema whose definitions do not load, and a limit out of range, naming the field', () => {
    const broken = { ...schema, definitions: { feed: { nested: { Tick: { fields: { sym: { type: 'Nope', id: 1 } } } } } } }
    expect(() => validateConnectionOptions({ url: 'ws://x', protobuf: broken })).toThrow(
      /^options\.protobuf: The Protobuf schema \(feed\.proto\) cannot be loaded: /
    )
    expect(() => validateConnectionOptions({ url: 'ws://x', decode: { maxOutputBytes: 10 } })).toThrow(
      'options.decode.maxOutputBytes: must be at least 1024'
    )
    expect(argumentLabel('connect', '0.decode.maxOutputBytes')).toBe('Decoded size limit')
  })
})
