import type { PreloadApi } from '../shared/api'

declare global {
  interface Window {
    /** Present in the desktop app (set by the preload); absent in browser mode. */
    sockscope?: PreloadApi
  }
}

export {}
