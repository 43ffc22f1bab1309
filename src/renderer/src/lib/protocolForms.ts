/**
 * The composer's protocol forms: for a connection that speaks a protocol, the frames a user sends as a form (a
 * Socket.IO emit, a GraphQL subscribe, a STOMP SEND, an MQTT PUBLISH, a SignalR invoke) instead of typed wire text.
 * Each protocol lists its actions and their fields; building a frame uses the protocol module's own builders
 * (shared/protocols), so what the form sends is what the log then reads. Pure, so it is unit-tested.
 */
import type { OutgoingMessage } from '../../../shared/options'
import type { ProtocolKind } from '../../../shared/protocols'
import type { FormAction, FormField } from './protocolForms/form'
import { SOCKET_IO_FORMS } from './protocolForms/socketio'
import { SIGNALR_FORMS } from './protocolForms/signalr'
import { STOMP_FORMS } from './protocolForms/stomp'
import { MQTT_FORMS } from './protocolForms/mqtt'
import { GRAPHQL_FORMS } from './protocolForms/graphql'

export { asMessage, jsonBody, type FormAction, type FormContext, type FormField } from './protocolForms/form'

export const PROTOCOL_FORMS: Partial<Record<ProtocolKind, FormAction[]>> = {
  socketio: SOCKET_IO_FORMS,
  graphql: GRAPHQL_FORMS,
  stomp: STOMP_FORMS,
  mqtt: MQTT_FORMS,
  signalr: SIGNALR_FORMS
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

export function buildFormFrame(
  kind: ProtocolKind,
  s: FormState,
  body: string,
  subprotocol: string | null,
  mqttVersion: 4 | 5 = 4
): BuiltFrame {
  const action = currentAction(kind, s)
  if (!action) return { ok: false, problem: 'This protocol has no form: use Text or JSON.' }
  const values = Object.fromEntries(action.fields.map((f) => [f.key, fieldValue(s, f)]))
  try {
    const out = action.build(values, body, { id: s.nextId, subprotocol, mqttVersion })
    if (typeof out === 'string') return { ok: false, problem: out }
    return { ok: true, message: out, tookId: action.takesId?.(values) ?? false }
  } catch (e) {
    return { ok: false, problem: (e as Error).message }
  }
}
