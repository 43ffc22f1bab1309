/**
 * Reads browser mode's event stream (the host's side is src/main/web/eventStream.ts; this is shared so tests read
 * it as the page does): frames of a u32 little-endian byte length and that many bytes of UTF-8 text. Chunks are
 * decoded as they come: a frame inside one chunk where it lies, one that spans chunks piece by piece (never
 * copied together, and no single task decodes a whole big frame).
 */
export class FrameReader {
  private readonly utf8 = new TextDecoder()
  /** Decodes a frame that spans chunks piece by piece as they come, so no one task decodes a whole big frame. */
  private readonly pieces = new TextDecoder()
  private readonly prefix = new Uint8Array(4)
  private prefixHave = 0
  /** The length of the frame being read (-1 while its prefix is), how much of it came, and its decoded parts. */
  private need = -1
  private got = 0
  private parts: string[] = []

  constructor(private readonly onFrame: (text: string) => void) {}

  push(chunk: Uint8Array): void {
    let at = 0
    while (at < chunk.length || this.need === 0) {
      if (this.need < 0) {
        while (this.prefixHave < 4 && at < chunk.length) this.prefix[this.prefixHave++] = chunk[at++]
        if (this.prefixHave < 4) return
        const p = this.prefix
        this.need = (p[0] | (p[1] << 8) | (p[2] << 16)) + p[3] * 0x1000000
        this.prefixHave = 0
        this.got = 0
        continue
      }
      const take = Math.min(this.need - this.got, chunk.length - at)
      const piece = chunk.subarray(at, at + take)
      at += take
      if (this.got === 0 && take === this.need) {
        // The whole frame in this chunk: decoded where it lies.
        this.need = -1
        this.onFrame(this.utf8.decode(piece))
        continue
      }
      this.parts.push(this.pieces.decode(piece, { stream: true }))
      this.got += take
      if (this.got < this.need) return
      this.parts.push(this.pieces.decode())
      const text = this.parts.join('')
      this.parts = []
      this.need = -1
      this.onFrame(text)
    }
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
