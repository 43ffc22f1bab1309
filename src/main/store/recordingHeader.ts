/**
 * A recording's header, read without reading the recording (they grow to gigabytes), in either format, and what the
 * Recordings list shows of it.
 */
import { open } from 'node:fs/promises'
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
