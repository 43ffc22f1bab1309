/**
 * Reads browser mode's event stream (the host's side is src/main/web/eventStream.ts; this is shared so tests read
 * it as the page does): frames of a u32 little-endian byte length and that many bytes. A frame is JSON text, or a
 * binary event batch when its first byte is BINARY_BATCH (see wire.ts). Chunks are handled as they come: a text
 * frame inside one chunk is decoded where it lies, one that spans chunks piece by piece (never copied together,
 * and no single task decodes a whole big frame); a binary frame is handed over as bytes of its own.
 */
import { BINARY_BATCH } from './wire'

/** A JSON text frame, or a binary batch frame's bytes (a copy the receiver owns). */
export type StreamFrame = string | Uint8Array

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
  /** A binary frame that spans chunks, gathered here. */
  private bytes: Uint8Array | null = null

  constructor(private readonly onFrame: (frame: StreamFrame) => void) {}

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
      const binary = this.got === 0 ? take > 0 && piece[0] === BINARY_BATCH : this.bytes !== null
      if (this.got === 0 && take === this.need) {
        // The whole frame in this chunk: text decoded where it lies, bytes copied out (the chunk is not ours).
        this.need = -1
        this.onFrame(binary ? piece.slice() : this.utf8.decode(piece))
        continue
      }
      if (binary) {
        this.bytes ??= new Uint8Array(this.need)
        this.bytes.set(piece, this.got)
        this.got += take
        if (this.got < this.need) return
        const frame = this.bytes
        this.bytes = null
        this.need = -1
        this.onFrame(frame)
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

/** At most this much of a chunk is handed to the reader at once (Chromium hands over up to megabytes). */
const SLICE_BYTES = 256 * 1024
/** Past this much work since the last yield, the reader lets the page paint and take input first. */
const TASK_MS = 8

type Yield = () => Promise<void>
/** `scheduler.yield()` (Chromium 129+) resumes ahead of other queued work; elsewhere a plain new task. */
const yieldToPage: Yield = () => {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler
  return s?.yield ? s.yield() : new Promise((r) => setTimeout(r, 0))
}

/**
 * Reads a stream of frames. A page that fell behind gets its stream in chunks of megabytes, and reading one in a
 * single task froze the page for hundreds of milliseconds (bench, 16 KiB flood): chunks are cut into slices, and
 * the reader yields whenever it has worked TASK_MS since it last did.
 */
export async function readFrames(
  body: ReadableStream<Uint8Array>,
  onFrame: (frame: StreamFrame) => void,
  yieldTask: Yield = yieldToPage
): Promise<void> {
  const frames = new FrameReader(onFrame)
  const reader = body.getReader()
  let since = performance.now()
  for (;;) {
    const asked = performance.now()
    const { done, value } = await reader.read()
    if (done) return
    // A read that had to wait began a new task: the work before that wait is not this task's.
    const got = performance.now()
    if (got - asked > 1) since = got
    for (let at = 0; at < value.length; at += SLICE_BYTES) {
      if (performance.now() - since > TASK_MS) {
        await yieldTask()
        since = performance.now()
      }
      frames.push(at === 0 && value.length <= SLICE_BYTES ? value : value.subarray(at, at + SLICE_BYTES))
    }
  }
}
