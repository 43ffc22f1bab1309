/**
 * What a payload costs the page, and the short preview a row keeps once its payload is dropped to stay under the
 * log's byte budget (the full payload is fetched again from the host when the row is opened).
 */
import { textPrefix } from './textBytes'

/** Characters (text) or bytes (binary) a dropped row keeps: what its row and the filter see. */
export const PREVIEW = 256
/** Payloads smaller than this stay: dropping them would free little more than the preview and ref cost. */
export const MIN_DROP = 1024

const TWO_BYTE = /[\u0100-\uffff]/

/**
 * Heap bytes of a payload. V8 keeps a string of Latin-1 characters at one byte each and any other at two: ASCII
 * (its UTF-8 size equals its length) is known at once, a short string is checked, a long one counted at two.
 */
export function heldCost(d: string | Uint8Array | undefined, size: number): number {
  if (d === undefined) return 0
  if (typeof d !== 'string') return d.byteLength
  const n = d.length
  return n === size || (n <= 4096 && !TWO_BYTE.test(d)) ? n : 2 * n
}

/**
 * The first PREVIEW characters or bytes as a copy: a V8 substring can be a view that keeps the whole parent
 * string alive, which would free nothing.
 */
export function previewCopy(d: string | Uint8Array, text = false): string | Uint8Array {
  // Text kept as bytes keeps a decoded preview: the row and the filter read text.
  if (typeof d !== 'string') return text ? textPrefix(d, PREVIEW) : d.slice(0, PREVIEW)
  const n = Math.min(d.length, PREVIEW)
  const codes = new Array<number>(n)
  for (let i = 0; i < n; i++) codes[i] = d.charCodeAt(i)
  return String.fromCharCode(...codes)
}
