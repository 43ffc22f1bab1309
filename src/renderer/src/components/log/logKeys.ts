/**
 * Keyboard movement in the message log, kept apart from the view so it is testable without a browser. Rows are
 * addressed by their place in the (filtered, possibly paused) view: 0 … count-1.
 */

const STEPS: Record<string, number> = { ArrowDown: 1, ArrowUp: -1 }
/** The keys the log handles itself (with Home, End and Enter); anything else goes on to the page. */
export const LOG_KEYS = new Set(['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End', 'Enter'])

/**
 * The row a key selects. `current` is the selected row's place, or null when nothing in view is selected: the
 * log is usually followed at its end, so any move then starts from the newest row. Enter keeps the row (it opens
 * its detail). Null when the key is not the log's or the view is empty.
 */
export function rowForKey(key: string, current: number | null, count: number, page: number): number | null {
  if (!LOG_KEYS.has(key) || count <= 0) return null
  const last = count - 1
  if (key === 'Home') return 0
  if (key === 'End' || current === null) return last
  const step = STEPS[key] ?? (key === 'PageDown' ? page : key === 'PageUp' ? -page : 0)
  return Math.max(0, Math.min(last, current + step))
}

/** Whole rows a page key moves: what fits in the scroller, less one row kept in view for context. */
export function pageRows(viewportPx: number, rowPx: number): number {
  return Math.max(1, Math.floor(viewportPx / rowPx) - 1)
}

/**
 * The place in the view of absolute row `abs`, or null when it is not there (filtered out, evicted, or beyond a
 * paused view). A binary search, since places map to ever larger absolute indexes: the selected row may be far
 * outside the rendered window, and a million-row view must not be walked.
 */
export function placeOf(abs: number, count: number, absAt: (place: number) => number): number | null {
  let lo = 0
  let hi = count
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (absAt(mid) < abs) lo = mid + 1
    else hi = mid
  }
  return lo < count && absAt(lo) === abs ? lo : null
}
