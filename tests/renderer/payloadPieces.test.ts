import { describe, expect, it } from 'vitest'
import { fetchInPieces } from '../../src/renderer/src/lib/payloadPieces'
import type { PayloadRange } from '../../src/shared/api'

/** A host holding one payload that answers ranges as the service does, counting the calls. */
function host(data: string | Uint8Array | null) {
  const calls: PayloadRange[] = []
  const fetch = async (_ref: string, range: PayloadRange) => {
    calls.push(range)
    return data === null ? null : data.slice(range.offset, range.offset + range.length)
  }
  return { fetch, calls }
}

describe('fetching a big payload in pieces', () => {
  it('puts a text back together exactly, surrogate pairs cut between pieces included', async () => {
    const text = 'a😀'.repeat(1000) + 'end'
    const h = host(text)
    const seen: number[] = []
    expect(await fetchInPieces(h.fetch, 'r', (_p, n) => seen.push(n), 64, 1)).toBe(text)
    expect(h.calls.length).toBe(Math.floor(text.length / 64) + 1)
    expect(seen[seen.length - 1]).toBe(text.length)
  })

  it('puts bytes back together, and asks once more when the length is a multiple of the piece', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i)
    const h = host(bytes)
    expect(await fetchInPieces(h.fetch, 'r', undefined, 64, 1)).toEqual(bytes)
    expect(h.calls.map((c) => c.offset)).toEqual([0, 64, 128, 192, 256])
  })

  it('keeps requests in flight and still hands the pieces over in order, the last one marked', async () => {
    const text = 'x'.repeat(1000) + 'end'
    const h = host(text)
    const heard: Array<[string, boolean]> = []
    expect(await fetchInPieces(h.fetch, 'r', (p, _n, last) => heard.push([p as string, last]), 100, 3)).toBe(text)
    expect(heard.map(([p]) => p).join('')).toBe(text)
    expect(heard.map(([, last]) => last)).toEqual([...Array(10).fill(false), true])
  })

  it('gives a small payload in one call, and null when the host no longer holds it', async () => {
    const h = host('{"a":1}')
    expect(await fetchInPieces(h.fetch, 'r', undefined, undefined, 1)).toBe('{"a":1}')
    expect(h.calls).toHaveLength(1)
    expect(await fetchInPieces(host(null).fetch, 'r')).toBeNull()
  })
})
