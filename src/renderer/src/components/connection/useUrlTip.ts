/**
 * The URL field's tooltip (issue 18): the value of the `{{name}}` under the pointer, or under the caret for the
 * keyboard; Escape hides it until another mark is pointed at (WCAG 2.2 SC 1.4.13). The input is on top of the
 * backdrop's marks, so the mark under the pointer is found by hit-testing their boxes.
 */
import { computed, nextTick, ref, watch, type Ref } from 'vue'

interface Piece {
  from: number
  text: string
  word: { known: boolean; title: string } | null
}

export interface UrlTipRefs {
  pieces: Ref<Piece[]>
  caret: Ref<number | null>
  /** While the completion list is open, the caret's variable is not told. */
  listOpen: Ref<boolean>
  root: Ref<HTMLElement | null>
  input: Ref<HTMLInputElement | null>
  backdrop: Ref<HTMLElement | null>
  tipBox: Ref<HTMLElement | null>
}

export function useUrlTip(r: UrlTipRefs) {
  const hovered = ref<number | null>(null)
  const caretInside = computed(() => {
    const at = r.caret.value
    return at === null ? null : (r.pieces.value.find((p) => p.word && p.from < at && at < p.from + p.text.length)?.from ?? null)
  })
  /** The column of the mark whose value shows. */
  const tipSource = computed(() => hovered.value ?? (r.listOpen.value ? null : caretInside.value))
  const dismissedTip = ref<number | null>(null)
  watch(tipSource, () => (dismissedTip.value = null))
  const tip = computed(() => {
    const from = tipSource.value
    return from === null || from === dismissedTip.value ? null : (r.pieces.value.find((p) => p.word && p.from === from)?.word ?? null)
  })
  const tipLeft = ref(0)
  watch([tipSource, tip], () => nextTick(placeTip))
  function placeTip(): void {
    const mark = r.backdrop.value?.querySelector<HTMLElement>(`[data-from="${tipSource.value}"]`)
    if (!mark || !r.root.value || !r.tipBox.value) return
    const box = r.root.value.getBoundingClientRect()
    // Under the mark, but never past the field's right edge (nothing may overflow the window sideways).
    tipLeft.value = Math.max(0, Math.min(mark.getBoundingClientRect().left - box.left, box.width - r.tipBox.value.offsetWidth))
  }

  /** The `{{name}}` mark under the pointer: its column, anywhere over the input's height. */
  function markAt(x: number, y: number): number | null {
    const box = r.input.value?.getBoundingClientRect()
    if (!box || x < box.left || x >= box.right || y < box.top || y >= box.bottom) return null
    for (const mark of r.backdrop.value?.querySelectorAll<HTMLElement>('[data-from]') ?? []) {
      const m = mark.getBoundingClientRect()
      if (x >= m.left && x < m.right) return Number(mark.dataset.from)
    }
    return null
  }
  function onPointer(e: MouseEvent): void {
    // The tooltip can be hovered without going away (SC 1.4.13).
    if (r.tipBox.value?.contains(e.target as Node)) return
    hovered.value = markAt(e.clientX, e.clientY)
  }
  /** Escape: hides the tooltip shown; false when none was. */
  function dismiss(): boolean {
    if (!tip.value) return false
    dismissedTip.value = tipSource.value
    return true
  }

  return { hovered, tip, tipLeft, onPointer, dismiss }
}
