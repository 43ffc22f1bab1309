/** A recording's NDJSON line with the message's decoded form added as its last field; any other line as it is. */
import { base64, isWireBytes } from '../../shared/wire'
import { decodedForExport, type DecodeOptions } from '../../shared/codecs/exportDecoded'

export function lineWithDecoded(line: string, decode: DecodeOptions): string {
  // Most lines of a busy recording are messages; the others (state, handshake, ping) are left unparsed.
  if (!line.includes('"type":"message"') || !line.endsWith('}')) return line
  let e: { type?: unknown; dir?: unknown; data?: unknown }
  try {
    e = JSON.parse(line) as typeof e
  } catch {
    return line // a damaged line goes out as it is
  }
  if (e.type !== 'message' || (e.dir !== 'in' && e.dir !== 'out')) return line
  const data = isWireBytes(e.data) ? base64.decode(e.data.$b) : e.data
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) return line
  const decoded = decodedForExport(data, e.dir, decode)
  return decoded ? `${line.slice(0, -1)},"decoded":${JSON.stringify(decoded)}}` : line
}
