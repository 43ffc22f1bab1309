/**
 * Large text payloads reach the page from the event stream as their UTF-8 bytes and stay so in the log: bytes live
 * outside the JS heap, where the garbage collector neither copies nor scans them (as strings, a 16 KiB flood spent
 * 1.6 s of 10 s in young-generation collections, up to 154 ms at a time). They are decoded when shown or searched.
 */
const utf8 = new TextDecoder()

export function textOf(d: string | Uint8Array): string {
  return typeof d === 'string' ? d : utf8.decode(d)
}

/** The first `chars` UTF-16 units of UTF-8 text, decoding only the start. */
export function textPrefix(d: Uint8Array, chars: number): string {
  // A character is at most 4 UTF-8 bytes, so the first chars * 4 bytes hold the first `chars` characters whole;
  // a character cut at the end decodes to U+FFFD after them, and the slice leaves it out.
  return utf8.decode(d.subarray(0, chars * 4)).slice(0, chars)
}
