/**
 * Tests that look inside a recording file on disk (is every record whole, in `seq` order?) read it here, whichever
 * format it is in: version 2 (records with raw payloads, recordFormat.ts) or NDJSON. Synchronous and whole: test
 * recordings are small.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { MAGIC, PREFIX, ndjsonLine, writePrefix } from '../../src/main/store/recordFormat'

export interface FileRecord {
  seq: number
  head: Buffer
  payload: Buffer | null
}

/** The records of a version-2 file; `whole` is false when the last one is cut short (or the magic is missing). */
export function fileRecords(path: string): { records: FileRecord[]; whole: boolean } {
  const b = readFileSync(path)
  if (!b.subarray(0, MAGIC.length).equals(MAGIC)) return { records: [], whole: false }
  const records: FileRecord[] = []
  let at = MAGIC.length
  while (at + PREFIX <= b.length) {
    const headLength = b.readUInt32LE(at)
    const payloadLength = b.readUInt32LE(at + 4)
    const end = at + PREFIX + headLength + payloadLength
    if (end > b.length) break
    const head = b.subarray(at + PREFIX, at + PREFIX + headLength)
    records.push({ seq: b.readDoubleLE(at + 8), head, payload: payloadLength ? b.subarray(end - payloadLength, end) : null })
    at = end
  }
  return { records, whole: at === b.length }
}

/** A recording as the NDJSON lines it exports to (header first), and whether its last line or record is whole. */
export function recordingLines(path: string): { lines: string[]; whole: boolean } {
  if (!path.endsWith('.sockrec')) {
    const text = readFileSync(path, 'utf8')
    return { lines: text.split('\n').filter(Boolean), whole: text.endsWith('\n') }
  }
  const { records, whole } = fileRecords(path)
  return { lines: records.map((r) => ndjsonLine(r.head, r.payload, r.seq)), whole }
}

/** Rewrites a version-2 file with each record's head changed by `edit` (payloads kept as they are). */
export function rewriteRecords(path: string, edit: (head: Record<string, unknown>) => void): void {
  const parts: Buffer[] = [MAGIC]
  for (const r of fileRecords(path).records) {
    const o = JSON.parse(r.head.toString('utf8')) as Record<string, unknown>
    edit(o)
    const head = Buffer.from(JSON.stringify(o), 'utf8')
    const prefix = Buffer.alloc(PREFIX)
    writePrefix(prefix, 0, head.length, r.payload?.length ?? 0, r.seq)
    parts.push(prefix, head, ...(r.payload ? [r.payload] : []))
  }
  writeFileSync(path, Buffer.concat(parts))
}
