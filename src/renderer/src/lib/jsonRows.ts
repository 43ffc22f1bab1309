/**
 * A parsed JSON value as a flat list of tree rows, computed lazily: only the rows asked for are built, and
 * expanding a node adds its children to the list without touching them. The list is a short sequence of
 * segments, each a run of consecutive children of one container, so a million-element array costs one segment
 * until the user opens its elements. Pure: runs in the JSON tree worker and inline alike.
 */

/**
 * A decoded binary payload (shared/codecs) adds leaves JSON has no word for: bytes, integers past 2^53, dates, and
 * maps whose keys are not strings (shown with their keys as keys).
 */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'bytes' | 'bigint' | 'date' | 'map'

import { bytesText, summarizeValue, toJsonValue } from '../../../shared/codecs/summary'
import { base64 } from '../../../shared/wire'

/** One row as the tree draws it. */
export interface JsonRow {
  index: number
  /** The row's JSONPath-like address, `$` for the root: `$.user.roles[0]`, `$["a b"]`. */
  path: string
  /** 0 for the root. */
  depth: number
  /** Member name or array index; empty for the root. */
  key: string
  kind: JsonKind
  /** A scalar as text (strings JSON-quoted, long ones cut) or a container's size, `[3]` / `{2}`. */
  text: string
  /** A non-empty object or array. */
  expandable: boolean
  expanded: boolean
  /** Position among its siblings (1-based) and their number, for aria-posinset / aria-setsize. */
  posInSet: number
  setSize: number
  /** The index of the parent row, -1 for the root. */
  parent: number
}

type Container = Record<string, unknown> | unknown[] | Map<unknown, unknown>

/** What an open container shows: its children, addressed by position. */
interface Opened {
  value: Container
  /** Object member names (or a map's keys as text) in order; null for arrays. */
  keys: string[] | null
  /** A map's entries, in order. */
  entries?: Array<[unknown, unknown]>
  length: number
  path: string
  /** Depth of the children. */
  depth: number
}

/** A run of rows: children [from, to) of one opened container. */
interface Segment {
  of: Opened
  from: number
  to: number
}

/** Strings longer than this are cut in the row (copying the value gives all of it). */
export const MAX_TEXT = 500
/** The root's children open at first (the old tree's "two levels") only when there are this few of them. */
export const AUTO_OPEN_CHILDREN = 100

const IDENT = /^[A-Za-z_$][\w$]*$/

export function childPath(parentPath: string, key: string, inArray: boolean): string {
  if (inArray) return `${parentPath}[${key}]`
  return IDENT.test(key) ? `${parentPath}.${key}` : `${parentPath}[${JSON.stringify(key)}]`
}

const isContainer = (v: unknown): v is Container =>
  typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof Date)

export function kindOf(v: unknown): JsonKind {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (v instanceof Uint8Array) return 'bytes'
  if (v instanceof Date) return 'date'
  if (v instanceof Map) return 'map'
  return typeof v as JsonKind
}

const sizeOf = (v: Container): number => (Array.isArray(v) ? v.length : v instanceof Map ? v.size : Object.keys(v).length)

/** A scalar's text in the row: JSON-quoted strings, cut past MAX_TEXT with the full length said. */
export function scalarText(v: unknown): string {
  if (v instanceof Uint8Array) return bytesText(v)
  if (v instanceof Date) return isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString()
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v !== 'string') return String(v)
  if (v.length <= MAX_TEXT) return JSON.stringify(v)
  return `${JSON.stringify(v.slice(0, MAX_TEXT))}… (${v.length} characters)`
}

/** What "copy value" copies: containers pretty-printed, scalars as the row shows them but whole. */
export function valueText(v: unknown): string {
  if (isContainer(v)) return JSON.stringify(toJsonValue(v), null, 2)
  if (v instanceof Uint8Array) return base64.encode(v)
  if (v instanceof Date) return scalarText(v)
  return typeof v === 'string' ? JSON.stringify(v) : String(v)
}

/** A map key as the row's key: strings quoted, anything else as its one-line summary. */
const mapKeyText = (k: unknown): string => (typeof k === 'string' ? JSON.stringify(k) : summarizeValue(k, 80))

export class JsonRowModel {
  private segments: Segment[] = []
  /** First row index of each segment. */
  private starts: number[] = []
  private total = 0
  private readonly expanded = new Set<Container>()

  constructor(root: unknown) {
    // The root is the only child of a holder, so every row, the root's included, lives in a segment.
    const holder: Opened = { value: [root], keys: null, length: 1, path: '$', depth: 0 }
    this.segments = [{ of: holder, from: 0, to: 1 }]
    this.reindex()
    this.expand(0)
    if (isContainer(root) && sizeOf(root) <= AUTO_OPEN_CHILDREN) {
      // Open from the last child backwards: expanding one never moves the rows before it.
      for (let i = this.total - 1; i > 0; i--) this.expand(i)
    }
  }

  get count(): number {
    return this.total
  }

