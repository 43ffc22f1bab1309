/**
 * Reading a send step's protocol forms (issue 18): each protocol's actions into what the runner builds, the report's
 * name for them, and bad input refused before anything runs, in words, at the line and column; then how a protocol
 * connection's frames read into the messages `json` and `match` see (split packets joined, the handshake marked).
 */
import { describe, expect, it } from 'vitest'
import { parseScenario, type ParseContext } from '../../src/scenario/parse'
import { refusal } from '../helpers/scenarioRefusal'
import { stepTitle } from '../../src/scenario/titles'
import type { SendStep } from '../../src/scenario/format'
import { frameReader, messageValue, type ReaderSettings } from '../../src/scenario/protocolViews'
import { compileMatch } from '../../src/scenario/matchers'
import { publishPacket } from '../../src/shared/protocols/mqttBuild'
import { encodeChain, parseChain } from '../../src/shared/codecs'

const SIO = 'ws://127.0.0.1:9/socket.io/?EIO=4&transport=websocket'
const connect = (protocol: string): string => `steps:\n  - connect: { url: "ws://127.0.0.1:9/x", protocol: { kind: ${protocol} } }\n`

function sends(text: string, ctx: ParseContext = {}): SendStep[] {
  return parseScenario(text, 'forms.yaml', ctx).steps.filter((s): s is SendStep => s.kind === 'send')
}

