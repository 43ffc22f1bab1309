/**
 * Opens JSON text as a tree document. Small texts are parsed inline (no round trip, the tree shows in the same
 * frame); bigger ones in a worker that keeps the parsed value, so neither the parse nor a structured clone of the
 * result ever blocks the UI thread. Where no worker can start, everything runs inline.
 */
import { JsonDocHost, type JsonDocAnswer, type JsonDocReply, type JsonDocRequest, type RowWindow } from './jsonDocHost'
import type { CodecStep, ProtoSchemaDoc } from '../../../shared/codecs'

/** Below this many characters a parse takes well under a millisecond: not worth a worker round trip. */
export const INLINE_BELOW = 64 * 1024
/**
 * Big texts go to the worker in pieces of this many characters, each copy its own short task: posting a 10 MiB
 * text at once took the page 120 ms to serialise on a busy machine.
 */
export const PIECE = 1024 * 1024
/** Above this the parsed value could exhaust the worker's heap; such payloads stay text. */
export const MAX_TREE_TEXT = 32 * 1024 * 1024

type Send = (req: JsonDocRequest) => Promise<JsonDocReply>

let inlineHost: JsonDocHost | null = null
const inline: Send = (req) => Promise.resolve((inlineHost ??= new JsonDocHost()).handle(req))

/** The one worker all documents share, started on first need; null once it could not load. */
let worker: Worker | null | undefined
/** It answered once: an error after that is a crash (restart it), before that a load failure (go inline). */
let workerAlive = false
const pending = new Map<number, (r: JsonDocReply) => void>()
let nextId = 1

const WORKER_UNAVAILABLE = 'The JSON worker could not start.'
const WORKER_FAILED = 'The JSON worker stopped.'

function startWorker(): Worker | null {
  if (worker !== undefined) return worker
  try {
    worker = new Worker(new URL('./jsonTree.worker.ts', import.meta.url), { type: 'module', name: 'json-tree' })
  } catch {
    return (worker = null)
  }
  worker.onmessage = (e: MessageEvent<JsonDocAnswer>) => {
    workerAlive = true
    const done = pending.get(e.data.id)
    pending.delete(e.data.id)
    done?.(e.data.reply)
  }
  // A worker that cannot load fails what waits for it and new documents go inline; one that dies is restarted.
  worker.onerror = (e) => {
    e.preventDefault()
    worker?.terminate()
    const error = workerAlive ? WORKER_FAILED : WORKER_UNAVAILABLE
    worker = workerAlive ? undefined : null
    for (const done of pending.values()) done({ ok: false, error })
    pending.clear()
  }
  return worker
}

const viaWorker: Send = (req) => {
  const w = startWorker()
  if (!w) return Promise.resolve({ ok: false, error: WORKER_UNAVAILABLE })
  const id = nextId++
  return new Promise((resolve) => {
    pending.set(id, resolve)
    w.postMessage({ id, req })
  })
}

let nextDoc = 1
const nextTask = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

export class JsonDoc {
  private closed = false

  constructor(
    private readonly send: Send,
    readonly id: number,
    /** The first rows, as opened. */
    readonly first: RowWindow,
    /** Parsed in the worker (for tests and the bench to tell). */
    readonly inWorker: boolean
  ) {}

  rows(from: number, to: number): Promise<RowWindow> {
    return this.ask({ t: 'rows', doc: this.id, from, to }) as Promise<RowWindow>
  }

  /** Expands or collapses row `index`; answers with the window [from, to) of the changed list. */
  toggle(index: number, from: number, to: number): Promise<RowWindow> {
    return this.ask({ t: 'toggle', doc: this.id, index, from, to }) as Promise<RowWindow>
  }

  valueText(index: number): Promise<string> {
    return this.ask({ t: 'value', doc: this.id, index }) as Promise<string>
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    void this.send({ t: 'close', doc: this.id }).catch(() => undefined)
  }

