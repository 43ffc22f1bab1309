/**
 * A message log's rows, column by column: numbers in typed arrays, payloads in one plain array, and the rare
 * fields (refs, RTTs, failures, source events, markers) in a side map. An object per row cost ~145 B of heap for
 * a 64 B message; columns cost ~25 B plus the payload, and a scan over a million rows reads flat memory. A ring
 * whose capacity doubles up to the cap, so a tab with a 1,000,000 cap holds nothing it does not use.
 */
import type { EntryDir, EntryKind, LogEntry } from '../stores/messageLog'
import { textOf } from './textBytes'

export const DIRS: EntryDir[] = ['in', 'out', 'sys']
export const KINDS: EntryKind[] = ['text', 'binary', 'ping', 'pong', 'open', 'close', 'error', 'info']
const DIR_CODE: Record<EntryDir, number> = { in: 0, out: 1, sys: 2 }
const KIND_CODE = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<EntryKind, number>

/** Flags byte: bits 0-1 the direction, 2-4 the kind, then these. */
export const F_EXTRA = 0x20
export const F_DROPPED = 0x40
export const dirBits = (f: number): number => f & 3
export const kindBits = (f: number): number => (f >> 2) & 7
/** The kind codes of a text and a binary message (KINDS' order). */
export const TEXT = 0
export const BINARY = 1

export type Extra = Partial<Pick<LogEntry, 'ref' | 'rttMs' | 'failed' | 'event' | 'missed'>>
const EXTRA_KEYS = ['ref', 'rttMs', 'failed', 'event', 'missed'] as const

const MIN_CAPACITY = 1024

/** A plain array of `n` holes filled in: `new Array(n)` past 100,000 may start as a slow dictionary. */
function slots<T>(n: number): Array<T | undefined> {
  const a: Array<T | undefined> = []
  for (let i = 0; i < n; i++) a.push(undefined)
  return a
}

export class LogRows {
  /** Absolute index of the oldest held row, and of the next one to be pushed. */
  first = 0
  end = 0
  capacity = 0
  data: Array<string | Uint8Array | undefined> = []
  seq = new Float64Array(0)
  ts = new Float64Array(0)
  /** Message sizes; a WebSocket message is far below 4 GiB. */
  size = new Uint32Array(0)
  flags = new Uint8Array(0)
  readonly extras = new Map<number, Extra>()

  constructor(public cap: number) {
    this.realloc(Math.min(cap, MIN_CAPACITY))
  }

  get length(): number {
    return this.end - this.first
  }

  slot(abs: number): number {
    return abs % this.capacity
  }

  /** Appends a row (the caller makes room at the cap first); returns its absolute index. */
  push(e: LogEntry): number {
    if (this.length >= this.capacity) this.realloc(Math.min(this.cap, this.capacity * 2))
    const abs = this.end++
    const p = abs % this.capacity
    this.data[p] = e.data
    this.seq[p] = e.seq
    this.ts[p] = e.ts
    this.size[p] = e.size
    let f = DIR_CODE[e.dir] | (KIND_CODE[e.kind] << 2)
    let extra: Extra | null = null
    for (const k of EXTRA_KEYS) {
      if (e[k] === undefined) continue
      extra ??= {}
      ;(extra as Record<string, unknown>)[k] = e[k]
    }
    if (extra) {
      f |= F_EXTRA
      this.extras.set(abs, extra)
    }
    this.flags[p] = f
    return abs
  }

  /** Forgets the oldest row. */
  shift(): void {
    const p = this.first % this.capacity
    this.data[p] = undefined
    if (this.flags[p] & F_EXTRA) this.extras.delete(this.first)
    this.first++
  }

  /** The row as the views and the detail pane see it (a new object each call). */
  entry(abs: number): LogEntry {
    const p = abs % this.capacity
    const f = this.flags[p]
    const e: LogEntry = {
      seq: this.seq[p],
      ts: this.ts[p],
      dir: DIRS[dirBits(f)],
      kind: KINDS[kindBits(f)],
      size: this.size[p],
      // Text that came as bytes (see textBytes.ts) is decoded for whoever shows it.
      data: kindBits(f) === TEXT ? textOf(this.data[p]!) : this.data[p]!
    }
    return f & F_EXTRA ? Object.assign(e, this.extras.get(abs)) : e
  }

  extra(abs: number): Extra {
    let x = this.extras.get(abs)
    if (!x) {
      this.extras.set(abs, (x = {}))
      this.flags[abs % this.capacity] |= F_EXTRA
    }
    return x
  }

  /** A new cap: the caller has shifted the rows beyond it out already. */
  setCap(cap: number): void {
    this.cap = cap
    this.realloc(Math.min(cap, Math.max(MIN_CAPACITY, this.length)))
  }

  clear(): void {
    this.extras.clear()
    this.first = this.end
    this.realloc(Math.min(this.cap, MIN_CAPACITY))
  }

  /** Moves the held rows into columns of `n` slots (each keeps its absolute index). */
  private realloc(n: number): void {
    const old = { data: this.data, seq: this.seq, ts: this.ts, size: this.size, flags: this.flags, cap: this.capacity }
    this.data = slots(n)
    this.seq = new Float64Array(n)
    this.ts = new Float64Array(n)
    this.size = new Uint32Array(n)
    this.flags = new Uint8Array(n)
    this.capacity = n
    for (let a = this.first; a < this.end; a++) {
      const from = a % old.cap
      const to = a % n
      this.data[to] = old.data[from]
      this.seq[to] = old.seq[from]
      this.ts[to] = old.ts[from]
      this.size[to] = old.size[from]
      this.flags[to] = old.flags[from]
    }
  }
}