describe('protocol forms', () => {
  it('reads each protocol’s actions, keeping the fields as written for the run to fill in', () => {
    const steps = sends(
      `steps:\n  - connect: "${SIO}"\n` +
        [
          '  - send: { socketio: { event: chat, args: [{ text: "{{who}}" }], ack: true } }',
          '  - send: { socketio: { connect: /chat, auth: { token: t } } }',
          '  - send: { socketio: { disconnect: /chat } }'
        ].join('\n'),
      { vars: { who: 'ada' } }
    )
    expect(steps.map((s) => s.payload)).toEqual([
      { protocol: { protocol: 'socketio', action: 'emit', fields: { event: 'chat', args: [{ text: '{{who}}' }], ack: true } } },
      { protocol: { protocol: 'socketio', action: 'connect', fields: { connect: '/chat', auth: { token: 't' } } } },
      { protocol: { protocol: 'socketio', action: 'disconnect', fields: { disconnect: '/chat' } } }
    ])
    expect(steps[0]).toMatchObject({ on: 'main', timeoutMs: 5000 })
    const actions = (protocol: string, lines: string[]): string[] =>
      sends(connect(protocol) + lines.join('\n')).map((s) => ('protocol' in s.payload ? s.payload.protocol.action : ''))
    expect(
      actions('graphql', ['  - send: { graphql: { query: "subscription { a }" } }', '  - send: { graphql: { complete: A } }'])
    ).toEqual(['subscribe', 'complete'])
    expect(
      actions('stomp', ['  - send: { stomp: { command: SUBSCRIBE, destination: /a } }', '  - send: { stomp: { command: ACK } }'])
    ).toEqual(['SUBSCRIBE', 'ACK'])
    expect(
      actions('mqtt', [
        '  - send: { mqtt: { publish: { topic: a, payload: { n: 1 } } }, codec: msgpack }',
        '  - send: { mqtt: { subscribe: "a/#" } }',
        '  - send: { mqtt: { unsubscribe: "a/#" } }'
      ])
    ).toEqual(['publish', 'subscribe', 'unsubscribe'])
    expect(
      actions('signalr', [
        '  - send: { signalr: { invoke: Echo, args: [1] } }',
        '  - send: { signalr: { stream: C } }',
        '  - send: { signalr: { cancel: C } }'
      ])
    ).toEqual(['invoke', 'stream', 'cancel'])
  })

  it('names each in reports by what it does', () => {
    const titles = (protocol: string, line: string): string => stepTitle(sends(connect(protocol) + line)[0])
    expect(titles('socketio', '  - send: { socketio: { event: chat } }')).toBe('send on main: Socket.IO emit chat')
    expect(titles('graphql', '  - send: { graphql: { query: "subscription Tick { t }" } }')).toBe('send on main: GraphQL subscribe Tick')
    expect(titles('stomp', '  - send: { stomp: { command: SEND, destination: /q } }')).toBe('send on main: STOMP SEND /q')
    expect(titles('mqtt', '  - send: { mqtt: { subscribe: { topic: "a/#" } } }')).toBe('send on main: MQTT SUBSCRIBE a/#')
    expect(titles('signalr', '  - send: { signalr: { invoke: Echo } }')).toBe('send on main: SignalR invoke Echo')
  })

  it.each([
    [
      'a field the form does not have',
      connect('mqtt') + '  - send: { mqtt: { publish: { topic: a, qso: 1 } } }',
      '3:42',
      '"mqtt publish" of step 2 (send) has "qso", which is not one of its settings (did you mean "qos"?). It takes topic, payload, qos, retain.'
    ],
    [
      'two actions in one form (its connect action is no step kind)',
      connect('socketio') + '  - send: { socketio: { event: chat, connect: /x } }',
      '3:23',
      '"socketio" of step 2 (send) takes only one of event, connect, disconnect, not event and connect.'
    ],
    [
      'a field of another action',
      connect('socketio') + '  - send: { socketio: { disconnect: /a, ack: true } }',
      '3:41',
      '"socketio ack" of step 2 (send) does not go with a namespace DISCONNECT (disconnect:), which takes disconnect.'
    ],
    [
      'a STOMP field of another command',
      connect('stomp') + '  - send: { stomp: { command: ACK, destination: /a } }',
      '3:36',
      '"stomp destination" of step 2 (send) does not go with a STOMP ACK, which takes command, id, subscription, transaction, headers and receipt.'
    ],
    [
      'a STOMP SEND without its destination',
      connect('stomp') + '  - send: { stomp: { command: SEND, body: hi } }',
      '3:20',
      '"stomp" of step 2 (send) is a STOMP SEND, which needs "destination" (where the message goes).'
    ],
    [
      'an UNSUBSCRIBE that names nothing',
      connect('stomp') + '  - send: { stomp: { command: UNSUBSCRIBE } }',
      '3:20',
      '"stomp" of step 2 (send) is a STOMP UNSUBSCRIBE, which needs the subscription\'s "id", or the "destination" an earlier SUBSCRIBE of this scenario named.'
    ],
    [
      'a codec on a form without a payload',
      connect('signalr') + '  - send: { signalr: { invoke: Echo }, codec: msgpack }',
      '3:47',
      '"codec" of step 2 (send) encodes a payload, which only an MQTT publish or a STOMP SEND body carries; an Invocation (invoke:) is sent as its protocol writes it.'
    ],
    [
      'a QoS MQTT does not have',
      connect('mqtt') + '  - send: { mqtt: { subscribe: { topic: a, qos: 3 } } }',
      '3:49',
      '"mqtt subscribe qos" of step 2 (send) must be a QoS: 0 (at most once; when absent), 1 (at least once) or 2 (exactly once).'
    ],
    [
      'a form for the protocol the connect step does not pin',
      connect('stomp') + '  - send: { mqtt: { unsubscribe: a } }',
      '3:13',
      "step 2 (send) sends an MQTT message, but main's connect step pins STOMP (kind stomp). Send a STOMP form there, or pin protocol: { kind: mqtt }."
    ],
    [
      'a form on a fixed URL of no protocol',
      'steps:\n  - connect: ws://127.0.0.1:9/chat\n  - send: { socketio: { event: hi } }',
      '3:13',
      'step 2 (send) sends a Socket.IO message, but main will speak raw WebSocket (its connect step pins no protocol, and its URL is no Socket.IO address). Pin the protocol on its connect step: protocol: { kind: socketio }.'
    ],
    [
      'an undefined variable inside a form',
      connect('signalr') + '  - send: { signalr: { invoke: Echo, args: ["{{nope}}"] } }',
      '3:45',
      '"signalr args item 1" of step 2 (send) uses {{nope}}, which is defined nowhere: add it to the file\'s env, pass it with --var NAME=VALUE, --env NAME or --env-file FILE, or set it with an extract step before this one.'
    ]
  ])('%s: refused where and why', (_what, text, at, message) => {
    expect(refusal(text).message).toBe(`bad.yaml:${at}: ${message}`)
  })

  it('leaves to the run what only the server can say: a URL with variables, or subprotocols offered', () => {
    expect(() =>
      sends('steps:\n  - connect: "{{url}}"\n  - send: { socketio: { event: hi } }', { vars: { url: 'ws://h/x' } })
    ).not.toThrow()
    expect(() =>
      sends('steps:\n  - connect: { url: ws://h/x, subprotocols: [mqtt] }\n  - send: { mqtt: { unsubscribe: a } }')
    ).not.toThrow()
  })
})

