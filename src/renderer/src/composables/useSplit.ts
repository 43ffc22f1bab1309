/**
 * A pane size the user drags (or sets with the arrow keys on the separator), kept for this window in
 * sessionStorage: each window keeps its own layout across a reload, and a new window starts from the default.
 */
import { ref, watch } from 'vue'

export function useSplit(key: string, initial: number, min: number, max: () => number) {
  const stored = Number(sessionStorage.getItem(`sockscope.split.${key}`))
  const size = ref(Number.isFinite(stored) && stored > 0 ? stored : initial)
  const clamp = (n: number): number => Math.round(Math.max(min, Math.min(max(), n)))
  watch(size, (n) => sessionStorage.setItem(`sockscope.split.${key}`, String(n)))

  /** Starts a drag on the separator; `sign` is -1 when the pane grows as the pointer moves left (or up). */
  function drag(e: PointerEvent, sign: 1 | -1, axis: 'x' | 'y' = 'x'): void {
    const el = e.currentTarget as HTMLElement
    el.setPointerCapture(e.pointerId)
    const from = axis === 'x' ? e.clientX : e.clientY
    const start = size.value
    const move = (m: PointerEvent): void => {
      size.value = clamp(start + sign * ((axis === 'x' ? m.clientX : m.clientY) - from))
    }
    const up = (): void => {
      el.removeEventListener('pointermove', move)
      el.removeEventListener('pointerup', up)
    }
    el.addEventListener('pointermove', move)
    el.addEventListener('pointerup', up)
  }

  /** Arrow keys move the separator by 16 px (Home/End to the limits), as a WAI-ARIA window splitter does. */
  function key_(e: KeyboardEvent, sign: 1 | -1): void {
    const step = { ArrowLeft: -16, ArrowUp: -16, ArrowRight: 16, ArrowDown: 16 }[e.key]
    if (step !== undefined) size.value = clamp(size.value + sign * step)
    else if (e.key === 'Home') size.value = min
    else if (e.key === 'End') size.value = clamp(max())
    else return
    e.preventDefault()
  }

  return { size, drag, key: key_, min, max }
}
