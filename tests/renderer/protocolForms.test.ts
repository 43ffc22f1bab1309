/**
 * The composer's forms for GraphQL, STOMP, MQTT and SignalR: every action builds a frame that the protocol's own
 * reader reads back as what the form said, ids come from the composer's counter where the protocol needs one, and
 * what a form cannot send is refused in words.
 */
import { describe, expect, it } from 'vitest'
import { buildFormFrame, formActions, newFormState, type FormState } from '../../src/renderer/src/lib/protocolForms'
import type { ProtocolKind } from '../../src/shared/protocols'
import { parseGraphqlFrame } from '../../src/shared/protocols/graphql'
import { parseStompFrames, stompHeader } from '../../src/shared/protocols/stomp'
import { parseMqttFrame } from '../../src/shared/protocols/mqtt'
import { parseSignalrFrame } from '../../src/shared/protocols/signalr'
import { base64 } from '../../src/shared/wire'

function form(action: string, values: FormState['values'], nextId = 1): FormState {
  return { ...newFormState(), action, values, nextId }
}
function built(kind: ProtocolKind, s: FormState, body = '', subprotocol: string | null = null, mqttVersion: 4 | 5 = 4) {
  const b = buildFormFrame(kind, s, body, subprotocol, mqttVersion)
  if (!b.ok) throw new Error(b.problem)
  return b
}
const bytesOf = (m: { kind: string; data: string }): Uint8Array => base64.decode(m.data)

describe('the GraphQL form', () => {
  it('subscribes with the next id, the variables and the operation name, in the negotiated dialect', () => {
    for (const sub of ['graphql-transport-ws', 'graphql-ws']) {
      const b = built(
        'graphql',
        form('Subscribe', { variables: '{"n": 3}', operationName: 'Ticks' }, 4),
        'subscription Ticks($n: Int!) { ticks(count: $n) }',
        sub
      )
      expect(b.tookId).toBe(true)
      expect(parseGraphqlFrame(b.message.data, sub)).toMatchObject({
        type: sub === 'graphql-ws' ? 'start' : 'subscribe',
        id: '4',
        payload: { variables: { n: 3 }, operationName: 'Ticks' }
      })
    }
    expect(parseGraphqlFrame(built('graphql', form('Complete', { id: '4' })).message.data)).toMatchObject({ type: 'complete', id: '4' })
  })

  it('refuses an empty query and variables that are not a JSON object', () => {
    expect(buildFormFrame('graphql', form('Subscribe', {}), '', null)).toEqual({
      ok: false,
      problem: 'Write the query (a subscription, query or mutation).'
    })
    expect(buildFormFrame('graphql', form('Subscribe', { variables: '[1]' }), '{ hello }', null)).toEqual({
      ok: false,
      problem: 'The variables must be a JSON object, e.g. {"symbol": "ETH"}.'
    })
  })
})

describe('the STOMP form', () => {
  it('SEND with headers, SUBSCRIBE with the next sub id, ACK per version, and a CONNECT by hand', () => {
    const send = built('stomp', form('SEND', { destination: '/queue/a', headers: 'priority: 9; x-id: 7' }), 'hello', 'v12.stomp')
    const [frame] = parseStompFrames(send.message.data).frames
    expect([frame.command, stompHeader(frame, 'destination'), stompHeader(frame, 'priority'), stompHeader(frame, 'x-id')]).toEqual([
      'SEND',
      '/queue/a',
      '9',
      '7'
    ])
    expect(stompHeader(frame, 'content-type')).toBe('text/plain')
    const subscribe = built('stomp', form('SUBSCRIBE', { destination: '/topic/x', ack: 'client' }, 3))
    expect(subscribe.tookId).toBe(true)
    expect(parseStompFrames(subscribe.message.data).frames[0].headers).toEqual([
      ['id', 'sub-3'],
      ['destination', '/topic/x'],
      ['ack', 'client']
    ])
    // 1.2 names the message by `id`, 1.1 by `message-id` and `subscription`.
    expect(built('stomp', form('ACK', { id: 'a-1' }), '', 'v12.stomp').message.data).toMatch(/^ACK\nid:a-1\n/)
    expect(built('stomp', form('ACK', { id: 'm-1', subscription: 'sub-3', nack: true }), '', 'v11.stomp').message.data).toMatch(
      /^NACK\nmessage-id:m-1\nsubscription:sub-3\n/
    )
    expect(parseStompFrames(built('stomp', form('CONNECT', { host: 'vhost' })).message.data).frames[0].command).toBe('CONNECT')
  })

  it('refuses a header without a colon and a SEND without a destination', () => {
    expect(buildFormFrame('stomp', form('SEND', { destination: '/q', headers: 'oops' }), '', null)).toEqual({
      ok: false,
      problem: 'Header "oops" needs a name and a value, as name: value.'
    })
    expect(buildFormFrame('stomp', form('SEND', {}), 'x', null)).toEqual({ ok: false, problem: 'Give the destination.' })
  })
})

