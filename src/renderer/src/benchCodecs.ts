/**
 * Codec figures for `npm run bench`, measured in the page on a workload of their own (the app's logs are not
 * touched): messages per second through the decoder for 1 KiB MessagePack and Protobuf (schema-less, and as a type
 * of an imported schema), and the field
 * filter over 100,000 held messages, JSON text and MessagePack, through the log's own filter code.
 */
import { decodeChain, encodeChain, importProtoFiles, parseChain, type ProtoSchemaDoc } from '../../shared/codecs'
import { MessageLog, ALL_DIRS, ALL_KINDS, compileFilter, type LogEntry } from './stores/messageLog'

/** A market-data message of about 1 KiB. */
function trade(i: number): Record<string, unknown> {
  return {
    type: i % 100 === 0 ? 'trade' : 'quote',
    seq: i,
    sym: 'BTC-USD',
    px: 60_000 + (i % 997),
    qty: i % 13,
    book: Array.from({ length: 24 }, (_, k) => [60_000 + k, k * 0.5]),
    note: 'x'.repeat(750)
  }
}

/** Protobuf wire bytes of about 1 KiB: field 1 varint, field 2 string, field 3 repeated nested {1: varint, 2: fixed64}. */
function protobufMessage(i: number): Uint8Array {
  const out: number[] = []
  const varint = (v: number): void => {
    for (; v >= 0x80; v = Math.floor(v / 128)) out.push((v & 0x7f) | 0x80)
    out.push(v)
  }
  varint((1 << 3) | 0)
  varint(i)
  const note = new TextEncoder().encode('BTC-USD '.repeat(50))
  varint((2 << 3) | 2)
  varint(note.length)
  out.push(...note)
  for (let k = 0; k < 40; k++) {
    varint((3 << 3) | 2)
    varint(11)
    varint((1 << 3) | 0)
    out.push(k)
    varint((2 << 3) | 1)
    out.push(...new Uint8Array(new Float64Array([k * 0.5]).buffer))
  }
  return new Uint8Array(out)
}

/** The same message as a type: what protobufMessage writes. */
const TICK_PROTO =
  'syntax = "proto3"; package bench; message Level { uint32 k = 1; double px = 2; } message Tick { uint64 seq = 1; string note = 2; repeated Level levels = 3; }'

function perSecond(
  payloads: Uint8Array[],
  chain: Parameters<typeof decodeChain>[1],
  seconds: number,
  schema: ProtoSchemaDoc | null = null
): number {
  let n = 0
  const end = performance.now() + seconds * 1000
  const t0 = performance.now()
  while (performance.now() < end) {
    const r = decodeChain(payloads[n % payloads.length], chain, undefined, schema)
    if (!r.ok) throw new Error(r.error)
    n++
  }
  return n / ((performance.now() - t0) / 1000)
}

/** The median of three scans of the whole log (a user tries a filter more than once; the first run also compiles it). */
function filterMs(entries: LogEntry[], expr: string): { ms: number; matched: number } {
  const log = new MessageLog(entries.length)
  for (const e of entries) log.push(e)
  const spec = { text: expr, caseSensitive: false, dirs: new Set(ALL_DIRS), kinds: new Set(ALL_KINDS) }
  const runs: number[] = []
  for (let i = 0; i < 3; i++) {
    log.setFilter(null)
    const t0 = performance.now()
    log.setFilter(compileFilter(spec))
    runs.push(performance.now() - t0)
  }
  return { ms: runs.sort((a, b) => a - b)[1], matched: log.viewLength() }
}

export function codecFigures(opts: { seconds: number; messages: number }): Record<string, number> {
  const mp = Array.from({ length: 256 }, (_, i) => encodeChain(trade(i), ['msgpack']) as Uint8Array)
  const pb = Array.from({ length: 256 }, (_, i) => protobufMessage(i))
  perSecond(mp, ['msgpack'], 0.3) // warm-up
  perSecond(pb, ['protobuf'], 0.3)
  const schema = importProtoFiles([{ name: 'bench.proto', data: new TextEncoder().encode(TICK_PROTO) }])
  const tick = parseChain('protobuf:bench.Tick')
  perSecond(pb, tick, 0.3, schema)
  const entry = (i: number, data: string | Uint8Array): LogEntry => ({
    seq: i + 1,
    ts: 1_700_000_000_000 + i,
    dir: 'in',
    kind: typeof data === 'string' ? 'text' : 'binary',
    size: typeof data === 'string' ? data.length : data.byteLength,
    data
  })
  const small = (i: number): Record<string, unknown> => ({ type: i % 100 === 0 ? 'trade' : 'quote', seq: i, px: 60_000 + (i % 997) })
  const json = Array.from({ length: opts.messages }, (_, i) => entry(i, JSON.stringify(small(i))))
  const packed = Array.from({ length: opts.messages }, (_, i) => entry(i, encodeChain(small(i), ['msgpack']) as Uint8Array))
  const expr = '$.type == "trade" && $.px > 60500'
  const fj = filterMs(json, expr)
  const fm = filterMs(packed, expr)
  if (fj.matched !== fm.matched) throw new Error(`field filter: JSON matched ${fj.matched}, MessagePack ${fm.matched}`)
  return {
    decode_msgpack_1kib_msgs_per_s: perSecond(mp, ['msgpack'], opts.seconds),
    decode_protobuf_1kib_msgs_per_s: perSecond(pb, ['protobuf'], opts.seconds),
    decode_protobuf_typed_1kib_msgs_per_s: perSecond(pb, tick, opts.seconds, schema),
    codec_payload_bytes: mp[0].byteLength,
    field_filter_json_ms: fj.ms,
    field_filter_msgpack_ms: fm.ms,
    field_filter_messages: opts.messages
  }
}
