/**
 * How many messages a recording holds and how long it ran, for the Recordings list. Read from the records' heads
 * (each a small JSON without its payload), once per file size: a finished recording never changes, and a live one is
 * counted as it is written instead (RecordingStore).
 */
import { open } from 'node:fs/promises'
import { HEADER_SEQ } from './recordFormat'
import { fileRecords, isRecordFile } from './recordFile'

export interface RecordingStats {
  messages: number
  durationMs: number | null
}

/** Past this size a list would wait seconds for one file: its figures stay unknown. */
const MAX_SCAN_BYTES = 256 * 1024 * 1024
const cache = new Map<string, RecordingStats | null>()

/** Counts from an event head: whether it is a message, and its time. */
function headFacts(head: Buffer): { message: boolean; ts: number | null } {
  // The head is the event's JSON without its payload; its first fields name the type and time.
  const text = head.subarray(0, 256).toString('utf8')
  const ts = /"ts":(\d+(?:\.\d+)?)/.exec(text)
  return { message: text.includes('"type":"message"'), ts: ts ? Number(ts[1]) : null }
}

/** The figures of a format-2 recording, or null when unknown (an NDJSON one, too big, or unreadable). */
export async function recordingStats(path: string, size: number): Promise<RecordingStats | null> {
  const key = `${path}:${size}`
  if (cache.has(key)) return cache.get(key)!
  let stats: RecordingStats | null = null
  if (path.endsWith('.sockrec') && size <= MAX_SCAN_BYTES) {
    const fd = await open(path, 'r').catch(() => null)
    if (fd) {
      try {
        if (await isRecordFile(fd)) {
          let messages = 0
          let first: number | null = null
          let last: number | null = null
          // Read forward through one buffer: no read per record.
          for await (const r of fileRecords(fd)) {
            if (r.seq === HEADER_SEQ) continue
            const facts = headFacts(r.head)
            if (facts.message) messages++
            if (facts.ts !== null) {
              first ??= facts.ts
              last = facts.ts
            }
          }
          stats = { messages, durationMs: first !== null && last !== null ? last - first : null }
        }
      } catch {
        stats = null // damaged: the list shows the file without figures
      } finally {
        await fd.close()
      }
    }
  }
  if (cache.size > 2000) cache.clear()
  cache.set(key, stats)
  return stats
}
