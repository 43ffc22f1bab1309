/** Composer state per connection tab: draft text, mode, history and saved messages. */
import { reactive } from 'vue'
import type { ComposerMode } from '../lib/composer'
import type { SavedComposer } from '../../../shared/tabs'

export interface SavedMessage {
  name: string
  mode: ComposerMode
  text: string
}

export interface ComposerState {
  mode: ComposerMode
  text: string
  binaryEncoding: 'hex' | 'base64'
  file?: { name: string; base64: string; asText: boolean; text?: string }
  history: string[]
  historyIndex: number
  saved: SavedMessage[]
  saveName: string
  remember(): void
  historyStep(d: number): void
  load(name: string): void
}

const HISTORY_MAX = 200
const states = new Map<string, ComposerState>()

export function useComposer(tabKey: string): ComposerState {
  let s = states.get(tabKey)
  if (s) return s
  s = reactive<ComposerState>({
    mode: 'text',
    text: '',
    binaryEncoding: 'hex',
    history: [],
    historyIndex: -1,
    saved: [],
    saveName: '',
    remember() {
      if (this.mode === 'file' || !this.text) return
      if (this.history[this.history.length - 1] !== this.text) this.history.push(this.text)
      if (this.history.length > HISTORY_MAX) this.history.shift()
      this.historyIndex = -1
    },
    historyStep(d: number) {
      if (!this.history.length) return
      const i = this.historyIndex < 0 ? (d < 0 ? this.history.length - 1 : -1) : this.historyIndex + d
      if (i < 0 || i >= this.history.length) {
        this.historyIndex = -1
        this.text = ''
        return
      }
      this.historyIndex = i
      this.text = this.history[i]
    },
    load(name: string) {
      const m = this.saved.find((x) => x.name === name)
      if (!m) return
      this.mode = m.mode
      this.text = m.text
    }
  }) as ComposerState
  states.set(tabKey, s)
  return s
}

/** What a reload needs of a tab's composer (a picked file is not kept: pick it again). */
export function composerSnapshot(tabKey: string): SavedComposer {
  const s = useComposer(tabKey)
  return {
    mode: s.mode === 'file' ? 'text' : s.mode,
    text: s.text,
    binaryEncoding: s.binaryEncoding,
    history: [...s.history],
    saved: s.saved.map((m) => ({ ...m }))
  }
}

export function restoreComposer(tabKey: string, saved: SavedComposer): void {
  const s = useComposer(tabKey)
  Object.assign(s, { mode: saved.mode, text: saved.text, binaryEncoding: saved.binaryEncoding, history: [...saved.history] })
  s.saved = saved.saved.map((m) => ({ ...m }))
}

/** A closed tab's composer goes with it. */
export function freeComposer(tabKey: string): void {
  states.delete(tabKey)
}

/** Put text into a tab's composer (Edit and send). */
export function editInComposer(tabKey: string, text: string, binary: boolean): void {
  const s = useComposer(tabKey)
  s.mode = binary ? 'binary' : 'text'
  if (binary) s.binaryEncoding = 'hex'
  s.text = text
}
