/**
 * A log view's numbers: rows to draw (`count`, at the rows' pace, frozen while paused) and what the filter bar says
 * (at the pace of text, see renderPacing.ts).
 */
import { computed } from 'vue'
import { useConnections, type ConnectionTab } from '../../stores/connections'

export function useLogCounts(tab: () => ConnectionTab) {
  const store = useConnections()
  const viewLength = computed(() => {
    void store.logVersion
    return tab().log.viewLength()
  })
  const count = computed(() => (tab().paused ? Math.min(viewLength.value, tab().pausedAt) : viewLength.value))
  const shownText = computed(() => {
    void store.countsVersion
    return tab().log.viewLength()
  })
  const waiting = computed(() => Math.max(0, shownText.value - count.value))
  const held = computed(() => {
    void store.countsVersion
    return tab().log.size
  })
  return { count, shownText, waiting, held }
}
