/**
 * Appends one connection's recording (records of recordFormat.ts), buffered and written in batches. A write that fails (full disk,
 * read-only folder) is never swallowed: the first failure is reported with how many events could not be saved,
 * the recording stops there, and every later event is counted as lost, so nothing disappears silently.
 */
import { createWriteStream, truncateSync, type WriteStream } from 'node:fs'
import { HEADER_SEQ, MAGIC, PREFIX, writePrefix, type EventParts } from './recordFormat'

const FLUSH_MS = 50
const FLUSH_BYTES = 1 << 20

export interface RecordingFailure {
  path: string
  /** In the user's words: "the disk is full", "the folder is read-only". */
  why: string
  /** Events pushed that are not (and will not be) in the file. */
  lost: number
}

/** What the connection shows when its recording fails. */
export function recordingFailedError(f: RecordingFailure) {
  return {
    class: 'recording' as const,
    code: 'RECORDING_FAILED',
    message: `Recording to ${f.path} failed: ${f.why}. ${f.lost} event(s) could not be saved, and this connection is no longer recorded; the log still shows everything.`,
    next: 'Free some disk space or make the folder writable, then reconnect to record again.'
  }
}

function reason(err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT') return 'the disk is full'
  if (err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS') return 'the folder is read-only'
  return err.message
}

export class RecordingWriter {
  private records: EventParts[] = []
  private seqs: number[] = []
  private recordEvents = 0
  private bytes = 0
  private timer: NodeJS.Timeout | null = null
  private readonly stream: WriteStream
  /** Events handed to `push`, and those whose write completed. */
  private pushed = 0
  private confirmed = 0
  /** Bytes of the file that hold whole, confirmed records. */
  private confirmedBytes = 0
  private failure: NodeJS.ErrnoException | null = null
  /** The first write starts the file with MAGIC (counted in `bytes` from the start). */
  private first = true

  constructor(
    readonly path: string,
    header: string,
    private readonly onFailure: (f: RecordingFailure) => void
  ) {
    this.stream = createWriteStream(path, { flags: 'a', mode: 0o600 })
    this.stream.on('error', (err: NodeJS.ErrnoException) => this.failed(err))
    this.bytes = MAGIC.length
    this.append({ head: Buffer.from(header, 'utf8'), payload: null }, HEADER_SEQ, 0)
    // Written at once: should the disk fill up with the first events, the file is still a recording that says
    // whose it is (cut back to its header), not an empty file no reader knows.
    this.flush()
  }

  /** Events not in the file, once a write failed (0 while all is well). */
  get lost(): number {
    return this.failure ? this.pushed - this.confirmed : 0
  }

  private failed(err: NodeJS.ErrnoException): void {
    if (this.failure) return
    this.failure = err
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.records = []
    this.seqs = []
    // A write cut short by a full disk leaves a torn last record: cut the file back to its last whole one.
    try {
      truncateSync(this.path, this.confirmedBytes)
    } catch {
      // A file we could not even open has nothing to cut.
    }
    this.onFailure({ path: this.path, why: reason(err), lost: this.lost })
  }

  /** One event, as the head and payload encoded once for it (shared with the bridge). */
  push(record: EventParts, seq: number): void {
    this.pushed++
    if (!this.failure) this.append(record, seq, 1)
  }

  private append(record: EventParts, seq: number, events: number): void {
    this.records.push(record)
    this.seqs.push(seq)
    this.recordEvents += events
    this.bytes += PREFIX + record.head.length + (record.payload?.byteLength ?? 0)
    if (this.bytes >= FLUSH_BYTES) this.flush()
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), FLUSH_MS)
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (!this.records.length || this.failure) return
    const events = this.recordEvents
    // One copy of every record's bytes into one write: no second encoding, no length scan.
    const chunk = Buffer.allocUnsafe(this.bytes)
    let at = 0
    if (this.first) at += MAGIC.copy(chunk, 0)
    this.first = false
    for (let i = 0; i < this.records.length; i++) {
      const { head, payload } = this.records[i]
      writePrefix(chunk, at, head.length, payload?.byteLength ?? 0, this.seqs[i])
      at += PREFIX + head.copy(chunk, at + PREFIX)
      if (payload) {
        chunk.set(payload, at)
        at += payload.byteLength
      }
    }
    const size = chunk.length
    this.stream.write(chunk, (err) => {
      if (err) return
      this.confirmed += events
      this.confirmedBytes += size
    })
    this.records = []
    this.seqs = []
    this.recordEvents = 0
    this.bytes = 0
  }

  end(): Promise<void> {
    this.flush()
    if (this.failure || this.stream.destroyed) return Promise.resolve()
    return new Promise((r) => this.stream.end(r))
  }

  /** Resolves once everything pushed so far is in the file (or the recording has failed). */
  settled(): Promise<void> {
    this.flush()
    if (this.failure || this.stream.destroyed) return Promise.resolve()
    return new Promise((r) => this.stream.write('', () => r()))
  }
}
