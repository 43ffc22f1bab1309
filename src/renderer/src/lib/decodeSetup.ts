/** What a connection's settings say about decoding a message of one direction: its chain, schema and size limit. */
import { toRaw } from 'vue'
import { DEFAULT_CODEC_LIMITS, type ProtoSchemaDoc } from '../../../shared/codecs'
import type { Draft } from '../mappers/draft'
import type { EntryDir } from '../stores/messageLog'
import type { DecodeOptions } from '../../../shared/codecs/exportDecoded'

export interface DecodeSetup {
  /** The chain set for this direction as typed (`gzip → msgpack`), or '' when sniffed per message. */
  pinned: string
  /** The imported Protobuf schema, as plain data (a worker is sent it). */
  schema: ProtoSchemaDoc | null
  maxOutputBytes: number
}

export function decodeSetup(
  draft: Pick<Draft, 'decodeIn' | 'decodeOut' | 'decodeMaxOutputMiB' | 'protobuf'>,
  dir: EntryDir | undefined
): DecodeSetup {
  const mib = draft.decodeMaxOutputMiB
  return {
    pinned: dir === 'in' ? draft.decodeIn : dir === 'out' ? draft.decodeOut : '',
    schema: draft.protobuf ? toRaw(draft.protobuf) : null,
    maxOutputBytes: Number.isFinite(mib) && mib > 0 ? Math.round(mib * 1024 * 1024) : DEFAULT_CODEC_LIMITS.maxOutputBytes
  }
}

/** The same settings in the options' form, as exports read them (both directions). */
export function decodeOptions(draft: Pick<Draft, 'decodeIn' | 'decodeOut' | 'decodeMaxOutputMiB' | 'protobuf'>): DecodeOptions {
  const { maxOutputBytes } = decodeSetup(draft, undefined)
  return {
    decode: { ...(draft.decodeIn ? { in: draft.decodeIn } : {}), ...(draft.decodeOut ? { out: draft.decodeOut } : {}), maxOutputBytes },
    ...(draft.protobuf ? { protobuf: toRaw(draft.protobuf) } : {})
  }
}
