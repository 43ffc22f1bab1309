/**
 * Codec chains: how a payload's bytes become a value, one step after another (`gzip → json`, `base64 → msgpack`).
 * Pure code for the page, a worker or Node alike: no Node built-ins.
 */

/** The steps a chain is made of. Compression and base64 steps give bytes to the next; the others end it with a value. */
export type BaseStep = 'gzip' | 'zlib' | 'deflate' | 'brotli' | 'base64' | 'utf8' | 'json' | 'msgpack' | 'cbor' | 'protobuf'

/**
 * One step of a chain: a base step, or `protobuf:trading.Trade`, a message type of the connection's imported
 * Protobuf schema (plain `protobuf` reads the wire format without one).
 */
export type CodecStep = BaseStep | `protobuf:${string}`

export const CODEC_STEPS: readonly BaseStep[] = [
  'gzip',
  'zlib',
  'deflate',
  'brotli',
  'base64',
  'utf8',
  'json',
  'msgpack',
  'cbor',
  'protobuf'
]

/** Steps whose output is bytes for a further step. */
export const BYTE_STEPS: ReadonlySet<CodecStep> = new Set(['gzip', 'zlib', 'deflate', 'brotli', 'base64'])

/** The message type a step names (`trading.Trade`), or null for the other steps. */
export function protoTypeOf(step: CodecStep): string | null {
  return step.startsWith('protobuf:') ? step.slice('protobuf:'.length) : null
}

/** What a step is called where the user reads it. */
export function stepName(step: CodecStep): string {
  const type = protoTypeOf(step)
  return type ? `Protobuf ${type}` : STEP_NAMES[step as BaseStep]
}

const STEP_NAMES: Record<BaseStep, string> = {
  gzip: 'gzip',
  zlib: 'zlib',
  deflate: 'raw deflate',
  brotli: 'brotli',
  base64: 'base64',
  utf8: 'UTF-8 text',
  json: 'JSON',
  msgpack: 'MessagePack',
  cbor: 'CBOR',
  protobuf: 'Protobuf'
}

export interface CodecLimits {
  /** The most bytes a step may produce (decompression, base64); past it the payload is refused, not decoded. */
  maxOutputBytes: number
}

export const DEFAULT_CODEC_LIMITS: CodecLimits = { maxOutputBytes: 64 * 1024 * 1024 }

export type DecodeResult =
  | { ok: true; chain: CodecStep[]; value: unknown }
  /** `step` failed at `offset` (into that step's input) when known; `error` is a sentence for the user. */
  | { ok: false; chain: CodecStep[]; step: CodecStep; offset: number | null; error: string }

/** A step's failure, with the byte it stopped at where the decoder says. */
export class CodecError extends Error {
  constructor(
    message: string,
    readonly offset: number | null = null
  ) {
    super(message)
  }
}

/** `gzip→json`, `pb:Trade`: the badge a log row and the detail pane show. */
export function chainLabel(chain: readonly CodecStep[]): string {
  return chain.map((s) => (protoTypeOf(s) ? `pb:${s.replace(/^.*[.:]/, '')}` : s)).join('→')
}

const TYPE_NAME = /^\.?[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/

/** Reads a chain as a user types it: `gzip → json`, `gzip->json`, `gzip>json`, `gzip, json`. */
export function parseChain(text: string): CodecStep[] {
  const parts = text
    .split(/\s*(?:→|->|>|,)\s*/)
    .map((s) => s.trim().replace(/^[^:]*/, (head) => head.toLowerCase()))
    .filter(Boolean)
  if (!parts.length) throw new Error('The codec chain is empty: name at least one step, for example "gzip → json".')
  const steps = parts.map((p): CodecStep => {
    const typed = /^(?:protobuf|pb):\s*(.*)$/.exec(p)
    if (typed) {
      if (!TYPE_NAME.test(typed[1])) throw new Error(`"${typed[1]}" is not a Protobuf message type name: write it as package.Message.`)
      return `protobuf:${typed[1].replace(/^\./, '')}`
    }
    const step = p === 'messagepack' ? 'msgpack' : p === 'inflate' ? 'deflate' : p === 'text' ? 'utf8' : p === 'br' ? 'brotli' : p
    if (!(CODEC_STEPS as readonly string[]).includes(step))
      throw new Error(`"${p}" is not a codec. Use one of: ${CODEC_STEPS.join(', ')}, or protobuf:Type for a type of the imported schema.`)
    return step as CodecStep
  })
  const last = steps.length - 1
  steps.forEach((s, i) => {
    if (i < last && !BYTE_STEPS.has(s))
      throw new Error(`${stepName(s)} gives a value, not bytes, so it can only be the last step of a chain.`)
  })
  return steps
}
