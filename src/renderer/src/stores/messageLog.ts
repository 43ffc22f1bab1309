/**
 * A connection's message log: a plain (non-reactive) ring buffer with a cap and an eviction count, and a
 * filtered view over it kept up to date incrementally. Components read it when a version number changes.
 */
import type { Direction, SockEvent } from '../../../shared/events'
import { toHex } from '../lib/format'

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

export interface FilterSpec {
  text: string
  caseSensitive: boolean
  dirs: Set<EntryDir>
  kinds: Set<EntryKind>
}

export const ALL_DIRS: EntryDir[] = ['in', 'out', 'sys']
export const ALL_KINDS: EntryKind[] = ['text', 'binary', 'ping', 'pong', 'open', 'close', 'error', 'info']

export type Matcher = (e: LogEntry) => boolean

/** Builds the predicate for a filter; `/.../flags` is a regular expression, anything else a substring. Throws on a bad regex. */
export function compileFilter(spec: FilterSpec): Matcher | null {
  const allDirs = spec.dirs.size === ALL_DIRS.length
  const allKinds = spec.kinds.size === ALL_KINDS.length
  const text = spec.text
  if (!text && allDirs && allKinds) return null
  let test: ((s: string) => boolean) | null = null
  const rx = /^\/(.+)\/([a-z]*)$/.exec(text)
  if (rx) {
    const flags = rx[2].replace(/[gy]/g, '') + (spec.caseSensitive || rx[2].includes('i') ? '' : 'i')
    const re = new RegExp(rx[1], flags)
    test = (s) => re.test(s)
  } else if (text) {
    const needle = spec.caseSensitive ? text : text.toLowerCase()
    test = spec.caseSensitive ? (s) => s.includes(needle) : (s) => s.toLowerCase().includes(needle)
  }
  return (e) => {
    if (!allDirs && !spec.dirs.has(e.dir)) return false
    if (!allKinds && !spec.kinds.has(e.kind)) return false
    if (!test) return true
    return test(typeof e.data === 'string' ? e.data : toHex(e.data, 256))
  }
}

export class MessageLog {
  private buf: (LogEntry | undefined)[]
  /** Absolute index of the oldest held entry, and of the next one to be pushed. */
  first = 0
  end = 0
  /** Entries dropped because the cap was reached (never silently). */
  evicted = 0
  private matcher: Matcher | null = null
  /** Absolute indices of matching entries, oldest first, from `head` on. */
  private matches: number[] = []
  private head = 0

  constructor(public cap = 100_000) {
    this.buf = new Array(cap)
  }

  get size(): number {
    return this.end - this.first
  }

  push(e: LogEntry): void {
    if (this.size >= this.cap) {
      this.buf[this.first % this.cap] = undefined
      this.first++
      this.evicted++
      if (this.matcher) while (this.head < this.matches.length && this.matches[this.head] < this.first) this.head++
    }
    const abs = this.end++
    this.buf[abs % this.cap] = e
    if (this.matcher && this.matcher(e)) this.matches.push(abs)
    if (this.head > 4096 && this.head > this.matches.length / 2) {
      this.matches = this.matches.slice(this.head)
      this.head = 0
    }
  }

  at(abs: number): LogEntry | undefined {
    return abs >= this.first && abs < this.end ? this.buf[abs % this.cap] : undefined
  }

  setFilter(m: Matcher | null): void {
    this.matcher = m
    this.matches = []
    this.head = 0
    if (!m) return
    for (let a = this.first; a < this.end; a++) if (m(this.buf[a % this.cap]!)) this.matches.push(a)
  }

  get filtered(): boolean {
    return this.matcher !== null
  }

  /** Number of rows in the (possibly filtered) view. */
  viewLength(): number {
    return this.matcher ? this.matches.length - this.head : this.size
  }

  /** Absolute index of view row `i`. */
  viewAbs(i: number): number {
    return this.matcher ? this.matches[this.head + i] : this.first + i
  }

  viewAt(i: number): LogEntry | undefined {
    return this.at(this.viewAbs(i))
  }

  clear(): void {
    this.buf = new Array(this.cap)
    this.first = this.end
    this.matches = []
    this.head = 0
  }

  setCap(cap: number): void {
    const entries: LogEntry[] = []
    for (let a = Math.max(this.first, this.end - cap); a < this.end; a++) entries.push(this.buf[a % this.cap]!)
    this.evicted += this.size - entries.length
    this.cap = cap
    this.buf = new Array(cap)
    this.first = this.end - entries.length
    entries.forEach((e, i) => (this.buf[(this.first + i) % cap] = e))
    this.setFilter(this.matcher)
  }

  /** All held entries, oldest first (for export). */
  entries(): LogEntry[] {
    const out: LogEntry[] = []
    for (let a = this.first; a < this.end; a++) out.push(this.buf[a % this.cap]!)
    return out
  }
}
