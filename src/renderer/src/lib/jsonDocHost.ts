/**
 * The JSON tree's document service: parses JSON text once and answers for its rows by message, so the same code
 * serves the tree from a worker (big payloads: the parse and the parsed value stay off the UI thread) or inline.
 */
import { JsonRowModel, type JsonRow } from './jsonRows'
import { decodeChain, type CodecStep, type ProtoSchemaDoc } from '../../../shared/codecs'

/** A window of rows and the list's length at the time. */
export interface RowWindow {
  count: number
  from: number
  rows: JsonRow[]
}

export type JsonDocRequest =
  /** A piece of a big text, sent ahead of its `open` so that no single message costs the page a long copy. */
  | { t: 'append'; doc: number; text: string }
  /** Parses the appended pieces and this last one; answers with the first rows, so the tree shows at once. */
  | { t: 'open'; doc: number; text: string }
  | { t: 'rows'; doc: number; from: number; to: number }
  /** Expands or collapses a row, then answers with the window [from, to) of the changed list. */
  | { t: 'toggle'; doc: number; index: number; from: number; to: number }
  | { t: 'value'; doc: number; index: number }
  | { t: 'close'; doc: number }
  /** Decodes a payload through a codec chain and opens the value as a tree; fails with the codec's sentence. */
  | { t: 'decode'; doc: number; payload: Uint8Array | string; chain: CodecStep[]; maxOutputBytes: number; schema: ProtoSchemaDoc | null }

/** `open`, `rows` and `toggle` answer a RowWindow, `value` the text, `append` and `close` null. */
export type JsonDocReply = { ok: true; v: RowWindow | string | null } | { ok: false; error: string }

/** Rows an `open` answers with: more than a tall pane shows. */
export const FIRST_ROWS = 200

export interface JsonDocEnvelope {
  id: number
  req: JsonDocRequest
}
export interface JsonDocAnswer {
  id: number
  reply: JsonDocReply
}

export class JsonDocHost {
  private readonly docs = new Map<number, JsonRowModel>()
  private readonly pieces = new Map<number, string[]>()

  handle(r: JsonDocRequest): JsonDocReply {
    try {
      return { ok: true, v: this.answer(r) }
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) }
    }
  }

  private answer(r: JsonDocRequest): RowWindow | string | null {
    if (r.t === 'append') {
      const got = this.pieces.get(r.doc)
      if (got) got.push(r.text)
      else this.pieces.set(r.doc, [r.text])
      return null
    }
    if (r.t === 'open') {
      const before = this.pieces.get(r.doc)
      this.pieces.delete(r.doc)
      const model = new JsonRowModel(JSON.parse(before ? before.join('') + r.text : r.text))
      this.docs.set(r.doc, model)
      return { count: model.count, from: 0, rows: model.rows(0, FIRST_ROWS) }
    }
    if (r.t === 'decode') {
      const out = decodeChain(r.payload, r.chain, { maxOutputBytes: r.maxOutputBytes }, r.schema)
      if (!out.ok) throw new Error(out.error)
      // The decoded value as it is: the tree shows bytes, big integers, dates and maps as what they are.
      const model = new JsonRowModel(out.value)
      this.docs.set(r.doc, model)
      return { count: model.count, from: 0, rows: model.rows(0, FIRST_ROWS) }
    }
    if (r.t === 'close') {
      this.docs.delete(r.doc)
      this.pieces.delete(r.doc)
      return null
    }
    const model = this.docs.get(r.doc)
    if (!model) throw new Error('This JSON document is closed.')
    if (r.t === 'value') return model.valueText(r.index)
    if (r.t === 'toggle') model.toggle(r.index)
    return { count: model.count, from: r.from, rows: model.rows(r.from, r.to) }
  }
}
