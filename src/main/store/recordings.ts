/**
 * Every connection records to disk: a header, then every event with its full payload, as records with raw payloads
 * (recordFormat.ts; older recordings are NDJSON, and are still read). Records are buffered and appended in
 * batches (recordingWriter.ts). Retention by count and total size
 * prunes whole files. The list of recordings is an index kept in memory, built once from the folder and then
 * kept up to date, so a connect never re-reads 500 files; all file work here is asynchronous.
 */
import { mkdirSync } from 'node:fs'
import { readdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { SockEvent } from '../../shared/events'
import { readNdjsonFile, type ParsedRecording, type RecordingHeader } from './ndjson'
import { eventParts } from './recordFormat'
import { readRecordFile } from './recordFile'
import { header, newHeader, settingsOf } from './recordingHeader'
import { RecordLookup } from './recordLookup'
import { SECRET_MASK } from '../../shared/secrets'
import type { ConnectionOptions } from '../../shared/options'
import type { RecordingInfo } from '../../shared/storeTypes'
import { RecordingWriter, type RecordingFailure } from './recordingWriter'
import { recordingStats } from './recordingStats'

export type { RecordingHeader } from './ndjson'
export { parseNdjson } from './ndjson'

export interface RecordingLimits {
  maxCount: number
  maxBytes: number
}

export const recordingFileName = (startedAt: Date, connectionId: string): string =>
  `${startedAt.toISOString().replace(/[:.]/g, '-')}_${connectionId.slice(0, 8)}.sockrec`

/** A recording's file name: new ones end in .sockrec, older (NDJSON) ones in .ndjson. */
export const RECORDING_NAME = /^[\w.-]+\.(sockrec|ndjson)$/

/** `closed`: the connection's last state; `onClosed` is set while a removed connection's close is awaited. */
type LiveRecording = {
  id: string
  writer: RecordingWriter
  messages: number
  firstTs?: number
  lastTs?: number
  closed?: boolean
  onClosed?: () => void
}

export class RecordingStore {
  private readonly writers = new Map<string, LiveRecording>()
  /** Which recording each connection of this run wrote, kept after it ended (payloads are read back from it). */
  private readonly byConnection = new Map<string, string>()
  /** Writers being closed: a read right after a connection is removed must wait for their last lines. */
  private readonly ending = new Set<Promise<void>>()
  /** Every recording on disk by id, once built. */
  private index: Promise<Map<string, Omit<RecordingInfo, 'active'>>> | null = null
  /** Only the data folder's lock holder prunes: another process's live recordings are not ours to delete. */
  mayPrune: () => boolean = () => true
  private readonly lookup = new RecordLookup()
  /** Told when a recording cannot be written, so the connection can say so (the service wires it). */
  onFailure: (connectionId: string, f: RecordingFailure) => void = () => undefined

  constructor(
    readonly dir: string,
    private readonly limits: RecordingLimits = { maxCount: 500, maxBytes: 2 * 1024 * 1024 * 1024 }
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  }

  private entries(): Promise<Map<string, Omit<RecordingInfo, 'active'>>> {
    this.index ??= (async () => {
      const map = new Map<string, Omit<RecordingInfo, 'active'>>()
      for (const id of (await readdir(this.dir)).filter((f) => RECORDING_NAME.test(f))) {
        try {
          const path = join(this.dir, id)
          const [h, s] = await Promise.all([header(path), stat(path)])
          map.set(id, { id, url: h.url ?? '', startedAt: h.startedAt ?? '', bytes: s.size, ...settingsOf(h) })
        } catch {
          // Gone between the listing and the stat: not a recording any more.
        }
      }
      return map
    })()
    return this.index
  }

  /** Starts recording a connection; `options` (its settings) are kept with their secret values emptied. */
  start(connectionId: string, url: string, options?: ConnectionOptions, profile?: string): string {
    const startedAt = new Date()
    const id = recordingFileName(startedAt, connectionId)
    const head = newHeader(url, startedAt, connectionId, options, profile)
    const writer = new RecordingWriter(join(this.dir, id), JSON.stringify(head), (f) => this.onFailure(connectionId, f))
    this.writers.set(connectionId, { id, writer, messages: 0 })
    this.byConnection.set(connectionId, id)
    if (this.byConnection.size > 10_000) this.byConnection.delete(this.byConnection.keys().next().value!)
    void this.entries().then((m) => m.set(id, { id, url, startedAt: head.startedAt, bytes: 0, ...settingsOf(head) }))
    // Housekeeping off the connect path: a folder we cannot prune must not stop a connection.
    void this.prune().catch(() => undefined)
    return id
  }

  record(batch: SockEvent[]): void {
    for (const e of batch) this.recordOne(e)
  }

  recordOne(e: SockEvent): void {
    const w = this.writers.get(e.id)
    if (!w) return
    // Counted as written: a live recording's figures for the list without reading it back.
    if (e.type === 'message') w.messages++
    w.firstTs ??= e.ts
    w.lastTs = e.ts
    // Secret header values never reach the disk; the live handshake view masks them with a reveal instead.
    if (e.type === 'handshake' && e.requestHeaders.some((h) => h.secret)) {
      const masked = { ...e, requestHeaders: e.requestHeaders.map((h) => (h.secret ? { ...h, value: SECRET_MASK } : h)) }
      w.writer.push({ head: Buffer.from(JSON.stringify(masked), 'utf8'), payload: null }, e.seq)
    } else w.writer.push(eventParts(e), e.seq)
    if (e.type === 'state') {
      w.closed = e.state === 'closed'
      if (w.closed) w.onClosed?.()
    }
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
    await this.refresh(w.id).catch(() => undefined) // the list's figure only: the recording is whole
  }

  /**
   * Ends the recording of a connection that was just terminated once its close is in it (the socket reports it a
   * moment later), so the file says how the connection ended; at most `boundMs` later.
   */
  endWhenClosed(connectionId: string, boundMs = 1000): Promise<void> {
    const w = this.writers.get(connectionId)
    if (!w || w.closed) return this.end(connectionId)
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, boundMs).unref()
      w.onClosed = () => {
        clearTimeout(timer)
        resolve()
      }
    }).then(() => this.end(connectionId))
    this.ending.add(done)
    void done.finally(() => this.ending.delete(done))
    return done
  }

  /** Ends every recording, and waits for those already ending: on quit, the process exits right after. */
  async endAll(): Promise<void> {
    const now = [...this.writers].filter(([, w]) => !w.onClosed).map(([id]) => this.end(id))
    await Promise.all([...now, ...this.ending])
  }

  /** Resolves once buffered lines of every active recording have reached their files (before a read or export). */
  async settled(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.writer.settled()).concat([...this.ending]))
  }

  private async refresh(id: string): Promise<void> {
    const m = await this.entries()
    const e = m.get(id)
    if (!e) return
    try {
      e.bytes = (await stat(join(this.dir, id))).size
    } catch {
      m.delete(id)
    }
  }

  /** Newest first; sizes and figures of live recordings as of now. */
  async list(): Promise<RecordingInfo[]> {
    await Promise.all([...this.writers.values()].map((w) => this.refresh(w.id)))
    const live = new Map([...this.writers.values()].map((w) => [w.id, w]))
    const all = [...(await this.entries()).values()].sort((a, b) => b.id.localeCompare(a.id))
    return Promise.all(
      all.map(async (r): Promise<RecordingInfo> => {
        const w = live.get(r.id)
        if (w) return { ...r, active: true, messages: w.messages, durationMs: w.lastTs !== undefined ? w.lastTs - w.firstTs! : 0 }
        const stats = await recordingStats(join(this.dir, r.id), r.bytes)
        return {
          ...r,
          active: false,
          ...(stats ? { messages: stats.messages } : {}),
          ...(stats?.durationMs != null ? { durationMs: stats.durationMs } : {})
        }
      })
    )
  }

  pathOf(id: string): string {
    if (!RECORDING_NAME.test(id) || id.includes('..')) throw new Error(`Not a recording name: ${id}`)
    return join(this.dir, id)
  }

  /** Streams a recording in (never one string); at most `maxEvents` events and `maxBytes` are kept, the rest counted. */
  async read(id: string, maxEvents = Infinity, maxBytes = Infinity): Promise<ParsedRecording> {
    await this.settled()
    try {
      const path = this.pathOf(id)
      return await (id.endsWith('.sockrec') ? readRecordFile : readNdjsonFile)(path, maxEvents, maxBytes)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`No recording ${id}; it may have been pruned.`, { cause: err })
      throw err
    }
  }

  /**
   * The recording a connection wrote: this run's, or found by the file name's id prefix and the header (a
   * read-only tab shows a recording from an earlier run).
   */
  async recordingFor(connectionId: string): Promise<string | undefined> {
    const known = this.byConnection.get(connectionId)
    if (known) return known
    const name = `_${connectionId.slice(0, 8)}.`
    for (const id of (await this.entries()).keys()) {
      if (id.includes(name) && (await header(join(this.dir, id)).catch((): Partial<RecordingHeader> => ({}))).connectionId === connectionId)
        return id
    }
    return undefined
  }

  /** The payload of event `seq` of a recording (message, ping or pong), or null when the file does not have it. */
  payloadAt(recordingId: string, seq: number): Promise<string | Uint8Array | null> {
    return this.lookup.shared(`${recordingId}:${seq}`, () => this.readPayload(recordingId, seq))
  }

  private async readPayload(recordingId: string, seq: number): Promise<string | Uint8Array | null> {
    await this.settled()
    try {
      return await this.lookup.payloadAt(this.pathOf(recordingId), seq)
    } catch (err) {
      // Pruned meanwhile, or a damaged line: not there to give back.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return null
      throw err
    }
  }

  /** Deletes a finished recording. A live one is refused: its connection is still writing it. */
  async delete(id: string): Promise<void> {
    const path = this.pathOf(id)
    if (this.liveConnectionOf(id) !== undefined)
      throw new Error(`Recording ${id} is still being written: disconnect its connection first, then delete it.`)
    await this.settled()
    await unlink(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err // already gone is what was asked
    })
    this.lookup.forget(path)
    ;(await this.entries()).delete(id)
    for (const [conn, rec] of this.byConnection) if (rec === id) this.byConnection.delete(conn)
  }

  /** Deletes every finished recording; live ones stay. How many went, and how many stayed because they are live. */
  async deleteAll(): Promise<{ deleted: number; live: number }> {
    const ids = [...(await this.entries()).keys()]
    let deleted = 0
    for (const id of ids) {
      if (this.liveConnectionOf(id) !== undefined) continue
      await this.delete(id)
      deleted++
    }
    return { deleted, live: ids.length - deleted }
  }

  /** Removes the oldest finished recordings beyond the count and size limits, leaving `room` for new ones. */
  async prune(room = 0): Promise<string[]> {
    if (!this.mayPrune()) return []
    const active = new Set([...this.writers.values()].map((w) => w.id))
    const m = await this.entries()
    const all = [...m.values()].sort((a, b) => a.id.localeCompare(b.id)) // oldest first
    let count = all.length
    let bytes = all.reduce((s, r) => s + r.bytes, 0)
    const removed: string[] = []
    for (const r of all) {
      if (count + room <= this.limits.maxCount && bytes <= this.limits.maxBytes) break
      if (active.has(r.id)) continue
      await unlink(join(this.dir, r.id)).catch(() => undefined)
      this.lookup.forget(join(this.dir, r.id))
      m.delete(r.id)
      removed.push(r.id)
      count--
      bytes -= r.bytes
    }
    return removed
  }
}
