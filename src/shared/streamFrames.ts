/**
 * Reads browser mode's event stream (the host's side is src/main/web/eventStream.ts; this is shared so tests read
 * it as the page does): frames of a u32 little-endian byte length and that many bytes of UTF-8 text. Chunks are
 * queued as they come; a frame inside one chunk is decoded where it lies, one that spans chunks is copied together
 * once, when it is complete (never re-copied per chunk).
 */
export class FrameReader {
  private readonly utf8 = new TextDecoder()
  private chunks: Uint8Array[] = []
  private have = 0
  /** The length of the frame being waited for, once its prefix was read. */
  private need = -1

  constructor(private readonly onFrame: (text: string) => void) {}

  push(chunk: Uint8Array): void {
    if (!chunk.length) return
    this.chunks.push(chunk)
    this.have += chunk.length
    for (;;) {
      if (this.need < 0) {
        if (this.have < 4) return
        const p = this.take(4)
        this.need = (p[0] | (p[1] << 8) | (p[2] << 16)) + p[3] * 0x1000000
      }
      if (this.have < this.need) return
      const frame = this.take(this.need)
      this.need = -1
      this.onFrame(this.utf8.decode(frame))
    }
  }

  /** The next n bytes: a view into the first chunk when it holds them all, else one copy. */
  private take(n: number): Uint8Array {
    this.have -= n
    const first = this.chunks[0]
    if (first && first.length >= n) {
      if (first.length === n) this.chunks.shift()
      else this.chunks[0] = first.subarray(n)
      return first.subarray(0, n)
    }
    const out = new Uint8Array(n)
    let at = 0
    while (at < n) {
      const c = this.chunks[0]
      const k = Math.min(c.length, n - at)
      out.set(c.subarray(0, k), at)
      at += k
      if (k === c.length) this.chunks.shift()
      else this.chunks[0] = c.subarray(k)
    }
    return out
  }
}

export async function readFrames(body: ReadableStream<Uint8Array>, onFrame: (text: string) => void): Promise<void> {
  const frames = new FrameReader(onFrame)
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    frames.push(value)
  }
}
