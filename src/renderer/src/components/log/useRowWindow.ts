/**
 * The rows of a fixed-height list that are in (or near) view, from the scroll position alone. Log rows all have
 * one height, so a row's place is its index times that height: nothing per row is measured or stored. (A general
 * virtualizer rebuilt a position table for every row on each count change: 20-50 ms per frame at a million.)
 */
import { computed, nextTick, onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

export interface WindowRow {
  index: number
  start: number
}

export function useRowWindow(count: Ref<number>, scroller: Ref<HTMLElement | null>, rowHeight: number, overscan = 10) {
  const top = ref(0)
  const height = ref(0)
  let resize: ResizeObserver | null = null

  /** Reads the scroll position (on scroll, and after the caller moved it). */
  function sync(): void {
    const el = scroller.value
    if (!el) return
    top.value = el.scrollTop
    height.value = el.clientHeight
  }

  onMounted(() => {
    sync()
    if (typeof ResizeObserver !== 'undefined' && scroller.value) {
      resize = new ResizeObserver(sync)
      resize.observe(scroller.value)
    }
  })
  onBeforeUnmount(() => resize?.disconnect())

  const rows = computed<WindowRow[]>(() => {
    const n = count.value
    const from = Math.max(0, Math.floor(top.value / rowHeight) - overscan)
    const to = Math.min(n, Math.ceil((top.value + height.value) / rowHeight) + overscan)
    const out: WindowRow[] = []
    for (let i = from; i < to; i++) out.push({ index: i, start: i * rowHeight })
    return out
  })
  const totalSize = computed(() => count.value * rowHeight)

  /** Scrolls the least needed to show row `index`. */
  function scrollToIndex(index: number): void {
    const el = scroller.value
    if (!el) return
    const start = index * rowHeight
    if (start < el.scrollTop) el.scrollTop = start
    else if (start + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = start + rowHeight - el.clientHeight
    sync()
  }

  /**
   * Follows the end: the rows of the end are the ones rendered next, and the scroll position follows after the
   * render, without reading the list's height (which forces a layout of its own on every update).
   */
  async function toEnd(): Promise<void> {
    top.value = Math.max(0, totalSize.value - height.value)
    await nextTick()
    const el = scroller.value
    if (el) el.scrollTop = totalSize.value
  }

  return { rows, totalSize, scrollToIndex, sync, toEnd }
}
