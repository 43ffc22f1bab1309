/**
 * When the log's readers re-render. Rows follow traffic up to once per animation frame; numbers shown as text
 * (counts, byte totals, rates, replay progress) at most four times a second. Numbers that change 60 times a second
 * cannot be read, and re-drawing them made Chromium lay out and repaint the whole window on every frame of a flood
 * instead of only the log (measured at 1,000 msg/s: main thread 81 % busy before, 55 % with the numbers paced
 * and the log's scroller contained).
 */
import { shallowRef } from 'vue'

/** A frame's time: rows show at once when nothing was rendered for this long. */
const IDLE_MS = 16
const COUNTS_MS = 250

export function createRenderPacing() {
  /** Bumped at most once per animation frame when any log changed. */
  const logVersion = shallowRef(0)
  /** Bumped at most every 250 ms when any log changed, always once after the last change. */
  const countsVersion = shallowRef(0)
  let frameQueued = false
  let lastRender = -Infinity
  let countsTimer: ReturnType<typeof setTimeout> | null = null
  let lastCounts = -Infinity

  function bumpCounts(): void {
    if (countsTimer) return
    const wait = lastCounts + COUNTS_MS - performance.now()
    if (wait <= 0) {
      lastCounts = performance.now()
      countsVersion.value++
      return
    }
    countsTimer = setTimeout(() => {
      countsTimer = null
      lastCounts = performance.now()
      countsVersion.value++
    }, wait)
  }

  function render(): void {
    lastRender = performance.now()
    logVersion.value++
    bumpCounts()
  }

  /**
   * Rows show at once when nothing was rendered for a frame's time: light and moderate traffic is not held for an
   * animation frame. Under load, renders are coalesced to one per frame. `userAction`: the user changed what the
   * numbers count (a filter), so they follow with the rows instead of waiting their turn.
   */
  function bump(userAction = false): void {
    if (userAction) {
      if (countsTimer) clearTimeout(countsTimer)
      countsTimer = null
      lastCounts = -Infinity
    }
    if (frameQueued) return
    if (performance.now() - lastRender > IDLE_MS) return render()
    frameQueued = true
    requestAnimationFrame(() => {
      frameQueued = false
      render()
    })
  }

  return { logVersion, countsVersion, bump }
}
