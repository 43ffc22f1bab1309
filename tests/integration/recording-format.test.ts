/**
 * The version-2 recording (records with raw payloads, recordFormat.ts) against the NDJSON recording it replaced:
 * for the same events, its NDJSON export is byte for byte the file the NDJSON writer wrote, its HAR and CSV exports
 * are byte for byte those of that file, reading it gives the same events, and every payload is found by `seq`.
 * Random event sequences (fast-check; the seed is printed on failure) and one deterministic run of 100,000 mixed
 * text and binary messages. Real files in a temp dir.
 */
import { afterAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SockEvent } from '../../src/shared/events'
import { eventToWire } from '../../src/shared/wire'
import { SECRET_MASK } from '../../src/shared/secrets'
import { RecordingStore } from '../../src/main/store/recordings'
import { exportRecording } from '../../src/main/store/recordingExport'
import { readNdjsonFile } from '../../src/main/store/ndjson'

const root = mkdtempSync(join(tmpdir(), 'sockscope-recformat-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let runs = 0

type Draft = Omit<SockEvent, 'id' | 'seq' | 'ts'>

/** The NDJSON recording the version-1 writer wrote for these events (its header, then one line per event). */
function ndjsonReference(url: string, startedAt: string, connectionId: string, events: SockEvent[]): string {
  const lines = [JSON.stringify({ type: 'sockscope-recording', version: 1, url, startedAt, connectionId })]
  for (const e of events) {
    if (e.type === 'handshake' && e.requestHeaders.some((h) => h.secret))
      lines.push(JSON.stringify({ ...e, requestHeaders: e.requestHeaders.map((h) => (h.secret ? { ...h, value: SECRET_MASK } : h)) }))
    else lines.push(JSON.stringify(eventToWire(e)))
  }
  return lines.join('\n') + '\n'
}

/** Records `drafts` as one connection through the store, and writes the NDJSON reference beside it. */
async function recordBoth(drafts: Draft[]) {
  const dir = join(root, `run-${runs++}`)
  const store = new RecordingStore(dir)
  const connectionId = `conn${runs}-abcdef`
  const url = 'ws://127.0.0.1:1/feed'
  const id = store.start(connectionId, url)
  const events = drafts.map((d, i) => ({ ...d, id: connectionId, ts: 1_700_000_000_000 + i, seq: i + 1 }) as SockEvent)
  for (const e of events) store.recordOne(e)
  await store.end(connectionId)
  const { header } = await store.read(id, 0)
  const reference = join(dir, 'reference.ndjson')
  writeFileSync(reference, ndjsonReference(url, header!.startedAt, connectionId, events))
  return { dir, store, id, path: store.pathOf(id), reference, events }
}

async function exported(source: string, format: 'ndjson' | 'har' | 'csv'): Promise<Buffer> {
  const dest = `${source}.${format}.out`
  await exportRecording(source, format, dest, '1.0.0')
  return readFileSync(dest)
}

const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', 'é', '漢', '😀', '"', '\\', '\n', '\u2028', '\u0000'),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))
  ),
  maxLength: 1400
})
const bytes = fc.uint8Array({ maxLength: 3000 })
const draft: fc.Arbitrary<Draft> = fc.oneof(
  {
    weight: 6,
    arbitrary: text.map((data) => ({ type: 'message', dir: 'in', kind: 'text', size: Buffer.byteLength(data), data }) as Draft)
  },
  // Long text with a lone surrogate: it has no exact UTF-8 form, so it must stay JSON-escaped in the head.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 300, max: 1500 }), fc.integer({ min: 0xd800, max: 0xdfff }))
      .map(
        ([n, s]) => ({ type: 'message', dir: 'in', kind: 'text', size: n * 2 + 3, data: 'é'.repeat(n) + String.fromCharCode(s) }) as Draft
      )
  },
  // Around the 1 KiB line between inline and raw payloads, on both sides.
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: 1000, max: 1100 })
      .map((n) => ({ type: 'message', dir: 'out', kind: 'text', size: n, data: 'x'.repeat(n), sent: true }) as Draft)
  },
  { weight: 4, arbitrary: bytes.map((data) => ({ type: 'message', dir: 'in', kind: 'binary', size: data.length, data }) as Draft) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 125 }).map((data) => ({ type: 'ping', dir: 'out', data }) as Draft) },
  { weight: 1, arbitrary: fc.boolean().map((on) => ({ type: 'throttle', on }) as Draft) },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 20 }).map(
      (token) =>
        ({
          type: 'handshake',
          url: 'ws://127.0.0.1:1/feed',
          requestHeaders: [
            { name: 'Authorization', value: `Bearer ${token}`, secret: true },
            { name: 'X-Plain', value: token }
          ],
          status: 101,
          statusText: 'Switching Protocols',
          responseHeaders: [],
          protocol: '',
          extensions: '',
          redirects: [],
          timings: { upgradeMs: 1 }
        }) as Draft
    )
  },
  {
    weight: 1,
    arbitrary: fc
      .string()
      .map((reason) => ({ type: 'close', code: 1000, reason, meaning: 'normal', initiator: 'remote', clean: true }) as Draft)
  }
)

