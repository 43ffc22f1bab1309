/** Turns what the composer holds into an outgoing message, or a clear problem. Pure, so it is unit-tested. */
import type { OutgoingMessage } from '../../../shared/options'
import { base64Problem, hexProblem } from '../../../shared/validate'

export type ComposerMode = 'text' | 'json' | 'binary' | 'file'

export interface ComposerInput {
  mode: ComposerMode
  text: string
  binaryEncoding: 'hex' | 'base64'
  file?: { name: string; base64: string; asText: boolean; text?: string }
}

export type Built = { ok: true; message: OutgoingMessage } | { ok: false; problem: string }

export function jsonProblem(text: string): string | null {
  try {
    JSON.parse(text)
    return null
  } catch (e) {
    return `Invalid JSON: ${(e as Error).message}`
  }
}

export function formatJson(text: string): string {
  return JSON.stringify(JSON.parse(text), null, 2)
}

export function buildMessage(i: ComposerInput): Built {
  switch (i.mode) {
    case 'text':
      return { ok: true, message: { kind: 'text', data: i.text } }
    case 'json': {
      const p = jsonProblem(i.text)
      return p ? { ok: false, problem: p } : { ok: true, message: { kind: 'text', data: i.text } }
    }
    case 'binary': {
      const p = i.binaryEncoding === 'hex' ? hexProblem(i.text) : base64Problem(i.text)
      if (p) return { ok: false, problem: `Invalid ${i.binaryEncoding}: ${p}` }
      if (!i.text.trim()) return { ok: false, problem: 'Nothing to send: enter some bytes.' }
      return { ok: true, message: { kind: 'binary', encoding: i.binaryEncoding, data: i.text } }
    }
    case 'file':
      if (!i.file) return { ok: false, problem: 'Choose a file first.' }
      return i.file.asText
        ? { ok: true, message: { kind: 'text', data: i.file.text ?? '' } }
        : { ok: true, message: { kind: 'binary', encoding: 'base64', data: i.file.base64 } }
  }
}
