/**
 * A connection's message log: plain (non-reactive) columns in a ring, bounded by a row cap and by a byte budget
 * for payloads, with a filtered view over it kept up to date incrementally. Components read it when a version
 * number changes. Over the budget, the oldest payloads are dropped from memory; their rows stay (time, direction,
 * size, a short preview) with a reference the host resolves from the recording when the row is opened.
 */
import type { Direction, SockEvent } from '../../../shared/events'
import { recordedRef } from '../../../shared/api'
import { LogRows, F_DROPPED, DIRS, KINDS, TEXT, kindBits } from '../lib/logRows'
import { MatchIndex, type Matcher } from '../lib/logFilter'
import { MIN_DROP, heldCost, previewCopy } from '../lib/payloadBudget'
import { loadLimits } from '../lib/logLimits'

export { compileFilter, type FilterSpec, type Matcher } from '../lib/logFilter'

export type EntryKind = 'text' | 'binary' | 'ping' | 'pong' | 'open' | 'close' | 'error' | 'info'
export type EntryDir = Direction | 'sys'

export interface LogEntry {
  seq: number
  ts: number
  dir: EntryDir
  kind: EntryKind
  size: number
  /** Payload (or its preview when `ref` is set); for connection events, the one-line summary. */
  data: string | Uint8Array
  ref?: string
  rttMs?: number
  /** Outgoing send that failed: the error. */
  failed?: string
  /** The source event for connection events (open, close, error, reconnect), for the detail pane. */
  event?: SockEvent
  /** A marker row: this many events are missing here (the host no longer held them). */
  missed?: number
}

export const ALL_DIRS: EntryDir[] = [...DIRS]
export const ALL_KINDS: EntryKind[] = [...KINDS]

/** Longest a filter slice keeps the page busy (a long task is 50 ms). */
const SLICE_MS = 30
/** Row objects handed out recently, kept so the same row is the same object (the detail pane watches it). */
const CACHED = 256

export class MessageLog {
  private readonly rows: LogRows
  /** Rows dropped because the cap was reached (never silently). */
  evicted = 0
  private readonly view = new MatchIndex()
  private filterRun = 0
  private onSlice: () => void = () => undefined
  private readonly cache = new Map<number, LogEntry>()
  /** Payload bytes held, the most allowed, and what was dropped to stay under it (rows and bytes freed). */
  heldBytes = 0
  droppedCount = 0
  droppedBytes = 0
  /** Rows below this were looked at for dropping already. */
  private dropFrom = 0
  /** The connection of the rows from each index on: refs to dropped payloads name it. */
  private conns: Array<[number, string]> = []

  constructor(
    cap = loadLimits().cap,
    public budget = loadLimits().budget
  ) {
    this.rows = new LogRows(cap)
  }

  get cap(): number {
    return this.rows.cap
  }
  /** Absolute index of the oldest held entry, and of the next one to be pushed. */
  get first(): number {
    return this.rows.first
  }
  get end(): number {
    return this.rows.end
  }
  get size(): number {
    return this.rows.length
  }

  push(e: LogEntry): void {
    if (this.rows.length >= this.rows.cap) {
      this.shift()
      this.evicted++
    }
    const id = e.event?.id
    if (id !== undefined && this.conns[this.conns.length - 1]?.[1] !== id) this.conns.push([this.rows.end, id])
    const abs = this.rows.push(e)
    this.heldBytes += heldCost(e.data, e.size)
    this.view.pushed(this.rows, abs)
    if (this.heldBytes > this.budget) this.enforceBudget()
  }

  private shift(): void {
    const r = this.rows
    const p = r.slot(r.first)
    this.heldBytes -= heldCost(r.data[p], r.size[p])
    this.cache.delete(r.first)
    r.shift()
    this.view.trim(r.first)
    if (this.conns.length > 1 && this.conns[1][0] <= r.first) this.conns.shift()
  }

  /** Drops the oldest payloads worth dropping until the held bytes fit the budget again. */
  private enforceBudget(): void {
    const r = this.rows
    this.dropFrom = Math.max(this.dropFrom, r.first)
    while (this.heldBytes > this.budget && this.dropFrom < r.end) this.drop(this.dropFrom++)
  }

