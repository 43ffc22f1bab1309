/** Turns what the composer holds into an outgoing message, or a clear problem. Pure, so it is unit-tested. */
import type { OutgoingMessage } from '../../../shared/options'
import { base64Problem, hexProblem } from '../../../shared/validate'
import type { HistoryEntry, SavedComposer } from '../../../shared/tabs'
import { base64 } from '../../../shared/wire'
import { chainLabel, encodeChain, parseChain, type ProtoSchemaDoc } from '../../../shared/codecs'
import JSON5 from 'json5'
import { newFormState, type FormState } from './protocolForms'

/** `protocol`: the form of the protocol the connection speaks (lib/protocolForms.ts). */
export type ComposerMode = 'text' | 'json' | 'binary' | 'file' | 'protocol'

export interface ComposerInput {
  mode: ComposerMode
  text: string
  binaryEncoding: 'hex' | 'base64'
  file?: ComposerFile
  /** JSON mode: send the value through this codec chain (`msgpack`, `gzip → cbor`, `protobuf:trading.Trade`); empty sends the JSON text. */
  encodeAs?: string
}

/**
 * JSON mode reads JSON5 too (comments, trailing commas, unquoted keys, single quotes: https://spec.json5.org/), as a
 * hand-written message often has them. Text that is JSON goes out as typed; JSON5 goes out as its JSON equivalent,
 * since a server expecting JSON could not read it.
 */
function parseJson5(text: string): unknown {
  return JSON5.parse(text)
}

function isStrictJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** A picked file. `text` only when its bytes are valid UTF-8: anything else would go out as U+FFFD, silently. */
export interface ComposerFile {
  name: string
  base64: string
  size: number
  asText: boolean
  text?: string
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** A newly picked file: sent as binary unless the user ticks "send as text" (offered for valid UTF-8 only). */
export function pickedFile(name: string, bytes: Uint8Array): ComposerFile {
  let text: string | undefined
  try {
    text = strictUtf8.decode(bytes)
  } catch {
    text = undefined
  }
  return { name, base64: base64.encode(bytes), size: bytes.byteLength, asText: false, ...(text === undefined ? {} : { text }) }
}

/** One tab's composer: the draft, what was sent (newest last) and the messages saved by name. */
export interface ComposerState extends ComposerInput {
  history: HistoryEntry[]
  /** The protocol form's action, fields and id counter. */
  form: FormState
  /** Where the arrow keys are in the history; -1 is the draft itself. */
  historyIndex: number
  saved: SavedComposer['saved']
  saveName: string
}

export type Built = { ok: true; message: OutgoingMessage } | { ok: false; problem: string }

export function jsonProblem(text: string): string | null {
  try {
    parseJson5(text)
    return null
  } catch (e) {
    return `Invalid JSON: ${(e as Error).message.replace(/^JSON5: /, '')}`
  }
}

/** Formatted as JSON (JSON5 becomes JSON: its comments do not survive, which the Format button's title says). */
export function formatJson(text: string): string {
  return JSON.stringify(parseJson5(text), null, 2)
}

/** `schema`: the connection's imported Protobuf schema, which a `protobuf:Type` chain encodes with. */
export function buildMessage(i: ComposerInput, schema: ProtoSchemaDoc | null = null): Built {
  switch (i.mode) {
    case 'text':
      return { ok: true, message: { kind: 'text', data: i.text } }
    case 'json': {
      const p = jsonProblem(i.text)
      if (p) return { ok: false, problem: p }
      if (i.encodeAs) return encoded(i.text, i.encodeAs, schema)
      return { ok: true, message: { kind: 'text', data: isStrictJson(i.text) ? i.text : JSON.stringify(parseJson5(i.text)) } }
    }
    case 'binary': {
      const p = i.binaryEncoding === 'hex' ? hexProblem(i.text) : base64Problem(i.text)
      if (p) return { ok: false, problem: `Invalid ${i.binaryEncoding}: ${p}` }
      if (!i.text.trim()) return { ok: false, problem: 'Nothing to send: enter some bytes.' }
      return { ok: true, message: { kind: 'binary', encoding: i.binaryEncoding, data: i.text } }
    }
    case 'protocol':
      return { ok: false, problem: 'A protocol form is built by its panel (lib/protocolForms.ts).' }
    case 'file':
      if (!i.file) return { ok: false, problem: 'Choose a file first.' }
      return i.file.asText && i.file.text !== undefined
        ? { ok: true, message: { kind: 'text', data: i.file.text } }
        : { ok: true, message: { kind: 'binary', encoding: 'base64', data: i.file.base64 } }
  }
}

/** JSON text encoded through a chain: bytes go as binary, text (a chain ending in base64 or json) as text. */
function encoded(json: string, chainText: string, schema: ProtoSchemaDoc | null): Built {
  try {
    const out = encodeChain(parseJson5(json), parseChain(chainText), schema)
    return typeof out === 'string'
      ? { ok: true, message: { kind: 'text', data: out } }
      : { ok: true, message: { kind: 'binary', encoding: 'base64', data: base64.encode(out) } }
  } catch (e) {
    return { ok: false, problem: `Cannot encode as ${chainText}: ${(e as Error).message}` }
  }
}

/** What encoding does to the size, shown before sending: `42 B as JSON → 31 B as gzip→msgpack`. */
export function encodedSizes(
  i: ComposerInput,
  schema: ProtoSchemaDoc | null = null
): { json: number; encoded: number; label: string } | null {
  if (i.mode !== 'json' || !i.encodeAs || jsonProblem(i.text)) return null
  const built = encoded(i.text, i.encodeAs, schema)
  if (!built.ok) return null
  const m = built.message
  const size = m.kind === 'binary' ? base64.decode(m.data).byteLength : new TextEncoder().encode(m.data).byteLength
  return { json: new TextEncoder().encode(i.text).byteLength, encoded: size, label: chainLabel(parseChain(i.encodeAs)) }
}

export function newComposer(): ComposerState {
  return {
    mode: 'text',
    text: '',
    binaryEncoding: 'hex',
    encodeAs: '',
    history: [],
    form: newFormState(),
    historyIndex: -1,
    saved: [],
    saveName: ''
  }
}

const HISTORY_MAX = 200

/** After a send: the message joins the history with its kind (not twice in a row, at most HISTORY_MAX kept). */
export function remember(s: ComposerState, sent?: OutgoingMessage): void {
  // A form's frame joins the history as the wire text or bytes it became: recalled, it sends the same again.
  if (s.mode === 'protocol' && sent)
    return rememberEntry(
      s,
      sent.kind === 'text' ? { mode: 'text', text: sent.data } : { mode: 'binary', text: hexOf(sent), binaryEncoding: 'hex' }
    )
  if (s.mode === 'file' || s.mode === 'protocol' || !s.text) return
  rememberEntry(s, {
    mode: s.mode,
    text: s.text,
    ...(s.mode === 'binary' ? { binaryEncoding: s.binaryEncoding } : {}),
    ...(s.mode === 'json' && s.encodeAs ? { encodeAs: s.encodeAs } : {})
  })
}

function hexOf(m: Extract<OutgoingMessage, { kind: 'binary' }>): string {
  const bytes = m.encoding === 'hex' ? null : base64.decode(m.data)
  return bytes ? [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ') : m.data
}

function rememberEntry(s: ComposerState, entry: HistoryEntry): void {
  const last = s.history[s.history.length - 1]
  const same =
    last &&
    last.text === entry.text &&
    last.mode === entry.mode &&
    last.binaryEncoding === entry.binaryEncoding &&
    last.encodeAs === entry.encodeAs
  if (!same) s.history.push(entry)
  if (s.history.length > HISTORY_MAX) s.history.shift()
  s.historyIndex = -1
}

/** Arrow up (-1) or down (1) through the history; stepping past either end leaves an empty draft. */
export function historyStep(s: ComposerState, d: number): void {
  if (!s.history.length) return
  const i = s.historyIndex < 0 ? (d < 0 ? s.history.length - 1 : -1) : s.historyIndex + d
  if (i < 0 || i >= s.history.length) {
    s.historyIndex = -1
    s.text = ''
    return
  }
  // A recalled message comes back as what it was sent as: `de ad be ef` is hex bytes, not text.
  const entry = s.history[i]
  s.historyIndex = i
  s.mode = entry.mode
  if (entry.binaryEncoding) s.binaryEncoding = entry.binaryEncoding
  if (entry.mode === 'json') s.encodeAs = entry.encodeAs ?? ''
  s.text = entry.text
}

export function loadSaved(s: ComposerState, name: string): void {
  const m = s.saved.find((x) => x.name === name)
  if (!m) return
  s.mode = m.mode
  s.text = m.text
  // A saved message keeps its codec.
  if (m.mode === 'json') s.encodeAs = m.encodeAs ?? ''
}
