/**
 * Scenarios that send through protocol forms and match protocol messages (issue 18), run on the engine against the
 * reference servers the protocol tests use: Socket.IO (socket.io 4), GraphQL (graphql-ws), STOMP (a 1.2 server),
 * MQTT (aedes, which splits every packet over several frames) and a SignalR hub. Each scenario's expects read the
 * protocol message (an event and its ack, a `next` of a named operation, a MESSAGE's body and headers, a PUBLISH's
 * topic and payload, a Completion's result), never the handshake; and a failure names the step and what came.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseScenario } from '../../src/scenario/parse'
import { runScenario } from '../../src/scenario/runner'
import type { ScenarioResult, StepResult } from '../../src/scenario/types'
import { ScenarioInputError } from '../../src/scenario/types'
import { startSocketIoServer, type RunningSocketIo } from '../helpers/socketio'
import { startTransportWsServer, TOKEN, type RunningGraphqlServer } from '../helpers/graphqlServer'
import { startMiniStomp12, type RunningMiniStomp } from '../helpers/stompServer'
import { startMqttBroker, type RunningMqttBroker } from '../helpers/mqttBroker'
import { startSignalrServer, type RunningSignalrServer } from '../helpers/signalrServer'
import { startWsServer, type RunningWs } from '../helpers/servers'

let sio: RunningSocketIo
let gql: RunningGraphqlServer
let stomp: RunningMiniStomp
let mqtt: RunningMqttBroker
let hub: RunningSignalrServer
let echo: RunningWs

beforeAll(async () => {
  ;[sio, gql, stomp, mqtt, hub, echo] = await Promise.all([
    startSocketIoServer({ pingInterval: 50, pingTimeout: 1000 }),
    startTransportWsServer({ keepAliveMs: 10_000, initWaitMs: 3000 }),
    startMiniStomp12({ login: 'guest', passcode: 'guest', heartBeatMs: 0 }),
    startMqttBroker(),
    startSignalrServer({ clientTimeoutMs: 30_000, pingIntervalMs: 40 }),
    startWsServer()
  ])
})
afterAll(async () => {
  await Promise.all([sio.close(), gql.close(), stomp.close(), mqtt.close(), hub.close(), echo.close()])
})

function run(lines: string[], vars: Record<string, string> = {}): Promise<ScenarioResult> {
  return runScenario(parseScenario(lines.join('\n'), 'protocols.yaml', { vars }), { vars })
}

const notPassed = (r: ScenarioResult): StepResult[] => r.steps.filter((s) => s.status !== 'passed')

describe('Socket.IO', () => {
  it('emits with an ack; the greeting event and the ack are the next messages (the handshake is not one)', async () => {
    const r = await run(
      [
        'env: { greeting: hi }',
        'steps:',
        '  - connect: { url: "{{sio}}", protocol: { kind: socketio, namespace: /admin, auth: { token: s3cret } } }',
        '  - expect: { json: { type: event, event: welcome, args: [{ n: 1 }], namespace: /admin } }',
        '  - send: { socketio: { event: chat, args: [{ text: "{{greeting}}" }], ack: true } }',
        '  - expect: { json: { type: ack, operation: chat, args: [{ ok: true, echo: { text: hi } }] } }',
        '  - extract: { path: "$.args[0].echo.text", into: said }',
        '  - send: { socketio: { event: chat, args: ["{{said}} again"], ack: true } }',
        '  - expect: \'$.type == "ack" && $.id == 2 && $.args[0].echo == "hi again"\'',
        // The pings (every 50 ms) are answered by core and never seen: the window stays quiet.
        '  - expect-none: { for: 200ms }'
      ],
      { sio: sio.url }
    )
    expect(notPassed(r)).toEqual([])
    expect(r.steps.map((s) => s.name)).toContain('send on main: Socket.IO emit chat')
  })

  it('a wrong expectation names the step and shows the protocol message that came', async () => {
    const r = await run(
      [
        'steps:',
        '  - connect: { url: "{{sio}}", protocol: { kind: socketio, namespace: /admin, auth: { token: s3cret } } }',
        '  - send: { socketio: { event: chat, args: [yo], ack: true } }',
        '  - name: the chat is refused',
        '    expect: { within: 1s, json: { type: ack, args: [{ ok: false }] } }'
      ],
      { sio: sio.url }
    )
    const f = r.steps.find((s) => s.status === 'failed')!
    expect(f).toMatchObject({ path: '3', line: 4, name: 'the chat is refused', kind: 'expect' })
    expect(f.expected).toBe('a Socket.IO message with the JSON {"type":"ack","args":[{"ok":false}]} on main within 1 s')
    expect(f.actual).toBe(
      '2 messages arrived, none matching (the last: ↓ Socket.IO {"type":"ack","id":1,"operation":"chat","args":[{"ok":true,"echo":"yo"}],"namespace":"/admin"}, but $.args[0].ok should be false, but is true); nothing else within 1 s'
    )
    // Side by side: the ack as the protocol view reads it, marked where it parts from the expected subset.
    expect(f.diff?.at).toBe('$.args[0].ok')
    expect(f.diff?.expected.lines[f.diff.expected.mark]).toBe('      "ok": false')
    expect(f.diff?.received.lines[f.diff.received.mark]).toBe('      "ok": true,')
  })
  it('a send waits for the namespace to take the client, and fails with the refusal when it does not', async () => {
    const r = await run(
      [
        'steps:',
        '  - connect: { url: "{{sio}}", protocol: { kind: socketio, namespace: /admin, auth: { token: wrong } } }',
        '  - send: { socketio: { event: chat, args: [hi] } }'
      ],
      { sio: sio.url }
    )
    const f = r.steps.find((s) => s.status === 'failed')!
    expect(f).toMatchObject({ path: '2', expected: "Socket.IO ready on main (the namespace's CONNECT answer) before the message is sent" })
    expect(f.actual).toBe('the server refused it: Socket.IO refused namespace /admin: not authorized')
  })
})

describe('GraphQL over WebSocket', () => {
  it('subscribes, matches each next of the named operation, and completes it by name', async () => {
    const r = await run(
      [
        'steps:',
        '  - connect: { url: "{{gql}}", protocol: { kind: graphql, graphql: { connectionParams: { token: "{{token}}" } } } }',
        '  - send: { graphql: { query: "subscription Tick($n: Int!) { ticks(count: $n) }", variables: { n: 100000 } } }',
        '  - expect: { json: { type: next, id: "1", operation: Tick, payload: { data: { ticks: 1 } } } }',
        '  - expect: $.payload.data.ticks == 2',
        '  - send: { graphql: { complete: Tick } }',
        // A second operation runs to its end; every next of Tick the server sent came before it (one socket, in order).
        '  - send: { graphql: { query: "subscription Two { ticks(count: 3) }" } }',
        '  - expect: { within: 2s, json: { type: complete, operation: Two } }',
        '  - expect-none: { for: 250ms, json: { operation: Tick } }'
      ],
      { gql: gql.url, token: TOKEN }
    )
    expect(notPassed(r)).toEqual([])
  })
})

describe('STOMP', () => {
  it('SUBSCRIBE, SEND, then the MESSAGE with its headers and body, acknowledged by the ack id it carried', async () => {
    const r = await run(
      [
        'steps:',
        '  - connect: { url: "{{stomp}}", protocol: { kind: stomp, stomp: { login: guest, passcode: guest, heartBeatMs: 0 } } }',
        '  - send: { stomp: { command: SUBSCRIBE, destination: /queue/a, ack: client-individual, receipt: r1 } }',
        '  - expect: { json: { command: RECEIPT, headers: { receipt-id: r1 } } }',
        '  - send: { stomp: { command: SEND, destination: /queue/a, body: { text: hi }, headers: { priority: 9 }, receipt: r2 } }',
        '  - expect: { json: { command: MESSAGE, headers: { destination: /queue/a, subscription: sub-1 }, body: { text: hi } } }',
        // The server errors and closes on an ACK whose id is not the one its MESSAGE carried.
        '  - send: { stomp: { command: ACK, receipt: r3 } }',
        '  - expect: { json: { command: RECEIPT, headers: { receipt-id: r3 } } }'
      ],
      { stomp: stomp.url }
    )
    expect(notPassed(r)).toEqual([])
    expect(stomp.received.slice(-3)).toEqual(['SUBSCRIBE', 'SEND', 'ACK'])
  })
})

describe('MQTT', () => {
  it('subscribes, publishes at QoS 1, and receives its own publish joined from the broker’s split frames', async () => {
    const r = await run(
      [
        'steps:',
        '  - connect: { url: "{{mqtt}}", protocol: { kind: mqtt } }',
        '  - send: { mqtt: { subscribe: { topic: "sensors/#", qos: 1 } } }',
        '  - expect: { json: { type: SUBACK, id: 1, operation: "sensors/#", codes: [1] } }',
        '  - send: { mqtt: { publish: { topic: sensors/1, payload: { t: 21.5 }, qos: 1 } } }',
        // The broker delivers it at min(1, 1) = QoS 1; its PUBACK of ours may come first.
        '  - expect: { within: 2s, json: { type: PUBLISH, topic: sensors/1, qos: 1, payload: { t: 21.5 } } }',
        '  - send: { mqtt: { publish: { topic: sensors/2, payload: { t: 3 } } }, codec: msgpack }',
        '  - expect: { within: 2s, codec: msgpack, match: \'$.topic == "sensors/2" && $.payload.t == 3 && $.qos == 0\' }'
      ],
      { mqtt: mqtt.url }
    )
    expect(notPassed(r)).toEqual([])
  })
})

describe('SignalR', () => {
  it('invokes a hub method and matches its Completion; a stream sends its items, then completes', async () => {
    const r = await run(
      [
        'steps:',
        '  - connect: { url: "{{hub}}", protocol: { kind: signalr } }',
        '  - send: { signalr: { invoke: Echo, args: [{ text: hi }] } }',
        '  - expect: { json: { type: Completion, invocationId: "1", operation: Echo, result: { text: hi } } }',
        '  - send: { signalr: { stream: Counter, args: [2] } }',
        '  - expect: { json: { type: StreamItem, operation: Counter, item: 0 } }',
        '  - expect: { json: { type: StreamItem, operation: Counter, item: 1 } }',
        '  - expect: { json: { type: Completion, operation: Counter } }',
        '  - send: { signalr: { invoke: SendMessage, args: [alice, hi], nonBlocking: true } }',
        '  - expect: { json: { type: Invocation, target: ReceiveMessage, arguments: [alice, hi] } }',
        '  - expect-none: { for: 100ms }'
      ],
      { hub: hub.url }
    )
    expect(notPassed(r)).toEqual([])
  })
})

describe('a form that does not fit the connection', () => {
  it('fails the step when the connection turns out to speak another protocol, saying what to pin', async () => {
    const r = await run(['steps:', '  - connect: "{{echo}}"', '  - send: { socketio: { event: chat } }'], { echo: echo.url })
    const f = r.steps.find((s) => s.status === 'failed')!
    expect(f).toMatchObject({ path: '2', kind: 'send', expected: 'main speaking Socket.IO, to send a Socket.IO message' })
    expect(f.actual).toBe(
      'main speaks raw WebSocket (its connect step pins no protocol, and neither its URL nor a subprotocol the server chose names one). Pin the protocol on its connect step: protocol: { kind: socketio }.'
    )
  })
  it('refuses a form field the protocol does not have, in words, with the file and line', () => {
    const text = [
      'steps:',
      '  - connect: { url: "{{hub}}", protocol: { kind: signalr } }',
      '  - send: { signalr: { invoke: Echo, argz: [1] } }'
    ]
    let error: unknown
    try {
      parseScenario(text.join('\n'), 'bad.yaml', { vars: { hub: 'ws://127.0.0.1:1/chathub' } })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ScenarioInputError)
    expect((error as Error).message).toBe(
      'bad.yaml:3:38: "signalr" of step 2 (send) has "argz", which is not one of its settings (did you mean "args"?). It takes invoke, stream, cancel, args, nonBlocking.'
    )
  })
})