  /** Rows [from, to), clamped to the list. */
  rows(from: number, to: number): JsonRow[] {
    const out: JsonRow[] = []
    const end = Math.min(to, this.total)
    let i = Math.max(0, from)
    while (i < end) {
      const { s, seg } = this.locate(i)
      const parent = this.parentOfSegment(s)
      for (let c = seg.from + (i - this.starts[s]); c < seg.to && i < end; c++, i++) out.push(this.build(i, seg.of, c, parent))
    }
    return out
  }

  row(index: number): JsonRow | undefined {
    return this.rows(index, index + 1)[0]
  }

  /** Opens a non-empty container row; false when there was nothing to do. */
  expand(index: number): boolean {
    const at = this.find(index)
    if (!at) return false
    const { s, seg, c } = at
    const v = this.childValue(seg.of, c)
    if (!isContainer(v) || this.expanded.has(v)) return false
    const entries = v instanceof Map ? [...v.entries()] : undefined
    const keys = entries ? entries.map(([k]) => mapKeyText(k)) : Array.isArray(v) ? null : Object.keys(v)
    const length = keys ? keys.length : (v as unknown[]).length
    if (!length) return false
    const opened: Opened = { value: v, keys, entries, length, path: this.pathOf(seg.of, c), depth: seg.of.depth + 1 }
    // Split the run after this row: its children go between; an expanded row always ends its segment.
    const parts: Segment[] = [
      { of: seg.of, from: seg.from, to: c + 1 },
      { of: opened, from: 0, to: length }
    ]
    if (c + 1 < seg.to) parts.push({ of: seg.of, from: c + 1, to: seg.to })
    this.segments.splice(s, 1, ...parts)
    this.expanded.add(v)
    this.reindex()
    return true
  }

  /** Closes an open row, forgetting what was open below it; false when it was not open. */
  collapse(index: number): boolean {
    const at = this.find(index)
    if (!at) return false
    const { s, seg, c } = at
    const v = this.childValue(seg.of, c)
    if (!isContainer(v) || !this.expanded.has(v)) return false
    // Its descendants are the segments right after it that lie deeper than the row.
    let end = s + 1
    while (end < this.segments.length && this.segments[end].of.depth > seg.of.depth) {
      this.expanded.delete(this.segments[end].of.value)
      end++
    }
    const next = this.segments[end]
    const merged = next && next.of === seg.of && next.from === seg.to ? [{ of: seg.of, from: seg.from, to: next.to }] : null
    this.segments.splice(s, merged ? end - s + 1 : end - s, ...(merged ?? [seg]))
    this.reindex()
    return true
  }

  toggle(index: number): boolean {
    return this.collapse(index) || this.expand(index)
  }

  /** The text "copy value" gives for a row. */
  valueText(index: number): string {
    const at = this.find(index)
    return at ? valueText(this.childValue(at.seg.of, at.c)) : ''
  }

  private build(index: number, of: Opened, c: number, parent: number): JsonRow {
    const v = this.childValue(of, c)
    const kind = kindOf(v)
    const container = isContainer(v)
    const size = container ? sizeOf(v) : 0
    return {
      index,
      path: this.pathOf(of, c),
      depth: of.depth,
      key: of.depth === 0 ? '' : of.keys ? of.keys[c] : String(c),
      kind,
      text: container ? (kind === 'array' ? `[${size}]` : kind === 'map' ? `Map{${size}}` : `{${size}}`) : scalarText(v),
      expandable: size > 0,
      expanded: container && this.expanded.has(v),
      posInSet: c + 1,
      setSize: of.length,
      parent
    }
  }

  private childValue(of: Opened, c: number): unknown {
    if (of.entries) return of.entries[c][1]
    return of.keys ? (of.value as Record<string, unknown>)[of.keys[c]] : (of.value as unknown[])[c]
  }

  private pathOf(of: Opened, c: number): string {
    if (of.depth === 0) return '$'
    // A map's key is written as it reads (`$[1]`, `$["a"]`): it is not a member name.
    if (of.entries && of.keys) return childPath(of.path, of.keys[c], true)
    return of.keys ? childPath(of.path, of.keys[c], false) : childPath(of.path, String(c), true)
  }

  /**
   * The parent row of a segment's rows: the rows between a parent and its children are all deeper, so it is the
   * last row of the nearest earlier segment that is shallower.
   */
  private parentOfSegment(s: number): number {
    const depth = this.segments[s].of.depth
    if (depth === 0) return -1
    for (let j = s - 1; j >= 0; j--) if (this.segments[j].of.depth < depth) return this.starts[j + 1] - 1
    return -1
  }

  private find(index: number): { s: number; seg: Segment; c: number } | null {
    if (index < 0 || index >= this.total) return null
    const { s, seg } = this.locate(index)
    return { s, seg, c: seg.from + (index - this.starts[s]) }
  }

  /** The segment holding a row: binary search over the segment starts. */
  private locate(index: number): { s: number; seg: Segment } {
    let lo = 0
    let hi = this.segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid] <= index) lo = mid
      else hi = mid - 1
    }
    return { s: lo, seg: this.segments[lo] }
  }

  private reindex(): void {
    this.starts = new Array<number>(this.segments.length + 1)
    let n = 0
    for (let i = 0; i < this.segments.length; i++) {
      this.starts[i] = n
      n += this.segments[i].to - this.segments[i].from
    }
    this.starts[this.segments.length] = n
    this.total = n
  }
}
