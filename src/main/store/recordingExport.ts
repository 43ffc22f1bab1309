/**
 * Exports a recording to a file of any size, written as the recording streams by, with backpressure, never as one
 * string (a 718 MB recording cannot be one string). NDJSON is lossless: an NDJSON recording is copied as it is, and
 * a version-2 recording becomes exactly the lines an NDJSON recording of it would have (recordFormat.ts). Asked
 * to (`decode`), NDJSON and HAR add each message's decoded form beside its raw bytes, and change nothing else.
 */
import { createWriteStream } from 'node:fs'
import { copyFile } from 'node:fs/promises'
import { once } from 'node:events'
import { HarWriter } from './har'
import { CSV_HEADER, csvRow } from './csv'
import { readHeader, streamEvents } from './ndjson'
import { ndjsonLines, readRecordHeader, streamRecordEvents } from './recordFile'
import { fileLines } from './ndjson'
import { lineWithDecoded } from './decodedLines'
import type { DecodeOptions } from '../../shared/codecs/exportDecoded'

export type ExportFormat = 'ndjson' | 'har' | 'csv'

export const EXPORT_MIME: Record<ExportFormat, string> = { ndjson: 'application/x-ndjson', har: 'application/json', csv: 'text/csv' }

export async function exportRecording(source: string, format: ExportFormat, dest: string, version: string, decoded = false): Promise<void> {
  const records = source.endsWith('.sockrec')
  if (format === 'ndjson' && !records && !decoded) return copyFile(source, dest)
  const header = await (records ? readRecordHeader : readHeader)(source)
  // The decode settings the connection had (recordings keep its options); without them, sniffed.
  const decode: DecodeOptions | null = decoded ? { decode: header?.options?.decode, protobuf: header?.options?.protobuf } : null
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
    for await (const line of records ? ndjsonLines(source) : fileLines(source)) {
      write(`${decode ? lineWithDecoded(line, decode) : line}\n`)
      await drain()
    }
  } else if (format === 'csv') {
    write(CSV_HEADER)
    for await (const e of events(source)) {
      write(csvRow(e))
      await drain()
    }
  } else {
    const har = new HarWriter(header?.url ?? '', version, write, decode)
    for await (const e of events(source)) {
      har.event(e)
      await drain()
    }
    har.end()
  }
  out.end()
  await Promise.race([once(out, 'finish'), failed])
}
