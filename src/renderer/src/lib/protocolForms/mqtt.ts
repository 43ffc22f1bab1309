/** MQTT's composer forms: PUBLISH (topic, QoS, retain), SUBSCRIBE, UNSUBSCRIBE and DISCONNECT, in the version set. */
import { connectPacket, disconnectPacket, publishPacket, subscribePacket, unsubscribePacket } from '../../../../shared/protocols/mqttBuild'
import { asMessage, type FormAction, type FormField } from './form'

const qos: FormField = {
  key: 'qos',
  label: 'QoS',
  type: 'select',
  initial: '0',
  options: [
    ['0', '0 at most once'],
    ['1', '1 at least once'],
    ['2', '2 exactly once']
  ]
}
const topicOf = (v: string | boolean, what: string): string => {
  const t = String(v).trim()
  if (!t) throw new Error(`Give the ${what}.`)
  return t
}

export const MQTT_FORMS: FormAction[] = [
  {
    name: 'PUBLISH',
    fields: [
      { key: 'topic', label: 'Topic', type: 'text', placeholder: 'sensors/1' },
      qos,
      { key: 'retain', label: 'Retain', type: 'check' }
    ],
    body: { label: 'Payload', json: false, placeholder: 'the payload (UTF-8 text)' },
    // §2.3.1: a packet identifier only at QoS 1 and 2; the session completes the QoS handshake with the broker.
    build: (v, body, ctx) =>
      asMessage(
        publishPacket(topicOf(v.topic, 'topic'), body, Number(v.qos), !!v.retain, Number(v.qos) > 0 ? ctx.id : undefined, ctx.mqttVersion)
      ),
    takesId: (v) => Number(v.qos) > 0
  },
  {
    name: 'SUBSCRIBE',
    fields: [{ key: 'topic', label: 'Topic filter', type: 'text', placeholder: 'sensors/#' }, qos],
    build: (v, _body, ctx) => asMessage(subscribePacket(topicOf(v.topic, 'topic filter'), Number(v.qos), ctx.id, ctx.mqttVersion)),
    takesId: () => true
  },
  {
    name: 'UNSUBSCRIBE',
    fields: [{ key: 'topic', label: 'Topic filter', type: 'text', placeholder: 'sensors/#' }],
    build: (v, _body, ctx) => asMessage(unsubscribePacket(topicOf(v.topic, 'topic filter'), ctx.id, ctx.mqttVersion)),
    takesId: () => true
  },
  {
    // The session sends CONNECT from the Protocol settings at open; this is one by hand, to see how the broker takes a
    // second (§3.1: a Server must treat a second CONNECT as a protocol violation and disconnect the Client).
    name: 'CONNECT',
    fields: [
      { key: 'clientId', label: 'Client id', type: 'text', placeholder: 'sockscope-test' },
      { key: 'username', label: 'User name', type: 'text' },
      { key: 'clean', label: 'Clean start', type: 'check', initial: true },
      { key: 'keepAlive', label: 'Keep-alive (s)', type: 'text', initial: '60' }
    ],
    build(v, _body, ctx) {
      const keepAliveS = Number(String(v.keepAlive).trim() || '0')
      return asMessage(
        connectPacket({
          version: ctx.mqttVersion,
          clientId: String(v.clientId).trim(),
          username: String(v.username).trim() || undefined,
          cleanStart: !!v.clean,
          keepAliveS
        })
      )
    }
  },
  { name: 'DISCONNECT', fields: [], build: () => asMessage(disconnectPacket()) }
]
