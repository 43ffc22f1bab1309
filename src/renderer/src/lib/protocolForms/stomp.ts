/** STOMP's composer forms: SUBSCRIBE, SEND, ACK/NACK, UNSUBSCRIBE and DISCONNECT, in the negotiated version's dialect. */
import { stompVersionOf } from '../../../../shared/protocols/stompModule'
import {
  stompAck,
  stompConnect,
  stompDisconnect,
  stompNack,
  stompSend,
  stompSubscribe,
  stompUnsubscribe
} from '../../../../shared/protocols/stompBuild'
import { asMessage, type FormAction } from './form'

const destination = { key: 'destination', label: 'Destination', type: 'text', placeholder: '/topic/prices' } as const
const receipt = { key: 'receipt', label: 'Receipt', type: 'text', placeholder: 'optional' } as const
const need = (v: string | boolean, what: string): string => {
  const s = String(v).trim()
  if (!s) throw new Error(`Give the ${what}.`)
  return s
}

/** Extra headers as typed: one `name: value` per `;`. A header without a colon is refused (it would change the frame). */
function headersOf(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const colon = part.indexOf(':')
    if (colon <= 0) throw new Error(`Header "${part}" needs a name and a value, as name: value.`)
    out[part.slice(0, colon).trim()] = part.slice(colon + 1).trim()
  }
  return out
}

/**
 * The session sends CONNECT from the Protocol settings at open (and masks the passcode there); this one is a second
 * CONNECT by hand, to see how the server takes it ("CONNECT or STOMP Frame": a server may refuse it with ERROR).
 */
const connectByHand: FormAction = {
  name: 'CONNECT',
  fields: [
    { key: 'host', label: 'host', type: 'text', placeholder: 'virtual host' },
    { key: 'login', label: 'login', type: 'text' },
    { key: 'heartBeat', label: 'heart-beat (ms)', type: 'text', initial: '0' }
  ],
  build(v) {
    const hb = Number(String(v.heartBeat).trim() || '0')
    if (!Number.isInteger(hb) || hb < 0) return 'The heart-beat is a whole number of milliseconds (0 for none).'
    return asMessage(stompConnect({ host: need(v.host, 'host'), login: String(v.login).trim() || undefined, heartBeatMs: hb }))
  }
}

export const STOMP_FORMS: FormAction[] = [
  {
    name: 'SEND',
    fields: [
      destination,
      { key: 'contentType', label: 'content-type', type: 'text', initial: 'text/plain' },
      { key: 'headers', label: 'More headers', type: 'text', placeholder: 'priority: 9; x-id: 7' },
      receipt
    ],
    body: { label: 'Body', json: false, placeholder: 'the message body' },
    build(v, body, ctx) {
      const headers = headersOf(String(v.headers))
      if (String(v.contentType).trim()) headers['content-type'] = String(v.contentType).trim()
      const frame = stompSend(
        { destination: need(v.destination, 'destination'), body, headers, receipt: String(v.receipt).trim() || undefined },
        stompVersionOf(ctx.subprotocol)
      )
      return asMessage(frame)
    }
  },
  {
    name: 'SUBSCRIBE',
    fields: [
      destination,
      {
        key: 'ack',
        label: 'ack',
        type: 'select',
        initial: 'auto',
        options: [
          ['auto', 'auto'],
          ['client', 'client'],
          ['client-individual', 'client-individual']
        ]
      },
      receipt
    ],
    // The subscription's id is the composer's next (sub-1, sub-2…): UNSUBSCRIBE and Stop name it.
    build: (v, _body, ctx) =>
      asMessage(
        stompSubscribe(
          {
            id: `sub-${ctx.id}`,
            destination: need(v.destination, 'destination'),
            ack: v.ack as 'auto',
            receipt: String(v.receipt).trim() || undefined
          },
          stompVersionOf(ctx.subprotocol)
        )
      ),
    takesId: () => true
  },
  {
    name: 'ACK',
    fields: [
      { key: 'id', label: 'Message ack id', type: 'text', placeholder: "the MESSAGE's ack (1.2) or message-id" },
      { key: 'subscription', label: 'Subscription (1.1)', type: 'text', placeholder: 'sub-1' },
      { key: 'nack', label: 'NACK instead', type: 'check' }
    ],
    build(v, _body, ctx) {
      const o = { id: need(v.id, 'message ack id'), subscription: String(v.subscription).trim() || undefined }
      return asMessage((v.nack ? stompNack : stompAck)(o, stompVersionOf(ctx.subprotocol)))
    }
  },
  {
    name: 'UNSUBSCRIBE',
    fields: [{ key: 'id', label: 'Subscription id', type: 'text', placeholder: 'sub-1' }],
    build: (v, _body, ctx) => asMessage(stompUnsubscribe({ id: need(v.id, 'subscription id') }, stompVersionOf(ctx.subprotocol)))
  },
  connectByHand,
  {
    name: 'DISCONNECT',
    fields: [receipt],
    build: (v, _body, ctx) =>
      asMessage(stompDisconnect({ receipt: String(v.receipt).trim() || undefined }, stompVersionOf(ctx.subprotocol)))
  }
]
