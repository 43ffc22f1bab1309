/**
 * Browser mode's fast lane for events: a long-lived HTTP response the page reads with `fetch`, carrying event
 * batches as binary frames (large payloads as raw bytes: BINARY_BATCH in wire.ts) and big call answers as JSON, each
 * prefixed with its byte length (u32, little-endian). Measured in Chromium 156
 * on this project's 2-core machine, a page reads a fetch body at 70-100 MB/s but WebSocket messages at 15-40 MB/s
 * whatever their size (the renderer's main thread services the socket's data pipe message by message), and the
 * bridge socket set the pipeline's ceiling. Calls, answers and notices stay on the socket; only event batches move.
 *
 * A page asks for a stream in its hello and gets a random id in the welcome; the stream is bound to that one bridge
 * socket. Once attached, the socket says `streamed` and carries no more events, so the page knows where the order
 * continues. If the stream breaks while the socket lives, events may be lost in flight: the socket is closed, the
 * page re-attaches and re-syncs by `seq` as after any dropped bridge.
 */
import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { WebSocket } from 'ws'

/** Close code for a bridge whose event stream broke (private use, RFC 6455 §7.4.2): the page re-attaches. */
export const STREAM_LOST = 4002

interface Lane {
  ws: WebSocket
  res: ServerResponse | null
  /** Whether a batch went down the stream: only then can its loss have cost the page anything. */
  used: boolean
}

export class EventStreams {
  private readonly lanes = new Map<string, Lane>()

  /** A stream id for this bridge socket; forgotten (and the stream ended) when the socket closes. */
  offer(ws: WebSocket): string {
    const id = randomBytes(16).toString('hex')
    const lane: Lane = { ws, res: null, used: false }
    this.lanes.set(id, lane)
    ws.once('close', () => {
      this.lanes.delete(id)
      lane.res?.end()
      lane.res = null
    })
    return id
  }

  /**
   * Answers the page's stream request. Returns false (the caller answers 404) for an unknown id or one already
   * streaming. `onAttached` runs once the response is ready, so the caller can send `streamed` on the socket.
   */
  attach(id: string, res: ServerResponse, headers: Record<string, string>, onAttached: () => void): boolean {
    const lane = this.lanes.get(id)
    if (!lane || lane.res || lane.ws.readyState !== lane.ws.OPEN) return false
    res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream' })
    res.flushHeaders()
    lane.res = res
    res.on('close', () => {
      if (lane.res !== res) return
      lane.res = null
      // The page gave up the stream (or it broke): what was in flight may be lost, so make it re-sync. An unused one
      // cost nothing: events simply go on over the socket.
      if (lane.used && lane.ws.readyState === lane.ws.OPEN) lane.ws.close(STREAM_LOST, 'event stream lost')
    })
    res.on('error', () => undefined) // a broken stream ends in 'close'
    onAttached()
    return true
  }

  socketOf(id: string): WebSocket | undefined {
    return this.lanes.get(id)?.ws
  }

  /** Whether this bridge socket's stream is attached (event batches go there, not on the socket). */
  attached(id: string | null): boolean {
    return !!(id && this.lanes.get(id)?.res)
  }

  /**
   * Sends one frame down the stream: text, or a frame's bytes behind 4 spare bytes for the length (eventFrame's form,
   * so the frame is not copied again). False when the socket has no stream (send it on the socket).
   */
  write(id: string | null, frame: string | Buffer): boolean {
    const lane = id ? this.lanes.get(id) : undefined
    if (!lane?.res) return false
    lane.used = true
    lane.res.write(typeof frame === 'string' ? streamFrame(frame) : lengthInPlace(frame))
    return true
  }

  /** Bytes written to the stream but not yet taken by the kernel: the flow-control signal, like `bufferedAmount`. */
  pending(id: string | null): number {
    // Node counts the socket's own buffer in a response's writableLength.
    return (id ? this.lanes.get(id)?.res?.writableLength : 0) ?? 0
  }

  dispose(): void {
    for (const lane of this.lanes.values()) lane.res?.end()
    this.lanes.clear()
  }
}

/** Fills in the length of a frame built with 4 spare bytes in front. */
function lengthInPlace(frame: Buffer): Buffer {
  frame.writeUInt32LE(frame.length - 4, 0)
  return frame
}

/** One stream frame: u32 little-endian byte length, then the frame's UTF-8 text. One buffer, one write. */
export function streamFrame(text: string): Buffer {
  const len = Buffer.byteLength(text, 'utf8')
  const out = Buffer.allocUnsafe(4 + len)
  out.writeUInt32LE(len, 0)
  out.write(text, 4, 'utf8')
  return out
}
