/**
 * The composer's protocol forms: for a connection that speaks a protocol, the frames a user sends as a form (a
 * Socket.IO emit, a GraphQL subscribe, a STOMP SEND, an MQTT PUBLISH, a SignalR invoke) instead of typed wire text.
 * Each protocol lists its actions and their fields; building a frame uses the protocol module's own builders
 * (shared/protocols), so what the form sends is what the log then reads. Pure, so it is unit-tested.
 */
import type { OutgoingMessage } from '../../../shared/options'
import type { ProtocolKind } from '../../../shared/protocols'
import { base64 } from '../../../shared/wire'
import JSON5 from 'json5'
import { SOCKET_IO_FORMS } from './protocolForms/socketio'

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
}

export const PROTOCOL_FORMS: Partial<Record<ProtocolKind, FormAction[]>> = {
  socketio: SOCKET_IO_FORMS
}

/** One form's state in a composer. */
export interface FormState {
  action: string
  values: Record<string, string | boolean>
  /** The next id handed out. */
  nextId: number
}

export function newFormState(): FormState {
  return { action: '', values: {}, nextId: 1 }
}

export function formActions(kind: ProtocolKind): FormAction[] {
  return PROTOCOL_FORMS[kind] ?? []
}

/** The action chosen, else the protocol's first. */
export function currentAction(kind: ProtocolKind, s: FormState): FormAction | null {
  const actions = formActions(kind)
  return actions.find((a) => a.name === s.action) ?? actions[0] ?? null
}

/** A field's value as the form shows it: typed, else its initial value. */
export function fieldValue(s: FormState, f: FormField): string | boolean {
  return s.values[f.key] ?? f.initial ?? (f.type === 'check' ? false : '')
}

export type BuiltFrame = { ok: true; message: OutgoingMessage; tookId: boolean } | { ok: false; problem: string }

export function buildFormFrame(kind: ProtocolKind, s: FormState, body: string, subprotocol: string | null): BuiltFrame {
  const action = currentAction(kind, s)
  if (!action) return { ok: false, problem: 'This protocol has no form: use Text or JSON.' }
  const values = Object.fromEntries(action.fields.map((f) => [f.key, fieldValue(s, f)]))
  try {
    const out = action.build(values, body, { id: s.nextId, subprotocol })
    if (typeof out === 'string') return { ok: false, problem: out }
    return { ok: true, message: out, tookId: action.takesId?.(values) ?? false }
  } catch (e) {
    return { ok: false, problem: (e as Error).message }
  }
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
