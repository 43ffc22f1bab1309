/** What every protocol's composer form is made of, and the helpers their builders share. */
import type { OutgoingMessage } from '../../../../shared/options'
import { base64 } from '../../../../shared/wire'
import JSON5 from 'json5'

export interface FormField {
  key: string
  label: string
  type: 'text' | 'select' | 'check'
  options?: Array<[value: string, label: string]>
  placeholder?: string
  /** For a check: the value when the form opens. For text and select: likewise. */
  initial?: string | boolean
}

export interface FormAction {
  name: string
  fields: FormField[]
  /** What the message box holds for this action, if anything (the args, the query, the body). */
  body?: { label: string; json: boolean; placeholder: string }
  /** Builds the frame; `id` is the next id the composer hands out (an ack id, an operation id, a packet id). */
  build(values: Record<string, string | boolean>, body: string, ctx: FormContext): OutgoingMessage | string
  /** The action takes an id from the composer's counter (so the next send gets the next one). */
  takesId?: (values: Record<string, string | boolean>) => boolean
}

export interface FormContext {
  id: number
  /** The negotiated subprotocol (GraphQL's dialect, STOMP's version). */
  subprotocol: string | null
  /** MQTT: the version the connection speaks (5.0 packets carry properties). */
  mqttVersion: 4 | 5
}

/** The message box as JSON (JSON5 accepted, as in JSON mode); empty is `undefined`. Throws a sentence naming `what`. */
export function jsonBody(body: string, what: string): unknown {
  if (!body.trim()) return undefined
  try {
    return JSON5.parse(body)
  } catch (e) {
    throw new Error(`${what} must be JSON: ${(e as Error).message.replace(/^JSON5: /, '')}`, { cause: e })
  }
}

/** Frames the builders give as bytes go out as binary. */
export const asMessage = (frame: string | Uint8Array): OutgoingMessage =>
  typeof frame === 'string' ? { kind: 'text', data: frame } : { kind: 'binary', encoding: 'base64', data: base64.encode(frame) }
