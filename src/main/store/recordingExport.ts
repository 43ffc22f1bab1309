/**
 * Exports a recording to a file of any size, written as the recording streams by, with backpressure, never as one
 * string (a 718 MB recording cannot be one string). NDJSON is lossless: an NDJSON recording is copied as it is, and
 * a version-2 recording becomes exactly the lines an NDJSON recording of it would have (recordFormat.ts).
 */
import { createWriteStream } from 'node:fs'
import { copyFile } from 'node:fs/promises'
import { once } from 'node:events'
import { HarWriter } from './har'
import { CSV_HEADER, csvRow } from './csv'
import { readHeader, streamEvents } from './ndjson'
import { ndjsonLines, readRecordHeader, streamRecordEvents } from './recordFile'

export type ExportFormat = 'ndjson' | 'har' | 'csv'

export const EXPORT_MIME: Record<ExportFormat, string> = { ndjson: 'application/x-ndjson', har: 'application/json', csv: 'text/csv' }

export async function exportRecording(source: string, format: ExportFormat, dest: string, version: string): Promise<void> {
  const records = source.endsWith('.sockrec')
  if (format === 'ndjson' && !records) return copyFile(source, dest)
  const out = createWriteStream(dest, { mode: 0o600 })
  const failed = new Promise<never>((_, reject) => out.once('error', reject))
  failed.catch(() => undefined)
  let backlog = false
  const write = (text: string): void => {
    if (!out.write(text)) backlog = true
  }
  const drain = async (): Promise<void> => {
    if (!backlog) return
    backlog = false
    await Promise.race([once(out, 'drain'), failed])
  }
  const events = records ? streamRecordEvents : streamEvents
  if (format === 'ndjson') {
    for await (const line of ndjsonLines(source)) {
      write(`${line}\n`)
      await drain()
    }
  } else if (format === 'csv') {
    write(CSV_HEADER)
    for await (const e of events(source)) {
      write(csvRow(e))
      await drain()
    }
  } else {
    const har = new HarWriter((await (records ? readRecordHeader : readHeader)(source))?.url ?? '', version, write)
    for await (const e of events(source)) {
      har.event(e)
      await drain()
    }
    har.end()
  }
  out.end()
  await Promise.race([once(out, 'finish'), failed])
}