  private drop(abs: number): void {
    const r = this.rows
    const p = r.slot(abs)
    const f = r.flags[p]
    const d = r.data[p]
    if (d === undefined || f & F_DROPPED || DIRS[f & 3] === 'sys') return
    const cost = heldCost(d, r.size[p])
    if (cost < MIN_DROP) return
    const preview = previewCopy(d, kindBits(f) === TEXT)
    const extra = r.extra(abs)
    // A payload the host still holds in memory is named too: it answers faster than the recording.
    const held = extra.ref && !extra.ref.startsWith('rec:') ? extra.ref : undefined
    extra.ref = recordedRef(this.connectionAt(abs) ?? 'unknown', r.seq[p], held)
    r.data[p] = preview
    r.flags[p] |= F_DROPPED
    const freed = cost - heldCost(preview, r.size[p])
    this.heldBytes -= freed
    this.droppedCount++
    this.droppedBytes += freed
    const cached = this.cache.get(abs)
    if (cached) Object.assign(cached, { data: preview, ref: extra.ref })
  }

  private connectionAt(abs: number): string | undefined {
    for (let i = this.conns.length - 1; i >= 0; i--) if (this.conns[i][0] <= abs) return this.conns[i][1]
    return undefined
  }

  /**
   * The tab's connection, for rows that arrived without a connection event naming it (after a reload the host
   * re-sends recent events only): it stands for everything before the first event that names one.
   */
  noteConnection(id: string | null): void {
    if (id && !this.conns.length) this.conns.push([0, id])
  }

  at(abs: number): LogEntry | undefined {
    if (abs < this.rows.first || abs >= this.rows.end) return undefined
    let e = this.cache.get(abs)
    if (e) this.cache.delete(abs)
    else e = this.rows.entry(abs)
    this.cache.set(abs, e)
    if (this.cache.size > CACHED) this.cache.delete(this.cache.keys().next().value!)
    return e
  }

  /** The engine time of a row, without building it. */
  /** The row of the event with this `seq`, if held (a scenario step's rows are found by their events). */
  absOfSeq(seq: number): number | undefined {
    const r = this.rows
    for (let a = r.first; a < r.end; a++) if (r.seq[r.slot(a)] === seq) return a
    return undefined
  }

  tsAt(abs: number): number | undefined {
    return abs >= this.rows.first && abs < this.rows.end ? this.rows.ts[this.rows.slot(abs)] : undefined
  }

  /** Sets the filter and scans the whole log now (tests, small logs). */
  setFilter(m: Matcher | null): void {
    this.filterRun++
    this.view.start(m, this.rows)
    this.view.step(this.rows, Infinity)
  }

  /**
   * Sets the filter and scans the log newest first: one slice now, the rest in later tasks, calling `onSlice`
   * after each so the view can redraw. A newer filter (or cap) cancels the scan.
   */
  runFilter(m: Matcher | null, onSlice: () => void = () => undefined): void {
    const run = ++this.filterRun
    this.onSlice = onSlice
    this.view.start(m, this.rows)
    const step = (): void => {
      if (run !== this.filterRun) return
      const done = this.view.step(this.rows, SLICE_MS)
      onSlice()
      if (!done) setTimeout(step, 0)
    }
    step()
  }

  get filtered(): boolean {
    return this.view.matcher !== null
  }

  /** A filter is still scanning older rows. */
  get filtering(): boolean {
    return this.view.scanning
  }

  /** Number of rows in the (possibly filtered) view. */
  viewLength(): number {
    return this.view.matcher ? this.view.length : this.rows.length
  }

  /** Absolute index of view row `i`. */
  viewAbs(i: number): number {
    return this.view.matcher ? this.view.abs(i) : this.rows.first + i
  }

  viewAt(i: number): LogEntry | undefined {
    return this.at(this.viewAbs(i))
  }

  clear(): void {
    this.rows.clear()
    this.cache.clear()
    this.heldBytes = 0
    this.dropFrom = this.rows.end
    this.conns = this.conns.slice(-1)
    this.runFilter(this.view.matcher, this.onSlice)
  }

  setCap(cap: number): void {
    while (this.rows.length > cap) {
      this.shift()
      this.evicted++
    }
    this.rows.setCap(cap)
    this.runFilter(this.view.matcher, this.onSlice)
  }

  /** A new payload budget: a lower one drops payloads now; a higher one fetches nothing back. */
  setBudget(bytes: number): void {
    this.budget = bytes
    if (this.heldBytes > bytes) this.enforceBudget()
  }

  /** All held entries, oldest first (for export). */
  entries(): LogEntry[] {
    const out: LogEntry[] = []
    for (let a = this.rows.first; a < this.rows.end; a++) out.push(this.cache.get(a) ?? this.rows.entry(a))
    return out
  }
}
