/**
 * The rows of a scroller that are in view, for lists whose rows all have one height: the window is arithmetic,
 * O(rows shown) whatever the length. (A general virtualiser measures every row up front: 30 ms for the 150,000
 * lines of a 10 MiB text, far more for a million-row tree.) Past a few million pixels the scroll range is scaled,
 * since browsers cap an element's height well below what a 10 MiB payload needs.
 */
import { computed, onMounted, onBeforeUnmount, ref, type Ref } from 'vue'
import { useResizeObserver } from '@vueuse/core'

/** The tallest spacer used; longer lists map the scroll position proportionally onto rows. */
const MAX_SPACER_PX = 8_000_000

export interface WindowRow {
  index: number
  /** Top of the row inside the spacer, in px. */
  top: number
}

export function useFixedWindow(scroller: Ref<HTMLElement | null>, count: Ref<number>, rowHeight: number, overscan = 10) {
  const scrollTop = ref(0)
  const viewHeight = ref(0)
  const measure = (): void => {
    const el = scroller.value
    if (!el) return
    scrollTop.value = el.scrollTop
    viewHeight.value = el.clientHeight
  }
  onMounted(() => {
    measure()
    scroller.value?.addEventListener('scroll', measure, { passive: true })
  })
  onBeforeUnmount(() => scroller.value?.removeEventListener('scroll', measure))
  useResizeObserver(scroller, measure)

  const fullHeight = computed(() => count.value * rowHeight)
  const spacerHeight = computed(() => Math.min(fullHeight.value, MAX_SPACER_PX))
  /** Row-space pixels per scrolled pixel: 1 unless the list is taller than the spacer. */
  const scale = computed(() => {
    const room = spacerHeight.value - viewHeight.value
    return fullHeight.value <= MAX_SPACER_PX || room <= 0 ? 1 : (fullHeight.value - viewHeight.value) / room
  })
  /** Where the view starts in row space. */
  const offset = computed(() => scrollTop.value * scale.value)
  /** The rows wholly or partly in view, [first, end). */
  const visible = computed<[number, number]>(() => {
    const first = Math.min(count.value, Math.floor(offset.value / rowHeight))
    return [first, Math.min(count.value, Math.ceil((offset.value + viewHeight.value) / rowHeight))]
  })
  const rows = computed<WindowRow[]>(() => {
    const from = Math.max(0, visible.value[0] - overscan)
    const to = Math.min(count.value, visible.value[1] + overscan)
    const out: WindowRow[] = []
    for (let i = from; i < to; i++) out.push({ index: i, top: scrollTop.value + i * rowHeight - offset.value })
    return out
  })

  /** Scrolls just enough to show row `index` whole. */
  function scrollToIndex(index: number): void {
    const el = scroller.value
    if (!el) return
    const top = index * rowHeight
    let at = offset.value
    if (top < at) at = top
    else if (top + rowHeight > at + viewHeight.value) at = top + rowHeight - viewHeight.value
    else return
    el.scrollTop = at / scale.value
    measure()
  }

  return { rows, visible, spacerHeight, scrollToIndex, viewHeight }
}
