/**
 * The decoded form of the payload the detail pane shows: the chain is the one sniffed from the bytes (and the
 * subprotocol) or the one the user picked; decoding runs in the JSON worker past a few KiB. A chain that fails says
 * why, and the raw views stay where they are.
 */
import { computed, onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue'
import { chainLabel, parseChain, sniffCodec, type CodecStep, type Sniffed } from '../../../../shared/codecs'
import { openDecodedDoc, type JsonDoc } from '../../lib/jsonDoc'
import type { DecodeSetup } from '../../lib/decodeSetup'

export type DecodedState = { state: 'decoding' } | { state: 'ready'; doc: JsonDoc } | { state: 'failed'; error: string }

export function useDecodedDocument(data: Ref<string | Uint8Array>, subprotocol: Ref<string | null>, setup: Ref<DecodeSetup>) {
  /** `auto`, or a chain as typed (`gzip → json`): the connection's setting for this direction when it has one. */
  const choice = ref(setup.value.pinned || 'auto')
  const sniffed = computed<Sniffed | null>(() => {
    // Big payloads are judged by their first bytes only (see SNIFF_DECODE_MAX): cheap on this thread.
    return sniffCodec(data.value, subprotocol.value)
  })
  const chain = computed<CodecStep[] | null>(() => {
    if (choice.value === 'auto') return sniffed.value?.chain ?? null
    try {
      return parseChain(choice.value)
    } catch {
      return null
    }
  })
  const label = computed(() => (chain.value ? chainLabel(chain.value) : null))
  const decoded = shallowRef<DecodedState | null>(null)
  let generation = 0

  function close(): void {
    if (decoded.value?.state === 'ready') decoded.value.doc.close()
    decoded.value = null
  }

  watch(
    [data, chain, () => setup.value.schema, () => setup.value.maxOutputBytes],
    ([d, c, schema, maxOutputBytes]) => {
      const mine = ++generation
      close()
      if (!c) return
      decoded.value = { state: 'decoding' }
      openDecodedDoc(d, c, maxOutputBytes, schema).then(
        (doc) => (mine === generation ? (decoded.value = { state: 'ready', doc }) : doc.close()),
        (e: Error) => mine === generation && (decoded.value = { state: 'failed', error: e.message })
      )
    },
    { immediate: true }
  )
  onBeforeUnmount(() => {
    generation++
    close()
  })
  return { choice, sniffed, chain, label, decoded }
}
