/**
 * The page's reader of the host's event stream: frames come back whole and in order however the bytes are cut
 * into chunks (fetch hands over whatever the data pipe holds, often mid-frame and mid-character), and binary event
 * batches give back every event as the host had it, large payloads as their bytes.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { FrameReader, readFrames, type StreamFrame } from '../../src/shared/streamFrames'
import { streamFrame } from '../../src/main/web/eventStream'
import { binaryEventFrame } from '../../src/main/service/eventJson'
import { RAW_PAYLOAD_MIN, eventsFromBinaryFrame } from '../../src/shared/wire'
import type { SockEvent } from '../../src/shared/events'

const cut = (bytes: Uint8Array, points: number[]): Uint8Array[] => {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b)
  const out: Uint8Array[] = []
  let from = 0
  for (const p of [...at, bytes.length]) {
    out.push(bytes.subarray(from, p))
    from = p
  }
  return out
}

/** A binary batch frame as the stream carries it: its length where the 4 spare bytes are. */
const streamed = (batch: SockEvent[]): Buffer => {
  const f = binaryEventFrame(batch)
  f.writeUInt32LE(f.length - 4, 0)
  return f
}

/** Messages around the raw-bytes threshold, multi-byte text included, and a ping. */
const eventArb = fc.oneof(
  fc.record({
    kind: fc.constant('text' as const),
    data: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'grapheme', minLength: 300, maxLength: 1500 }))
  }),
  fc.record({ kind: fc.constant('binary' as const), data: fc.uint8Array({ maxLength: RAW_PAYLOAD_MIN * 2 }) }),
  fc.record({ kind: fc.constant('ping' as const), data: fc.uint8Array({ maxLength: 125 }) })
)
const toEvent = (x: { kind: string; data: string | Uint8Array }, seq: number): SockEvent =>
  x.kind === 'ping'
    ? { type: 'ping', id: 'c1', seq, ts: seq, dir: 'in', data: x.data as Uint8Array }
    : {
        type: 'message',
        id: 'c1',
        seq,
        ts: seq + 0.5,
        dir: 'in',
        kind: x.kind as 'text' | 'binary',
        size: typeof x.data === 'string' ? Buffer.byteLength(x.data) : x.data.byteLength,
        data: x.data
      }

/** What the page holds, with text that came as bytes decoded (as the log does when it shows a row). */
const asShown = (e: SockEvent): SockEvent =>
  e.type === 'message' && e.kind === 'text' && typeof e.data !== 'string' ? { ...e, data: new TextDecoder().decode(e.data) } : e

describe('event stream frames', () => {
  it('reads every frame whole and in order, wherever the chunks are cut (fast-check, seed printed on failure)', () => {
    fc.assert(
      fc.property(
        // A text frame is JSON, so it starts with `{`; a binary one with BINARY_BATCH.
        fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 3000 })), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (bodies, points) => {
          const texts = bodies.map((b) => `{${b}`)
          const bytes = new Uint8Array(Buffer.concat(texts.map(streamFrame)))
          const got: StreamFrame[] = []
          const reader = new FrameReader((t) => got.push(t))
          for (const c of cut(bytes, points)) reader.push(c)
          expect(got).toEqual(texts)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('gives back every event of binary batches mixed with text frames, large payloads as bytes (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(eventArb, { maxLength: 8 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (batches, points) => {
          let seq = 0
          const sent = batches.map((b) => b.map((x) => toEvent(x, ++seq)))
          const bytes = new Uint8Array(Buffer.concat(sent.flatMap((b) => [streamed(b), streamFrame('{"t":"between"}')])))
          const events: SockEvent[] = []
          let texts = 0
          const reader = new FrameReader((f) => {
            if (typeof f === 'string') texts++
            else events.push(...eventsFromBinaryFrame(f))
          })
          for (const c of cut(bytes, points)) reader.push(c)
          expect(texts).toBe(sent.length)
          expect(events.map(asShown)).toEqual(sent.flat())
          // Large payloads travelled as bytes, small ones inline.
          for (const e of events)
            if (e.type === 'message')
              expect(typeof e.data === 'string').toBe(e.kind === 'text' && Buffer.byteLength(e.data as string) < RAW_PAYLOAD_MIN)
        }
      ),
      { numRuns: 200 }
    )
  })

  it('reads a binary batch that lies inside a larger buffer', () => {
    const e = toEvent({ kind: 'text', data: 'é'.repeat(RAW_PAYLOAD_MIN) }, 1)
    const frame = binaryEventFrame([e]).subarray(4)
    const padded = new Uint8Array(frame.length + 7)
    padded.set(frame, 7)
    expect(eventsFromBinaryFrame(padded.subarray(7)).map(asShown)).toEqual([e])
  })

  it('waits for the rest of a frame instead of decoding half of it', () => {
    const got: StreamFrame[] = []
    const reader = new FrameReader((t) => got.push(t))
    const bytes = new Uint8Array(streamFrame('{"t":"ev","b":["é"]}'))
    reader.push(bytes.subarray(0, 3))
    reader.push(bytes.subarray(3, bytes.length - 1))
    expect(got).toEqual([])
    reader.push(bytes.subarray(bytes.length - 1))
    expect(got).toEqual(['{"t":"ev","b":["é"]}'])
  })
})

describe('reading the stream without holding the page', () => {
  const frame = (text: string): Uint8Array => new Uint8Array(streamFrame(text))
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
  const busy = (ms: number): void => {
    const end = performance.now() + ms
    while (performance.now() < end);
  }

  it('hands over a chunk that comes after a quiet spell at once, without first yielding to the page', async () => {
    // The reader yielded before the first chunk after every pause longer than its 8 ms budget: it counted the quiet
    // time as work, and each such chunk waited for a task of its own (latency at 1,000 msg/s).
    let push!: ReadableStreamDefaultController<Uint8Array>
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (push = c) })
    const got: StreamFrame[] = []
    let yields = 0
    const reading = readFrames(
      body,
      (f) => got.push(f),
      async () => void yields++
    )
    for (const text of ['a', 'b', 'c']) {
      push.enqueue(frame(text))
      await sleep(20)
    }
    push.close()
    await reading
    expect(got).toEqual(['a', 'b', 'c'])
    expect(yields).toBe(0)
  })

  it('yields once it has worked past its budget on chunks that were already waiting', async () => {
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        for (const text of ['a', 'b', 'c', 'd']) c.enqueue(frame(text))
        c.close()
      }
    })
    const got: StreamFrame[] = []
    let yields = 0
    await readFrames(
      body,
      (f) => {
        got.push(f)
        busy(10)
      },
      async () => void yields++
    )
    expect(got).toEqual(['a', 'b', 'c', 'd'])
    expect(yields).toBeGreaterThanOrEqual(2)
  })
})