/** What a reader gives back for an event: secret header values masked, as both files store them. */
function asStored(e: SockEvent): unknown {
  if (e.type !== 'handshake')
    return { ...e, data: 'data' in e && e.data instanceof Uint8Array ? new Uint8Array(e.data) : (e as { data?: unknown }).data }
  return { ...e, requestHeaders: e.requestHeaders.map((h) => (h.secret ? { ...h, value: SECRET_MASK } : h)) }
}

describe('recording format version 2', () => {
  it('exports exactly what the NDJSON recording of the same events exports, reads back the same, finds every payload', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(draft, { minLength: 1, maxLength: 60 }), async (drafts) => {
        const { store, id, path, reference, events } = await recordBoth(drafts)
        expect(path.endsWith('.sockrec')).toBe(true)
        expect((await exported(path, 'ndjson')).equals(readFileSync(reference))).toBe(true)
        expect((await exported(path, 'har')).equals(await exported(reference, 'har'))).toBe(true)
        expect((await exported(path, 'csv')).equals(await exported(reference, 'csv'))).toBe(true)
        const read = await store.read(id)
        expect(read.problems).toEqual([])
        expect(read.events).toEqual((await readNdjsonFile(reference)).events)
        expect(read.events.map((e) => asStored(e))).toEqual(events.map(asStored))
        for (const e of events) {
          const want = e.type === 'message' || e.type === 'ping' ? e.data : null
          expect(await store.payloadAt(id, e.seq), `payload of seq ${e.seq}`).toEqual(want)
        }
        expect(await store.payloadAt(id, events.length + 1)).toBeNull()
      }),
      { numRuns: 40, verbose: 1 }
    )
  }, 120_000)

  it('100,000 mixed text and binary messages go in and back out to NDJSON and HAR byte for byte', async () => {
    let seed = 0x5eed
    const next = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24)
    const drafts: Draft[] = []
    for (let i = 0; i < 100_000; i++) {
      const n = i % 997 === 0 ? 20_000 + Math.floor(next() * 50_000) : Math.floor(next() * 1500)
      if (i % 3 === 0) {
        const data = Buffer.alloc(n)
        for (let b = 0; b < n; b += 7) data[b] = next() * 256
        drafts.push({ type: 'message', dir: i % 2 ? 'in' : 'out', kind: 'binary', size: n, data: new Uint8Array(data) } as Draft)
      } else {
        const data = `#${i} ${'ab"\\é漢😀\n'.repeat(1 + Math.floor(n / 14))}`
        drafts.push({ type: 'message', dir: i % 2 ? 'in' : 'out', kind: 'text', size: Buffer.byteLength(data), data } as Draft)
      }
    }
    const { store, id, path, reference, events } = await recordBoth(drafts)
    // Raw payloads: no base64, no escapes; the file is smaller than the NDJSON it stands for.
    expect(statSync(path).size).toBeLessThan(statSync(reference).size)
    expect((await exported(path, 'ndjson')).equals(readFileSync(reference))).toBe(true)
    expect((await exported(path, 'har')).equals(await exported(reference, 'har'))).toBe(true)
    for (const seq of [1, 2, 98, 50_000, 99_999, 100_000])
      expect(await store.payloadAt(id, seq)).toEqual(
        events[seq - 1].type === 'message' ? (events[seq - 1] as { data: unknown }).data : null
      )
  }, 120_000)

  it('a file cut short by a crash reads up to its last whole record, and says so', async () => {
    const drafts = Array.from(
      { length: 20 },
      (_, i) => ({ type: 'message', dir: 'in', kind: 'text', size: 2000, data: `${i}`.padEnd(2000, '.') }) as Draft
    )
    const { store, id, path } = await recordBoth(drafts)
    truncateSync(path, statSync(path).size - 500)
    const read = await store.read(id)
    expect(read.events.map((e) => e.seq)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1))
    expect(read.problems).toEqual([{ line: 21, why: expect.stringContaining('ends partway through') }])
    expect(await store.payloadAt(id, 19)).toBe('18'.padEnd(2000, '.'))
    expect(await store.payloadAt(id, 20)).toBeNull()
    const lines = (await exported(path, 'ndjson')).toString('utf8').split('\n')
    expect(lines).toHaveLength(21) // the header, 19 events, and the empty string after the last newline
  })

  it('NDJSON recordings from earlier versions are still listed, read, exported as they are and searched by seq', async () => {
    const drafts = Array.from(
      { length: 30 },
      (_, i) => ({ type: 'message', dir: 'in', kind: 'binary', size: 3, data: new Uint8Array([i, 1, 2]) }) as Draft
    )
    const { store, reference, events } = await recordBoth(drafts)
    const old = join(store.dir, '2025-01-01T00-00-00-000Z_conn0000.ndjson')
    writeFileSync(old, readFileSync(reference))
    const fresh = new RecordingStore(store.dir)
    expect((await fresh.list()).map((r) => r.id)).toContain('2025-01-01T00-00-00-000Z_conn0000.ndjson')
    const name = '2025-01-01T00-00-00-000Z_conn0000.ndjson'
    expect((await fresh.read(name)).events).toHaveLength(30)
    expect((await exported(fresh.pathOf(name), 'ndjson')).equals(readFileSync(reference))).toBe(true)
    expect(await fresh.payloadAt(name, 7)).toEqual((events[6] as { data: unknown }).data)
  })
})
