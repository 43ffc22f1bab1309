/**
 * Copies text to the clipboard. One writer for the whole page (a JSON tree has copy buttons on every node); where
 * the Clipboard API is missing or refused (an http origin other than loopback, a permission policy that says no)
 * it falls back to the older copy command instead of failing silently.
 */
import { createSharedComposable, useClipboard } from '@vueuse/core'

export const useCopy = createSharedComposable(() => useClipboard({ legacy: true }).copy)
