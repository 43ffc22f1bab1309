import { computed, onBeforeUnmount, ref, watch, type Ref } from 'vue'
import { useConnections } from '../../stores/connections'
import { newMessagesAnnouncer } from '../../lib/newMessagesAnnouncer'

/**
 * Screen readers hear a summary of arriving messages at most once a second, never a row at a time. It counts
 * arrivals (`end`: the log's end only grows), so a filter change or its scan of older rows is not news.
 * Each summary is a new node (`n` changes): a repeated text ("1 new message" twice) would otherwise announce nothing.
 */
export function useArrivalAnnouncement(end: () => number): Ref<{ n: number; text: string }> {
  const store = useConnections()
  const arrived = computed(() => {
    void store.countsVersion
    return end()
  })
  const announcement = ref({ n: 0, text: '' })
  const announcer = newMessagesAnnouncer((text) => (announcement.value = { n: announcement.value.n + 1, text }))
  watch(arrived, (n) => announcer.update(n), { immediate: true })
  onBeforeUnmount(() => announcer.dispose())
  return announcement
}
