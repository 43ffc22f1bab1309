/** A frame as text: a text frame as it is, a binary one when its bytes are valid UTF-8 (else null). */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

export function frameText(frame: string | Uint8Array): string | null {
  if (typeof frame === 'string') return frame
  try {
    return strictUtf8.decode(frame)
  } catch {
    return null
  }
}
