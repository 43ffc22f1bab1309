/**
 * The JSON tree document of the payload the detail pane shows: opened when the payload looks like JSON, closed
 * when it changes, and adopted rather than parsed again when it was streamed in while the full payload loaded.
 */
import { computed, onBeforeUnmount, shallowRef, watch, type Ref } from 'vue'
import { MAX_TREE_TEXT, looksLikeJson, openJsonDoc, type JsonDoc } from '../../lib/jsonDoc'
import { discardDoc } from '../../lib/payloadPieces'

export type JsonState = { state: 'parsing' } | { state: 'ready'; doc: JsonDoc } | { state: 'invalid' }

export function useJsonDocument(data: Ref<string | Uint8Array>, isPayload: Ref<boolean>) {
  /** A streamed text known to start like JSON: looking at it again would copy the rope it is into one string. */
  let streamedText: string | null = null
  /** Text that may be JSON: worth opening as a tree (the parse decides). */
  const candidate = computed(() => {
    const d = data.value
    if (d === streamedText) return true
    return isPayload.value && typeof d === 'string' && d.length <= MAX_TREE_TEXT && looksLikeJson(d)
  })
  const json = shallowRef<JsonState | null>(null)
  /** Bumped per payload shown: a document that opens after the payload changed is closed unseen. */
  let generation = 0
  /** A document streamed in for a text about to be shown, for the watcher below to adopt. */
  let streamed: { text: string; doc: Promise<JsonDoc> } | null = null

  function close(): void {
    if (json.value?.state === 'ready') json.value.doc.close()
    json.value = null
  }

  watch(
    [data, candidate],
    ([d, isCandidate]) => {
      const mine = ++generation
      close()
      if (d !== streamedText) streamedText = null
      // Same object, so the comparison is a pointer check, not a 10 MiB one.
      const adopted = streamed && isCandidate && streamed.text === d ? streamed.doc : null
      if (streamed && !adopted) discardDoc(streamed.doc)
      streamed = null
      if (!isCandidate || typeof d !== 'string') return
      json.value = { state: 'parsing' }
      ;(adopted ?? openJsonDoc(d)).then(
        (doc) => (mine === generation ? (json.value = { state: 'ready', doc }) : doc.close()),
        () => mine === generation && (json.value = { state: 'invalid' })
      )
    },
    { immediate: true }
  )
  onBeforeUnmount(() => {
    generation++
    close()
    discardDoc(streamed?.doc ?? null)
  })

  /** Call before showing `text`: its document was already streamed to the worker. */
  function adopt(text: string, doc: Promise<JsonDoc>): void {
    discardDoc(streamed?.doc ?? null)
    streamed = { text, doc }
    streamedText = text
  }

  return { candidate, json, adopt }
}
