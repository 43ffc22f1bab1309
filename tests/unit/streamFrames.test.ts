/**
 * The page's reader of the host's event stream: frames come back whole and in order however the bytes are cut
 * into chunks (fetch hands over whatever the data pipe holds, often mid-frame and mid-character).
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { FrameReader } from '../../src/shared/streamFrames'
import { streamFrame } from '../../src/main/web/eventStream'

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

describe('event stream frames', () => {
  it('reads every frame whole and in order, wherever the chunks are cut (fast-check, seed printed on failure)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 3000 })), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (texts, points) => {
          const bytes = new Uint8Array(Buffer.concat(texts.map(streamFrame)))
          const got: string[] = []
          const reader = new FrameReader((t) => got.push(t))
          for (const c of cut(bytes, points)) reader.push(c)
          expect(got).toEqual(texts)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('waits for the rest of a frame instead of decoding half of it', () => {
    const got: string[] = []
    const reader = new FrameReader((t) => got.push(t))
    const bytes = new Uint8Array(streamFrame('{"t":"ev","b":["é"]}'))
    reader.push(bytes.subarray(0, 3))
    reader.push(bytes.subarray(3, bytes.length - 1))
    expect(got).toEqual([])
    reader.push(bytes.subarray(bytes.length - 1))
    expect(got).toEqual(['{"t":"ev","b":["é"]}'])
  })
})
