/**
 * A recording's header, read without reading the recording (they grow to gigabytes), in either format, and what the
 * Recordings list shows of it.
 */
import { open } from 'node:fs/promises'
import type { ConnectionOptions } from '../../shared/options'
import { optionsWithoutSecrets } from '../../shared/secrets'
import type { RecordingInfo } from '../../shared/storeTypes'
import type { RecordingHeader } from './ndjson'
import { readRecordHeader } from './recordFile'

/** The header only: recordings grow to gigabytes, and listing must not read them whole. */
export async function header(path: string): Promise<Partial<RecordingHeader>> {
  if (path.endsWith('.sockrec')) return (await readRecordHeader(path)) ?? {}
  const fd = await open(path, 'r')
  try {
    const buf = Buffer.alloc(16 * 1024)
    const { bytesRead } = await fd.read(buf, 0, buf.length, 0)
    return JSON.parse(buf.subarray(0, bytesRead).toString('utf8').split('\n', 1)[0]) as RecordingHeader
  } catch {
    return {} // a damaged header still lists the file, so it can be exported or removed
  } finally {
    await fd.close()
  }
}

/** What a listing tells of a recording's connection settings, when its header kept them. */
export const settingsOf = (h: Partial<RecordingHeader>): Pick<RecordingInfo, 'options' | 'secrets' | 'profile'> => ({
  ...(h.options ? { options: h.options, secrets: h.secrets ?? [] } : {}),
  ...(typeof h.profile === 'string' ? { profile: h.profile } : {})
})

/** A new recording's header: its connection's settings kept with their secret values emptied. */
export function newHeader(
  url: string,
  startedAt: Date,
  connectionId: string,
  options?: ConnectionOptions,
  profile?: string
): RecordingHeader {
  return {
    type: 'sockscope-recording',
    version: 2,
    url,
    startedAt: startedAt.toISOString(),
    connectionId,
    ...(options ? optionsWithoutSecrets(headerOptions(options)) : {}),
    ...(profile ? { profile } : {})
  }
}

/** A header is read whole and refused past 1 MiB (recordFile.ts): a Protobuf schema bigger than this stays out of it. */
const HEADER_SCHEMA_MAX = 256 * 1024

function headerOptions(options: ConnectionOptions): ConnectionOptions {
  if (!options.protobuf || JSON.stringify(options.protobuf).length <= HEADER_SCHEMA_MAX) return options
  const { protobuf: _left, ...rest } = options
  return rest
}
