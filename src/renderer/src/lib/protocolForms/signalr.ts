/** SignalR's composer forms (JSON hub protocol): invoke a hub method, start a stream, cancel one. */
import { cancelInvocation, invocation, streamInvocation } from '../../../../shared/protocols/signalr'
import { jsonBody, type FormAction } from './form'

const target = { key: 'target', label: 'Method', type: 'text', placeholder: 'SendMessage' } as const
const args = { label: 'Arguments (JSON array; one value is one argument)', json: true, placeholder: '["alice", "hi"]' }

function argumentList(body: string): unknown[] {
  const v = jsonBody(body, 'The arguments')
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}

export const SIGNALR_FORMS: FormAction[] = [
  {
    name: 'Invoke',
    fields: [target, { key: 'result', label: 'Wait for the result', type: 'check', initial: true }],
    body: args,
    build(v, body, ctx) {
      const method = String(v.target).trim()
      if (!method) return 'Name the hub method to invoke.'
      // Without an invocation id the hub sends no Completion (HubProtocol.md, "Non-Blocking Invocations").
      return { kind: 'text', data: invocation(method, argumentList(body), v.result ? String(ctx.id) : undefined) }
    },
    takesId: (v) => !!v.result
  },
  {
    name: 'Stream',
    fields: [target],
    body: args,
    build(v, body, ctx) {
      const method = String(v.target).trim()
      if (!method) return 'Name the streaming hub method.'
      return { kind: 'text', data: streamInvocation(method, argumentList(body), String(ctx.id)) }
    },
    takesId: () => true
  },
  {
    name: 'Cancel stream',
    fields: [{ key: 'id', label: 'Invocation id', type: 'text', placeholder: '1' }],
    build: (v) =>
      String(v.id).trim() ? { kind: 'text', data: cancelInvocation(String(v.id).trim()) } : 'Give the id of the stream to cancel.'
  }
]
