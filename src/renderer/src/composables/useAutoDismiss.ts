/**
 * A notice that leaves by itself: `ms` after it appears, counted only while neither the pointer nor the focus is on
 * it, so whoever is reading it or reaching for its button keeps it (WCAG 2.2 SC 2.2.1, timing adjustable). A sticky
 * notice (an error) stays until it is dismissed.
 */
import { onBeforeUnmount, watch, type Ref } from 'vue'
import { useEventListener } from '@vueuse/core'

export function useAutoDismiss(
  value: () => unknown,
  dismiss: () => void,
  el: Ref<HTMLElement | null>,
  opts: { ms?: number; sticky?: () => boolean } = {}
): void {
  const ms = opts.ms ?? 8000
  let timer: ReturnType<typeof setTimeout> | undefined
  let pointer = false
  let focus = false
  const stop = (): void => {
    clearTimeout(timer)
    timer = undefined
  }
  const start = (): void => {
    stop()
    if (value() == null || opts.sticky?.() || pointer || focus) return
    timer = setTimeout(dismiss, ms)
  }
  watch(value, start, { immediate: true })
  useEventListener(el, 'pointerenter', () => ((pointer = true), stop()))
  useEventListener(el, 'pointerleave', () => ((pointer = false), start()))
  useEventListener(el, 'focusin', () => ((focus = true), stop()))
  useEventListener(el, 'focusout', () => ((focus = false), start()))
  onBeforeUnmount(stop)
}
