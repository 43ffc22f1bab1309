/** Socket.IO's composer forms: emit (with an ack id when one is expected), namespace connect and disconnect. */
import { connectPacket, disconnectPacket, emitPacket } from '../../../../shared/protocols/socketio'
import { asMessage, jsonBody, type FormAction } from './form'

const namespace = { key: 'namespace', label: 'Namespace', type: 'text', placeholder: '/' } as const

export const SOCKET_IO_FORMS: FormAction[] = [
  {
    name: 'Emit',
    fields: [
      { key: 'event', label: 'Event', type: 'text', placeholder: 'chat' },
      namespace,
      { key: 'ack', label: 'Expect ack', type: 'check' }
    ],
    body: { label: 'Arguments (JSON; an array is spread into several)', json: true, placeholder: '{"text": "hi"}' },
    build(v, body, ctx) {
      const event = String(v.event).trim()
      if (!event) return 'Name the event to emit.'
      const args = jsonBody(body, 'The arguments')
      const list = args === undefined ? [] : Array.isArray(args) ? args : [args]
      return asMessage(emitPacket(String(v.namespace).trim(), event, list, v.ack ? ctx.id : undefined))
    },
    takesId: (v) => !!v.ack
  },
  {
    name: 'Connect namespace',
    fields: [namespace],
    body: { label: 'Auth payload (JSON object, optional)', json: true, placeholder: '{"token": "…"}' },
    build: (v, body) => asMessage(connectPacket(String(v.namespace).trim() || '/', jsonBody(body, 'The auth payload')))
  },
  {
    name: 'Disconnect namespace',
    fields: [namespace],
    build: (v) => asMessage(disconnectPacket(String(v.namespace).trim()))
  }
]
