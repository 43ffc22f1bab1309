/**
 * Every connection records to disk as NDJSON: a header line, then every event with its full payload (binary
 * as base64). Lines are buffered and appended in batches. Retention by count and total size prunes whole files.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, readdirSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { SockEvent } from '../../shared/events'
import { readNdjsonFile, type ParsedRecording, type RecordingHeader } from './ndjson'
import { eventJson } from '../eventJson'
import type { RecordingInfo } from '../../shared/storeTypes'
import { RecordingWriter, type RecordingFailure } from './recordingWriter'

export type { RecordingHeader } from './ndjson'
export { parseNdjson } from './ndjson'

export interface RecordingLimits {
  maxCount: number
  maxBytes: number
}

export const recordingFileName = (startedAt: Date, connectionId: string): string =>
  `${startedAt.toISOString().replace(/[:.]/g, '-')}_${connectionId.slice(0, 8)}.ndjson`

export class RecordingStore {
  private readonly writers = new Map<string, { id: string; writer: RecordingWriter }>()
  /** Only the data folder's lock holder prunes: another process's live recordings are not ours to delete. */
  mayPrune: () => boolean = () => true
  /** Told when a recording cannot be written, so the connection can say so (the service wires it). */
  onFailure: (connectionId: string, f: RecordingFailure) => void = () => undefined
  /** Writers being closed: a read right after a connection is removed must wait for their last lines. */
  private readonly ending = new Set<Promise<void>>()

  constructor(
    readonly dir: string,
    private readonly limits: RecordingLimits = { maxCount: 500, maxBytes: 2 * 1024 * 1024 * 1024 }
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  }

  start(connectionId: string, url: string): string {
    try {
      this.prune(1)
    } catch {
      // Pruning is housekeeping: a folder we cannot prune must not stop a connection (its writer reports why).
    }
    const startedAt = new Date()
    const id = recordingFileName(startedAt, connectionId)
    const header: RecordingHeader = { type: 'sockscope-recording', version: 1, url, startedAt: startedAt.toISOString(), connectionId }
    const writer = new RecordingWriter(join(this.dir, id), JSON.stringify(header), (f) => this.onFailure(connectionId, f))
    this.writers.set(connectionId, { id, writer })
    return id
  }

  record(batch: SockEvent[]): void {
    for (const e of batch) this.recordOne(e)
  }

  recordOne(e: SockEvent): void {
    const w = this.writers.get(e.id)
    if (!w) return
    // Secret header values never reach the disk; the live handshake view masks them with a reveal instead.
    if (e.type === 'handshake' && e.requestHeaders.some((h) => h.secret)) {
      w.writer.push(JSON.stringify({ ...e, requestHeaders: e.requestHeaders.map((h) => (h.secret ? { ...h, value: '••••••' } : h)) }))
    } else w.writer.push(eventJson(e))
  }

  /** The connection still writing a recording, if it is live. */
  liveConnectionOf(recordingId: string): string | undefined {
    for (const [connectionId, w] of this.writers) if (w.id === recordingId) return connectionId
    return undefined
  }

  recordingOf(connectionId: string): string | undefined {
    return this.writers.get(connectionId)?.id
  }

  async end(connectionId: string): Promise<void> {
    const w = this.writers.get(connectionId)
    if (!w) return
    this.writers.delete(connectionId)
    const done = w.writer.end()
    this.ending.add(done)
    await done
    this.ending.delete(done)
  }

  async endAll(): Promise<void> {
    await Promise.all([...this.writers.keys()].map((id) => this.end(id)))
  }

  /** Resolves once buffered lines of every active recording have reached their files (before a read or export). */
  async settled(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.writer.settled()).concat([...this.ending]))
  }

  list(): RecordingInfo[] {
    const active = new Set([...this.writers.values()].map((w) => w.id))
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.ndjson'))
      .map((id) => {
        const path = join(this.dir, id)
        let url = ''
        let startedAt = ''
        try {
          const h = JSON.parse(firstLine(path)) as RecordingHeader
          url = h.url
          startedAt = h.startedAt
        } catch {
          // A damaged header still lists the file, so it can be exported or removed.
        }
        return { id, url, startedAt, bytes: statSync(path).size, active: active.has(id) }
      })
      .sort((a, b) => b.id.localeCompare(a.id))
  }

  pathOf(id: string): string {
    if (!/^[\w.-]+\.ndjson$/.test(id) || id.includes('..')) throw new Error(`Not a recording name: ${id}`)
    const path = join(this.dir, id)
    if (!existsSync(path)) throw new Error(`No recording ${id}; it may have been pruned.`)
    return path
  }

  /** Streams a recording in (never one string); at most `maxEvents` events are kept, the rest counted. */
  async read(id: string, maxEvents = Infinity): Promise<ParsedRecording> {
    await this.settled()
    return readNdjsonFile(this.pathOf(id), maxEvents)
  }

  /** Removes the oldest finished recordings beyond the count and size limits, leaving `room` for new ones. */
  prune(room = 0): string[] {
    if (!this.mayPrune()) return []
    const active = new Set([...this.writers.values()].map((w) => w.id))
    const all = this.list().reverse() // oldest first
    let count = all.length
    let bytes = all.reduce((s, r) => s + r.bytes, 0)
    const removed: string[] = []
    for (const r of all) {
      if (count + room <= this.limits.maxCount && bytes <= this.limits.maxBytes) break
      if (active.has(r.id)) continue
      unlinkSync(join(this.dir, r.id))
      removed.push(r.id)
      count--
      bytes -= r.bytes
    }
    return removed
  }
}

/** The header line only: recordings grow to hundreds of megabytes, and listing must not read them whole. */
function firstLine(path: string): string {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(16 * 1024)
    const n = readSync(fd, buf, 0, buf.length, 0)
    return buf.subarray(0, n).toString('utf8').split('\n', 1)[0]
  } finally {
    closeSync(fd)
  }
}
