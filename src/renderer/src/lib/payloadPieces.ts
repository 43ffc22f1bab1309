/**
 * Fetches a big payload by its reference in pieces. Fetched whole, a 10 MiB payload arrives as one bridge message
 * that Chromium takes ~0.5 s to receive and as long again to release, freezing the page. A piece costs the page
 * more than its share (measured here: ~40 ms of CPU per 1 MiB piece, ~15 ms per 512 KiB one, and the whole
 * arrives sooner), so pieces are small and the page stays responsive between them. A text that looks like JSON
 * goes to the tree's worker piece by piece as it arrives, so its parse starts the moment the last piece lands.
 */
import type { PayloadRange } from '../../../shared/api'
import { JsonDocStream, MAX_TREE_TEXT, type JsonDoc } from './jsonDoc'

/** Characters of a text, bytes of a binary payload. */
export const PIECE = 512 * 1024
/** Requests kept in flight: the host prepares the next piece while the page takes in the last one. */
const IN_FLIGHT = 2

type Fetch = (ref: string, range: PayloadRange) => Promise<string | Uint8Array | null>
/** Hears each piece in order as it arrives, with the amount fetched so far; `last` on the final one. */
export type OnPiece = (piece: string | Uint8Array, fetched: number, last: boolean) => void

const lengthOf = (d: string | Uint8Array): number => (typeof d === 'string' ? d.length : d.byteLength)
/** Lets the page paint: copying 10 MiB into one string or array takes ~40 ms here, so it gets a task to itself. */
const nextTask = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

/** The payload's pieces in order, or null when the host no longer holds it. A piece shorter than asked for is the last. */
export async function fetchPieces(
  fetch: Fetch,
  ref: string,
  onPiece: OnPiece = () => undefined,
  piece = PIECE,
  inFlight = IN_FLIGHT
): Promise<Array<string | Uint8Array> | null> {
  const pieces: Array<string | Uint8Array> = []
  let fetched = 0
  let asked = 0
  const ask = (): Promise<string | Uint8Array | null> => fetch(ref, { offset: asked++ * piece, length: piece })
  const waiting = Array.from({ length: inFlight }, ask)
  for (;;) {
    const got = await waiting.shift()!
    if (got === null) return null
    pieces.push(got)
    fetched += lengthOf(got)
    const last = lengthOf(got) < piece
    onPiece(got, fetched, last)
    if (last) return pieces
    waiting.push(ask())
  }
}

/**
 * One payload from its pieces. With `rope`, texts are concatenated rather than joined: the engine keeps a rope and
 * copies it into one string only when something reads it whole, which the JSON view (fed from the worker) never
 * does; the Text view does at once, so it gets the copy made up front, in a task of its own.
 */
export async function joinPieces(pieces: Array<string | Uint8Array>, rope = false): Promise<string | Uint8Array> {
  if (pieces.length === 1) return pieces[0]
  if (rope && typeof pieces[0] === 'string') return (pieces as string[]).reduce((whole, p) => whole + p)
  await nextTask()
  const whole = typeof pieces[0] === 'string' ? (pieces as string[]).join('') : joinBytes(pieces as Uint8Array[])
  await nextTask()
  return whole
}

/** The whole payload, or null when the host no longer holds it. */
export async function fetchInPieces(
  fetch: Fetch,
  ref: string,
  onPiece?: OnPiece,
  piece?: number,
  inFlight?: number
): Promise<string | Uint8Array | null> {
  const pieces = await fetchPieces(fetch, ref, onPiece, piece, inFlight)
  return pieces && joinPieces(pieces)
}

function joinBytes(pieces: Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(pieces.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const p of pieces) {
    whole.set(p, at)
    at += p.byteLength
  }
  return whole
}

export interface FullPayload {
  data: string | Uint8Array
  /** A text that began like JSON was streamed into a tree document while it arrived: that document, parsing. */
  doc: Promise<JsonDoc> | null
}

/** The full payload (null when the host no longer holds it), a JSON-looking text parsed in the worker meanwhile. */
export async function loadFullPayload(fetch: Fetch, ref: string, progress: (fetched: number) => void): Promise<FullPayload | null> {
  let stream: JsonDocStream | null = null
  let doc: Promise<JsonDoc> | null = null
  const pieces = await fetchPieces(fetch, ref, (piece, fetched, last) => {
    progress(fetched)
    if (typeof piece !== 'string') return
    if (fetched === piece.length && /^\s*[[{]/.test(piece)) stream = new JsonDocStream()
    if (!stream) return
    if (fetched > MAX_TREE_TEXT) {
      // Too big for a tree: it stays text.
      stream.cancel()
      stream = null
      return
    }
    stream.append(piece)
    if (!last) return
    doc = stream.finish()
    doc.catch(() => undefined) // whoever adopts it handles a parse failure; nobody else should hear of it
  })
  if (pieces === null) {
    ;(stream as JsonDocStream | null)?.cancel()
    return null
  }
  return { data: await joinPieces(pieces, doc !== null), doc }
}

/** Closes a streamed document nobody adopted. */
export function discardDoc(doc: Promise<JsonDoc> | null): void {
  doc?.then(
    (d) => d.close(),
    () => undefined
  )
}
