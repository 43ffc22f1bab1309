/**
 * The decoded form of a message beside its raw bytes in an export (the log's JSON, a recording's NDJSON and HAR):
 * through the chain the connection pins for the message's direction, else the chain sniffed from the bytes. A pinned
 * chain that fails says why, as the detail pane does; a sniff that finds nothing adds nothing.
 */
import type { ConnectionOptions } from '../options'
import { decodeChain } from './index'
import { sniffCodec } from './sniff'
import { toJsonValue } from './summary'
import { DEFAULT_CODEC_LIMITS, chainLabel, parseChain, type CodecStep } from './types'

/** What of a connection's options decoding reads. */
export type DecodeOptions = Pick<ConnectionOptions, 'decode' | 'protobuf'>

export type ExportDecoded = { codec: string; value: unknown } | { codec: string; error: string }

export function decodedForExport(data: string | Uint8Array, dir: 'in' | 'out', o: DecodeOptions | null | undefined): ExportDecoded | null {
  const pinned = dir === 'in' ? o?.decode?.in : o?.decode?.out
  let chain: CodecStep[] | null
  try {
    chain = pinned ? parseChain(pinned) : (sniffCodec(data)?.chain ?? null)
  } catch (e) {
    return { codec: pinned ?? '', error: (e as Error).message }
  }
  if (!chain) return null
  const limits = { maxOutputBytes: o?.decode?.maxOutputBytes ?? DEFAULT_CODEC_LIMITS.maxOutputBytes }
  const r = decodeChain(data, chain, limits, o?.protobuf ?? null)
  if (r.ok) return { codec: chainLabel(chain), value: toJsonValue(r.value) }
  return pinned ? { codec: chainLabel(chain), error: r.error } : null
}
