/** Every tab's composer, owned here: made on first use, freed when its tab closes, copied out and back for a reload. */
import { defineStore } from 'pinia'
import { reactive } from 'vue'
import type { SavedComposer } from '../../../shared/tabs'
import { newComposer, type ComposerMode, type ComposerState } from '../lib/composer'

/** A copy of what a reload keeps, sharing nothing with its source (a picked file is not kept: pick it again). */
const kept = (s: Omit<SavedComposer, 'mode'> & { mode: ComposerMode }): SavedComposer => ({
  // A picked file and a protocol form are not kept across a reload: the message box is.
  mode: s.mode === 'file' || s.mode === 'protocol' ? 'text' : s.mode,
  text: s.text,
  binaryEncoding: s.binaryEncoding,
  history: s.history.map((h) => ({ ...h })),
  saved: s.saved.map((m) => ({ ...m })),
  ...(s.encodeAs ? { encodeAs: s.encodeAs } : {})
})

export const useComposers = defineStore('composers', () => {
  // A reactive Map: the tab saver sees a composer appear, and every change inside it.
  const byTab = reactive(new Map<string, ComposerState>())

  function of(tabKey: string): ComposerState {
    if (!byTab.has(tabKey)) byTab.set(tabKey, newComposer())
    return byTab.get(tabKey)!
  }

  /** What a reload needs of a tab's composer. Reads, never creates: an unused composer is the default one. */
  function snapshot(tabKey: string): SavedComposer {
    return kept(byTab.get(tabKey) ?? newComposer())
  }

  function restore(tabKey: string, saved: SavedComposer): void {
    Object.assign(of(tabKey), kept(saved))
  }

  /** A closed tab's composer goes with it. */
  function free(tabKey: string): void {
    byTab.delete(tabKey)
  }

  /** Puts text into a tab's composer (Copy to composer). */
  function edit(tabKey: string, text: string, binary: boolean): void {
    const s = of(tabKey)
    s.mode = binary ? 'binary' : 'text'
    if (binary) s.binaryEncoding = 'hex'
    s.text = text
  }

  return { byTab, of, snapshot, restore, free, edit }
})