  private async ask(req: JsonDocRequest): Promise<unknown> {
    const r = await this.send(req)
    if (!r.ok) throw new Error(r.error)
    return r.v
  }
}

/**
 * A document fed piece by piece while a big payload arrives: the worker holds the text by the time the last piece
 * lands and starts parsing at once.
 */
export class JsonDocStream {
  private readonly doc = nextDoc++
  /** Kept for the inline fallback, should the worker turn out unable to start. */
  private pieces: string[] = []
  private readonly send: Send

  /** `inlineOnly`: a small text, parsed on this thread without a round trip. */
  constructor(inlineOnly = false) {
    this.send = inlineOnly || typeof Worker === 'undefined' ? inline : viaWorker
  }

  append(piece: string): void {
    this.pieces.push(piece)
    if (this.send === viaWorker) void viaWorker({ t: 'append', doc: this.doc, text: piece })
  }

  /** Parses what was appended; rejects with the parser's message when it is not JSON. */
  async finish(): Promise<JsonDoc> {
    const pieces = this.pieces
    this.pieces = []
    const open = async (send: Send, text: string): Promise<JsonDoc> => {
      const r = await send({ t: 'open', doc: this.doc, text })
      if (!r.ok) throw new Error(r.error)
      return new JsonDoc(send, this.doc, r.v as RowWindow, send === viaWorker)
    }
    if (this.send === inline) return open(inline, pieces.join(''))
    try {
      return await open(viaWorker, '')
    } catch (e) {
      if (e instanceof Error && e.message === WORKER_UNAVAILABLE) return open(inline, pieces.join(''))
      throw e
    }
  }

  cancel(): void {
    this.pieces = []
    void this.send({ t: 'close', doc: this.doc })
  }
}

/** Opens JSON text; rejects with the parser's message when it is not JSON. */
export async function openJsonDoc(text: string): Promise<JsonDoc> {
  if (text.length < INLINE_BELOW) {
    const small = new JsonDocStream(true)
    small.append(text)
    return small.finish()
  }
  const stream = new JsonDocStream()
  for (let at = 0; at < text.length; at += PIECE) {
    // One piece per task: serialising all of a 10 MiB text for the worker at once is a long task of its own.
    if (at) await nextTask()
    stream.append(text.slice(at, at + PIECE))
  }
  return stream.finish()
}

/** Payloads below this many bytes decode on this thread: a MessagePack or CBOR decode of a few KiB is microseconds. */
export const DECODE_INLINE_BELOW = 4 * 1024

/** Decodes a payload through a codec chain as a tree document (in the worker past a few KiB); rejects with why not. */
export async function openDecodedDoc(
  payload: Uint8Array | string,
  chain: CodecStep[],
  maxOutputBytes: number,
  schema: ProtoSchemaDoc | null = null
): Promise<JsonDoc> {
  const doc = nextDoc++
  const open = async (send: Send): Promise<JsonDoc> => {
    const r = await send({ t: 'decode', doc, payload, chain, maxOutputBytes, schema })
    if (!r.ok) throw new Error(r.error)
    return new JsonDoc(send, doc, r.v as RowWindow, send === viaWorker)
  }
  const size = typeof payload === 'string' ? payload.length : payload.byteLength
  if (size < DECODE_INLINE_BELOW || typeof Worker === 'undefined') return open(inline)
  try {
    return await open(viaWorker)
  } catch (e) {
    if (e instanceof Error && e.message === WORKER_UNAVAILABLE) return open(inline)
    throw e
  }
}

/** Cheap test before parsing: the text starts with `{` or `[` and ends with `}` or `]` (whitespace aside). */
export function looksLikeJson(text: string): boolean {
  let a = 0
  while (a < text.length && isSpace(text.charCodeAt(a))) a++
  let b = text.length - 1
  while (b > a && isSpace(text.charCodeAt(b))) b--
  const first = text[a]
  const last = text[b]
  return b > a && ((first === '{' && last === '}') || (first === '[' && last === ']'))
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
