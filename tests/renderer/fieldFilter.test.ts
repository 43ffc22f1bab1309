/**
 * The log's field filter: one expression over JSON text and decoded binary (MessagePack, CBOR, gzip'd JSON) alike,
 * through the connection's pinned chain (a Protobuf type, raw deflate) where sniffing sees nothing, kept current as
 * rows arrive, and errors in the user's words.
 */
import { describe, expect, it } from 'vitest'
import { gzipSync } from 'fflate'
import { ALL_DIRS, ALL_KINDS, MessageLog, compileFilter, type FilterSpec, type LogEntry } from '../../src/renderer/src/stores/messageLog'
import { encodeChain, importProtoFiles, parseChain } from '../../src/shared/codecs'
import { decodeSetup } from '../../src/renderer/src/lib/decodeSetup'
import { newDraft } from '../../src/renderer/src/mappers/draft'

let seq = 0
const entry = (data: string | Uint8Array): LogEntry => ({
  seq: ++seq,
  ts: 1_700_000_000_000 + seq,
  dir: 'in',
  kind: typeof data === 'string' ? 'text' : 'binary',
  size: typeof data === 'string' ? data.length : data.byteLength,
  data
})
const spec = (text: string): FilterSpec => ({ text, caseSensitive: false, dirs: new Set(ALL_DIRS), kinds: new Set(ALL_KINDS) })
const shown = (log: MessageLog): number[] =>
  Array.from({ length: log.viewLength() }, (_, i) => Number((log.viewAt(i)!.seq as number) - first))
let first = 0

describe('the field filter', () => {
  it('matches JSON text and decoded MessagePack, CBOR and gzip→json by the same expression', () => {
    const log = new MessageLog(1000)
    first = seq + 1
    const trade = (price: number) => ({ type: 'trade', price })
    log.push(entry(JSON.stringify(trade(150)))) // 0
    log.push(entry(encodeChain(trade(99), ['msgpack']) as Uint8Array)) // 1
    log.push(entry(encodeChain(trade(120), ['msgpack']) as Uint8Array)) // 2
    log.push(entry(encodeChain(trade(130), ['cbor']) as Uint8Array)) // 3
    log.push(entry(gzipSync(new TextEncoder().encode(JSON.stringify(trade(140)))))) // 4
    log.push(entry('{"type":"quote","price":500}')) // 5
    log.push(entry('price > 100 in plain text')) // 6
    log.push(entry(new Uint8Array([0xde, 0xad, 0xbe, 0xef]))) // 7
    log.setFilter(compileFilter(spec('$.type == "trade" && $.price > 100')))
    expect(shown(log)).toEqual([0, 2, 3, 4])
    log.setFilter(compileFilter(spec('$.type == "quote" || $.price < 100')))
    expect(shown(log)).toEqual([1, 5])
    // Rows that arrive while the filter is on are tested as they come.
    log.push(entry(encodeChain({ type: 'quote' }, ['cbor']) as Uint8Array)) // 8
    expect(shown(log)).toEqual([1, 5, 8])
  })

  it('reads each direction through the chain the connection pins for it', () => {
    const proto = 'syntax = "proto3"; package feed; message Tick { string type = 1; double price = 2; }'
    const schema = importProtoFiles([{ name: 'feed.proto', data: new TextEncoder().encode(proto) }])
    const draft = { ...newDraft(), decodeIn: 'protobuf:feed.Tick', decodeOut: 'deflate → json', protobuf: schema }
    const decode = { in: decodeSetup(draft, 'in'), out: decodeSetup(draft, 'out') }
    const tick = (type: string, price: number) => encodeChain({ type, price }, parseChain('protobuf:feed.Tick'), schema) as Uint8Array
    const log = new MessageLog(1000)
    first = seq + 1
    log.push(entry(tick('trade', 150))) // 0
    log.push(entry(tick('trade', 50))) // 1
    log.push({ ...entry(encodeChain({ type: 'trade', price: 200 }, parseChain('deflate → json')) as Uint8Array), dir: 'out' }) // 2
    log.push(entry(encodeChain({ type: 'trade', price: 300 }, ['msgpack']) as Uint8Array)) // 3: not a Tick, so no match
    const filter = '$.type == "trade" && $.price > 100'
    log.setFilter(compileFilter({ ...spec(filter), decode }))
    expect(shown(log)).toEqual([0, 2])
    // Without the settings, sniffing finds neither the Protobuf type nor raw deflate: only the MessagePack row.
    log.setFilter(compileFilter(spec(filter)))
    expect(shown(log)).toEqual([3])
  })

  it('says what is wrong with an expression it cannot read', () => {
    expect(() => compileFilter(spec('$.type == trade'))).toThrow(/not a JSON value \(strings need "double quotes"\)/)
  })

  it('filters 100,000 JSON messages, most of them turned away without a parse', () => {
    const log = new MessageLog(100_000)
    first = seq + 1
    for (let i = 0; i < 100_000; i++) log.push(entry(i % 1000 === 0 ? `{"type":"trade","n":${i}}` : `{"kind":"tick","n":${i}}`))
    log.setFilter(compileFilter(spec('$.type == "trade" && $.n >= 50000')))
    expect(log.viewLength()).toBe(50)
  })
})