describe('the MQTT form', () => {
  it('PUBLISH takes a packet id only at QoS 1 and 2; SUBSCRIBE, UNSUBSCRIBE, CONNECT and DISCONNECT read back', () => {
    const at0 = built('mqtt', form('PUBLISH', { topic: 'sensors/1', qos: '0', retain: true }), '21.5')
    expect(at0.tookId).toBe(false)
    expect(parseMqttFrame(bytesOf(at0.message), 4).packets[0]).toMatchObject({ type: 'PUBLISH', topic: 'sensors/1', qos: 0, retain: true })
    const at2 = built('mqtt', form('PUBLISH', { topic: 'sensors/1', qos: '2' }, 9), '21.5', 'mqtt', 5)
    expect(at2.tookId).toBe(true)
    expect(parseMqttFrame(bytesOf(at2.message), 5).packets[0]).toMatchObject({ type: 'PUBLISH', qos: 2, id: 9 })
    expect(
      parseMqttFrame(bytesOf(built('mqtt', form('SUBSCRIBE', { topic: 'sensors/#', qos: '1' }, 2)).message), 4).packets[0]
    ).toMatchObject({
      type: 'SUBSCRIBE',
      id: 2,
      filters: [{ topic: 'sensors/#', qos: 1 }]
    })
    expect(parseMqttFrame(bytesOf(built('mqtt', form('UNSUBSCRIBE', { topic: 'sensors/#' }, 3)).message), 4).packets[0].type).toBe(
      'UNSUBSCRIBE'
    )
    expect(parseMqttFrame(bytesOf(built('mqtt', form('CONNECT', { clientId: 'by-hand' })).message), 4).packets[0]).toMatchObject({
      type: 'CONNECT',
      clientId: 'by-hand'
    })
    expect(parseMqttFrame(bytesOf(built('mqtt', form('DISCONNECT', {})).message), 4).packets[0].type).toBe('DISCONNECT')
  })

  it('refuses a PUBLISH without a topic', () => {
    expect(buildFormFrame('mqtt', form('PUBLISH', { qos: '1' }), 'x', null)).toEqual({ ok: false, problem: 'Give the topic.' })
  })
})

describe('the SignalR form', () => {
  it('an invoke waiting for its result takes the next id; a fire-and-forget one none; a stream always one', () => {
    const waits = built('signalr', form('Invoke', { target: 'Echo' }, 5), '"hi"')
    expect(waits.tookId).toBe(true)
    expect(parseSignalrFrame(waits.message.data)).toEqual({ records: [{ type: 1, invocationId: '5', target: 'Echo', arguments: ['hi'] }] })
    const fire = built('signalr', form('Invoke', { target: 'SendMessage', result: false }), '["alice", "hi"]')
    expect(fire.tookId).toBe(false)
    expect(parseSignalrFrame(fire.message.data)).toEqual({ records: [{ type: 1, target: 'SendMessage', arguments: ['alice', 'hi'] }] })
    expect(parseSignalrFrame(built('signalr', form('Stream', { target: 'Counter' }, 6), '[3]').message.data)).toEqual({
      records: [{ type: 4, invocationId: '6', target: 'Counter', arguments: [3] }]
    })
    expect(buildFormFrame('signalr', form('Invoke', {}), '', null)).toEqual({ ok: false, problem: 'Name the hub method to invoke.' })
  })

  it('every protocol but raw has a form, and each action has a name', () => {
    for (const kind of ['socketio', 'graphql', 'stomp', 'mqtt', 'signalr'] as const) expect(formActions(kind).length).toBeGreaterThan(1)
    expect(formActions('raw')).toEqual([])
  })
})
