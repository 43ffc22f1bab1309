/**
 * Reading version-2 recordings (records of recordFormat.ts) from disk: in order, as events or as NDJSON lines, and
 * one payload by `seq`. Files are read forward through a large buffer, never whole: recordings grow to gigabytes.
 * A file is untrusted (a crash can cut its last record short, a disk can damage it): a record that does not fit
 * in the file ends the reading with a problem, never an exception.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { EventReader, type LineProblem, type ParsedRecording, type RecordingHeader } from './ndjson'
import { HEADER_SEQ, MAGIC, PREFIX, ndjsonLine, recordValue } from './recordFormat'
import type { SockEvent } from '../../shared/events'

const CHUNK = 1 << 20

export interface StoredRecord {
  seq: number
  head: Buffer
  payload: Buffer | null
  /** The record's first byte in the file. */
  offset: number
}

/** A file read forward through one buffer: a record is cut from it with no read of its own. */
class ForwardReader {
  private buf = Buffer.alloc(0)
  private pos = 0
  /** The file offset of buf[0]. */
  private base: number

  constructor(
    private readonly fd: FileHandle,
    at: number,
    readonly size: number
  ) {
    this.base = at
  }

  get offset(): number {
    return this.base + this.pos
  }

  /** Makes `n` bytes from the current offset readable; false when the file ends first. */
  async need(n: number): Promise<boolean> {
    if (this.buf.length - this.pos >= n) return true
    if (this.offset + n > this.size) return false
    // A new buffer each time: records handed out earlier keep their views valid.
    const next = Buffer.allocUnsafe(Math.max(CHUNK, n))
    const kept = this.buf.copy(next, 0, this.pos)
    this.base += this.pos
    this.pos = 0
    let filled = kept
    while (filled < n) {
      const { bytesRead } = await this.fd.read(next, filled, Math.min(next.length, this.size - this.base) - filled, this.base + filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    this.buf = next.subarray(0, filled)
    return filled >= n
  }

  take(n: number): Buffer {
    const b = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return b
  }

  /** Passes over `n` bytes, reading none that are not already buffered (a big payload is seeked over). */
  skip(n: number): void {
    if (this.buf.length - this.pos >= n) this.pos += n
    else {
      this.base = this.offset + n
      this.buf = Buffer.alloc(0)
      this.pos = 0
    }
  }
}

export interface RecordPrefix {
  seq: number
  offset: number
  headLength: number
  payloadLength: number
}

/** The next record's prefix, or null where the file ends or cuts the record short (or it is damaged). */
async function nextPrefix(r: ForwardReader): Promise<RecordPrefix | null> {
  const offset = r.offset
  if (!(await r.need(PREFIX))) return null
  const prefix = r.take(PREFIX)
  const p = { seq: prefix.readDoubleLE(8), offset, headLength: prefix.readUInt32LE(0), payloadLength: prefix.readUInt32LE(4) }
  return p.headLength === 0 || !Number.isInteger(p.seq) || offset + PREFIX + p.headLength + p.payloadLength > r.size ? null : p
}

/** The records' prefixes only, from byte `from` on: bodies are passed over. Stops at a record the file cuts short. */
export async function* recordPrefixes(fd: FileHandle, from: number, size: number): AsyncGenerator<RecordPrefix> {
  const r = new ForwardReader(fd, from, size)
  for (let p = await nextPrefix(r); p; p = await nextPrefix(r)) {
    r.skip(p.headLength + p.payloadLength)
    yield p
  }
}

/** Whether a file starts as a version-2 recording. */
export async function isRecordFile(fd: FileHandle): Promise<boolean> {
  const b = Buffer.alloc(MAGIC.length)
  const { bytesRead } = await fd.read(b, 0, b.length, 0)
  return bytesRead === MAGIC.length && b.equals(MAGIC)
}

/**
 * The records from byte `from` on (the first record is at MAGIC.length). A record cut short or damaged ends the
 * sequence; `torn` is told its offset.
 */
export async function* fileRecords(
  fd: FileHandle,
  from = MAGIC.length,
  torn: (offset: number) => void = () => undefined
): AsyncGenerator<StoredRecord> {
  const r = new ForwardReader(fd, from, (await fd.stat()).size)
  while (r.offset < r.size) {
    const p = await nextPrefix(r)
    if (!p || !(await r.need(p.headLength + p.payloadLength))) return torn(p?.offset ?? r.offset)
    const head = r.take(p.headLength)
    yield { seq: p.seq, head, payload: p.payloadLength ? r.take(p.payloadLength) : null, offset: p.offset }
  }
}

/** Runs `fn` on the file's records once it is known to be a version-2 recording. */
async function withRecords<T>(path: string, fn: (fd: FileHandle) => Promise<T>): Promise<T> {
  const fd = await open(path, 'r')
  try {
    if (!(await isRecordFile(fd)))
      throw new Error(`${path} is not a Sockscope recording (its first bytes are not ${JSON.stringify(MAGIC.toString())}).`)
    return await fn(fd)
  } finally {
    await fd.close()
  }
}

const tornProblem = (r: EventReader) => (): void => {
  r.out.problems.push({ line: r.n + 1, why: 'the file ends partway through this event (the app stopped while writing it)' })
}

/** One record into the reader; a head that is not JSON is a problem of that record, never fatal. */
function readRecord(r: EventReader, rec: StoredRecord): void {
  r.n++
  let o: unknown
  try {
    o = recordValue(rec.head, rec.payload && new Uint8Array(rec.payload))
  } catch {
    r.out.problems.push({ line: r.n, why: 'not JSON' })
    return
  }
  r.value(o, rec.head.length + (rec.payload?.length ?? 0))
}

/** Reads a recording's events; at most `maxEvents` (and `maxBytes` of them) are kept, the rest counted. */
export function readRecordFile(path: string, maxEvents = Infinity, maxBytes = Infinity): Promise<ParsedRecording> {
  return withRecords(path, async (fd) => {
    const r = new EventReader(maxEvents, maxBytes)
    for await (const rec of fileRecords(fd, MAGIC.length, tornProblem(r))) readRecord(r, rec)
    return r.out
  })
}

/** A recording's events one at a time (for exports of any size); bad records are counted in `problems`. */
export async function* streamRecordEvents(path: string, problems: LineProblem[] = []): AsyncGenerator<SockEvent> {
  const fd = await open(path, 'r')
  try {
    if (!(await isRecordFile(fd))) return
    const r = new EventReader(1)
    for await (const rec of fileRecords(fd, MAGIC.length, tornProblem(r))) {
      readRecord(r, rec)
      const e = r.out.events.pop()
      if (e) yield e
      if (r.out.problems.length) problems.push(...r.out.problems.splice(0))
    }
    if (r.out.problems.length) problems.push(...r.out.problems)
  } finally {
    await fd.close()
  }
}

/** The recording as the NDJSON lines (each without its newline) that a version-1 recording of it has. */
export async function* ndjsonLines(path: string): AsyncGenerator<string> {
  const fd = await open(path, 'r')
  try {
    if (!(await isRecordFile(fd))) return
    for await (const rec of fileRecords(fd)) {
      try {
        yield ndjsonLine(rec.head, rec.payload, rec.seq)
      } catch {
        yield rec.head.toString('utf8') // a damaged head goes out as it is, as a damaged NDJSON line would
      }
    }
  } finally {
    await fd.close()
  }
}

/** The header record of a version-2 recording, or null; reads only its first bytes (listing reads hundreds). */
export async function readRecordHeader(path: string): Promise<RecordingHeader | null> {
  try {
    return await withRecords(path, async (fd) => {
      const prefix = Buffer.alloc(PREFIX)
      await fd.read(prefix, 0, PREFIX, MAGIC.length)
      const length = prefix.readUInt32LE(0)
      if (prefix.readDoubleLE(8) !== HEADER_SEQ || length > 1 << 20) return null
      const head = Buffer.alloc(length)
      await fd.read(head, 0, length, MAGIC.length + PREFIX)
      const o = JSON.parse(head.toString('utf8')) as RecordingHeader
      return o.type === 'sockscope-recording' ? o : null
    })
  } catch {
    return null
  }
}
