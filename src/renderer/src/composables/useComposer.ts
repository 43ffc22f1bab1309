/** Composer state per connection tab: draft text, mode, history and saved messages. */
import { reactive } from 'vue'
import type { ComposerMode } from '../lib/composer'

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

/** Put text into a tab's composer (Edit and send). */
export function editInComposer(tabKey: string, text: string, binary: boolean): void {
  const s = useComposer(tabKey)
  s.mode = binary ? 'binary' : 'text'
  if (binary) s.binaryEncoding = 'hex'
  s.text = text
}