describe('protocol messages as the matchers read them', () => {
  const settings = (over: Partial<ReaderSettings> = {}): ReaderSettings => ({
    namespace: '/admin',
    subprotocol: null,
    mqttVersion: 4,
    operations: new Map([['/admin#3', 'chat']]),
    ...over
  })

  it('Socket.IO: the handshake is marked, an ack names the emit it answers', () => {
    const read = frameReader('socketio', settings())
    expect(read('0{"sid":"x"}')).toEqual([{ fields: { type: 'open' }, handshake: 'opening' }])
    expect(read('40/admin,{"sid":"y"}')[0].handshake).toBe('accepted')
    expect(read('40/other,{"sid":"y"}')[0].handshake).toBeUndefined()
    expect(read('2')).toEqual([])
    expect(read('43/admin,3[{"ok":true}]')[0].fields).toEqual({
      type: 'ack',
      id: 3,
      operation: 'chat',
      args: [{ ok: true }],
      namespace: '/admin'
    })
    expect(read('42["news",1,2]')[0].fields).toEqual({ type: 'event', event: 'news', args: [1, 2], namespace: '/' })
  })

  it('MQTT: a packet split over frames is one message when its last part arrives; its payload decodes through a codec', () => {
    const read = frameReader('mqtt', settings())
    const packed = encodeChain({ t: 21 }, parseChain('msgpack')) as Uint8Array
    const bytes = publishPacket('sensors/1', packed, 1, false, 7)
    expect(read(bytes.slice(0, 1))).toEqual([])
    expect(read(bytes.slice(1, 5))).toEqual([])
    const [m] = read(bytes.slice(5))
    expect(m.fields).toEqual({ type: 'PUBLISH', id: 7, topic: 'sensors/1', qos: 1, retain: false, dup: false })
    expect(messageValue(m, 'msgpack')).toEqual({ ok: true, value: { ...m.fields, payload: { t: 21 } } })
    // Without a codec, text that is JSON reads as its value, other text as it is.
    const [json] = read(publishPacket('a', '{"n":1}', 0, false))
    const [plain] = read(publishPacket('a', 'hello', 0, false))
    expect([messageValue(json).ok && (messageValue(json) as { value: { payload: unknown } }).value.payload]).toEqual([{ n: 1 }])
    expect((messageValue(plain) as { value: { payload: unknown } }).value.payload).toBe('hello')
  })

  it('STOMP: CONNECTED split over two frames is the handshake; one frame of two STOMP frames is two messages', () => {
    const read = frameReader('stomp', settings())
    expect(read('CONNECTED\nversion:1.')).toEqual([])
    expect(read('2\n\n\0')[0]).toMatchObject({ fields: { command: 'CONNECTED', headers: { version: '1.2' } }, handshake: 'accepted' })
    const two = read('MESSAGE\ndestination:/q\nsubscription:sub-1\n\n{"a":1}\0RECEIPT\nreceipt-id:r\n\n\0')
    expect(two.map((m) => m.fields.command)).toEqual(['MESSAGE', 'RECEIPT'])
    // `json` holds when one of the frame's messages has it.
    const match = compileMatch({ json: { command: 'RECEIPT' } })
    expect(match.mismatch({ kind: 'text', data: '' }, two)).toBeNull()
    expect(compileMatch({ json: { body: { a: 2 } } }).mismatch({ kind: 'text', data: '' }, two)).toBe('$.body.a should be 2, but is 1')
  })
})
