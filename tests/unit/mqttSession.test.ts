/** The MQTT session over random broker streams and user packets (fast-check): every answer MQTT requires, nothing after the keep-alive is off or the session ended. */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { type Packet } from 'mqtt-packet'
import { protocolSession } from '../../src/main/core/protocols'
import { mqttSession, mqttSettings } from '../../src/main/core/protocols/mqttSession'
import type { ConnectionOptions, OutgoingMessage } from '../../src/shared/options'
import type { MqttOptions } from '../../src/shared/protocols'
import * as build from '../../src/shared/protocols/mqttBuild'
import { reasonName } from '../../src/shared/protocols/mqttReasons'

import { Version, bytesOf, theirPackets, topic, id, qos, maybe, hex, cut, concat, fractions } from '../helpers/mqttPackets'

const URL = 'ws://127.0.0.1:1/mqtt'
const open = (mqttOptions: MqttOptions = {}, keepAlive?: boolean) =>
  mqttSession({
    url: URL,
    options: { url: URL, protocol: { mqtt: mqttOptions, keepAlive } } as ConnectionOptions,
    subprotocol: 'mqtt',
    answerKeepAlive: keepAlive !== false
  })
const outBytes = (ms: OutgoingMessage[] | undefined): Uint8Array[] => (ms ?? []).map((m) => new Uint8Array(Buffer.from(m.data, 'base64')))

/** One step: a packet from the broker, or one of the user's own packets going out. */
type Step = { from: 'broker'; packet: Packet } | { from: 'user'; packet: Packet }
const brokerPacket = (v: Version): fc.Arbitrary<Packet> =>
  fc.oneof(
    fc.record({
      cmd: fc.constant('publish' as const),
      topic,
      payload: fc.constant(Buffer.from('x')),
      qos,
      retain: fc.boolean(),
      dup: fc.constant(false),
      messageId: id
    }),
    fc.record({ cmd: fc.constantFrom('pubrel' as const, 'puback' as const, 'pubcomp' as const), messageId: id }),
    fc.record({ cmd: fc.constant('pubrec' as const), messageId: id, ...(v === 5 && { reasonCode: fc.constantFrom(0, 0x10, 0x80, 0x87) }) }),
    fc.record({
      cmd: fc.constant('suback' as const),
      messageId: fc.integer({ min: 1, max: 4 }),
      granted: fc.array(fc.constantFrom(0, 1, 2, 0x80), { minLength: 1, maxLength: 2 })
    }),
    v === 4
      ? fc.record({ cmd: fc.constant('connack' as const), returnCode: fc.constantFrom(0, 0, 0, 1, 4, 5), sessionPresent: fc.boolean() })
      : fc.record({
          cmd: fc.constant('connack' as const),
          reasonCode: fc.constantFrom(0, 0, 0, 0x86, 0x87),
          sessionPresent: fc.boolean(),
          properties: maybe(fc.record({ serverKeepAlive: fc.integer({ min: 0, max: 100 }) }))
        }),
    fc.constant({ cmd: 'pingresp' as const })
  ) as fc.Arbitrary<Packet>
const userPacket: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({
    cmd: fc.constant('subscribe' as const),
    messageId: fc.integer({ min: 1, max: 4 }),
    subscriptions: fc.array(fc.record({ topic, qos }), { minLength: 1, maxLength: 2 })
  }),
  fc.record({
    cmd: fc.constant('publish' as const),
    topic,
    payload: fc.constant(Buffer.from('y')),
    qos,
    retain: fc.constant(false),
    dup: fc.constant(false),
    messageId: id
  }),
  fc.constant({ cmd: 'disconnect' as const })
) as fc.Arbitrary<Packet>
const scenario = fc.constantFrom(4 as const, 5 as const).chain((v) =>
  fc.record({
    v: fc.constant(v),
    keepAlive: fc.boolean(),
    steps: fc.array(
      fc.oneof(
        { weight: 5, arbitrary: brokerPacket(v).map((packet): Step => ({ from: 'broker', packet })) },
        { weight: 1, arbitrary: userPacket.map((packet): Step => ({ from: 'user', packet })) }
      ),
      { maxLength: 30 }
    ),
    cuts: fractions
  })
)

/** What the spec has the client answer to `steps` (MQTT §4.3, §3.2.2.3, §3.9.3, §3.14.4), as `cmd #id`, and its problems. */
function expected(v: Version, steps: Step[]) {
  const answers: string[] = []
  const problems: string[] = []
  const subscribed = new Map<number, string[]>()
  let ended = false
  for (const { from, packet: p } of steps) {
    if (from === 'user') {
      if (p.cmd === 'subscribe')
        subscribed.set(
          p.messageId!,
          p.subscriptions.map((s) => s.topic)
        )
      if (p.cmd === 'disconnect') ended = true
      continue
    }
    if (ended) continue
    if (p.cmd === 'publish' && p.qos === 1) answers.push(`puback #${p.messageId}`)
    if (p.cmd === 'publish' && p.qos === 2) answers.push(`pubrec #${p.messageId}`)
    if (p.cmd === 'pubrel') answers.push(`pubcomp #${p.messageId}`)
    if (p.cmd === 'pubrec' && (p.reasonCode ?? 0) < 0x80) answers.push(`pubrel #${p.messageId}`)
    if (p.cmd === 'suback') {
      const topics = subscribed.get(p.messageId!)
      subscribed.delete(p.messageId!)
      p.granted.forEach(
        (g, i) =>
          g === 0x80 &&
          problems.push(
            `MQTT_SUBACK_REFUSED The MQTT broker refused the subscription to ${topics?.[i] ?? `packet #${p.messageId}`}: ${reasonName('SUBACK', 0x80, v)}.`
          )
      )
    }
    const code = p.cmd === 'connack' ? (p.reasonCode ?? p.returnCode ?? 0) : 0
    if (code) {
      problems.push(`MQTT_CONNACK_REFUSED The MQTT broker refused the connection: ${reasonName('CONNACK', code, v)}.`)
      ended = true
    }
  }
  return { answers, problems }
}

describe('the MQTT session', () => {
  it('completes every QoS flow of a random packet stream cut into random frames, and says refusals', () => {
    fc.assert(
      fc.property(scenario, ({ v, keepAlive, steps, cuts }) => {
        const session = open({ version: v, keepAliveS: 5 }, keepAlive)
        expect(session.tickMs).toBe(keepAlive ? 5000 : undefined)
        const answers: string[] = []
        const problems: string[] = []
        const note = (r: ReturnType<typeof session.received>) => {
          for (const p of theirPackets(outBytes(r.send), v)) answers.push(`${p.cmd} #${p.messageId}`)
          for (const p of r.problems ?? []) problems.push(`${p.code} ${p.message}`)
          // With the keep-alive off no answer starts our PINGREQs (a 5.0 Server Keep Alive included).
          if (!keepAlive) expect(r.tickEveryMs ?? 0).toBe(0)
        }
        // Consecutive broker packets travel together, then are cut into frames anywhere.
        let pending: Uint8Array[] = []
        const flush = () => {
          if (pending.length) for (const frame of cut(concat(pending), cuts)) note(session.received(frame))
          pending = []
        }
        for (const step of steps) {
          if (step.from === 'broker') pending.push(bytesOf(step.packet, v))
          else {
            flush()
            note(session.sent!(bytesOf(step.packet, v)))
          }
        }
        flush()
        const want = expected(v, steps)
        expect(answers).toEqual(want.answers)
        expect(problems).toEqual(want.problems)
      }),
      { numRuns: 1000 }
    )
  })

  it('sends CONNECT at open with the settings, PINGREQ each keep-alive period, and nothing after a DISCONNECT', () => {
    const s = open({ clientId: 'probe', username: 'alice', password: 's3cret', keepAliveS: 20, cleanStart: false })
    const [connect] = theirPackets(outBytes(s.opened().send), 4)
    expect(connect).toMatchObject({
      cmd: 'connect',
      protocolVersion: 4,
      clientId: 'probe',
      username: 'alice',
      password: Buffer.from('s3cret'),
      keepalive: 20,
      clean: false
    })
    expect(s.tickMs).toBe(20_000)
    expect(outBytes(s.tick!().send).map(hex)).toEqual(['c000'])
    expect(s.sent!(build.disconnectPacket())).toEqual({ tickEveryMs: 0 })
    expect(s.tick!()).toEqual({ tickEveryMs: 0 })
    expect(
      s.received(bytesOf({ cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 1, messageId: 1, retain: false, dup: false }, 4))
    ).toEqual({})

    const v5 = open({ version: 5 })
    const [c5] = theirPackets(outBytes(v5.opened().send), 5)
    expect(c5).toMatchObject({
      cmd: 'connect',
      protocolVersion: 5,
      clean: true,
      keepalive: 60,
      clientId: expect.stringMatching(/^sockscope-[0-9a-f]{8}$/)
    })
    // 5.0 §3.2.2.3.14: the broker's Server Keep Alive replaces ours.
    expect(v5.received(bytesOf({ cmd: 'connack', reasonCode: 0, sessionPresent: false, properties: { serverKeepAlive: 7 } }, 5))).toEqual({
      tickEveryMs: 7000,
      ready: true
    })
    // A server that chose `mqttv3.1` gets an MQTT 3.1 CONNECT (MQIsdp, level 3).
    const v31 = mqttSession({ url: URL, options: { url: URL }, subprotocol: 'mqttv3.1', answerKeepAlive: true })
    expect(theirPackets(outBytes(v31.opened().send), 4)[0]).toMatchObject({ protocolId: 'MQIsdp', protocolVersion: 3 })
    expect(open({ keepAliveS: 0 }).tickMs).toBeUndefined()
    expect(open({ keepAliveS: 10 }, false).tickMs).toBeUndefined()
  })

  it('says a refused CONNACK and SUBACK in words, with what to do', () => {
    const s = open()
    s.opened()
    s.sent!(build.subscribePacket('plant/#', 1, 3))
    expect(s.received(bytesOf({ cmd: 'suback', messageId: 3, granted: [0x80] }, 4)).problems).toEqual([
      {
        code: 'MQTT_SUBACK_REFUSED',
        message: 'The MQTT broker refused the subscription to plant/#: Failure.',
        next: 'Check the topic filter and that this user may subscribe to it, then subscribe again.'
      }
    ])
    expect(s.received(bytesOf({ cmd: 'connack', returnCode: 4, sessionPresent: false }, 4))).toEqual({
      tickEveryMs: 0,
      problems: [
        {
          code: 'MQTT_CONNACK_REFUSED',
          message: 'The MQTT broker refused the connection: Bad user name or password.',
          next: 'Check the user name and password in the Protocol settings, then reconnect.'
        }
      ]
    })
    const v5 = open({ version: 5 })
    const refused = v5.received(
      bytesOf({ cmd: 'connack', reasonCode: 0x87, sessionPresent: false, properties: { reasonString: 'banned topic tree' } }, 5)
    )
    expect(refused.problems?.[0].message).toBe('The MQTT broker refused the connection: Not authorized (banned topic tree).')
    expect(open({ version: 5 }).received(bytesOf({ cmd: 'disconnect', reasonCode: 0x8e }, 5)).problems?.[0]).toMatchObject({
      code: 'MQTT_SERVER_DISCONNECT',
      message: 'The MQTT broker ended the session: Session taken over.'
    })
    expect(open().received(new Uint8Array([0x00, 0x00])).problems?.[0]).toMatchObject({ code: 'MQTT_MALFORMED' })
    // 3.1.1 §3.1.2.9: no password without a user name, so it stays out of the CONNECT.
    const lone = open({ password: 'p' }).opened()
    expect(lone.problems?.[0].code).toBe('MQTT_PASSWORD_WITHOUT_USER')
    expect(theirPackets(outBytes(lone.send), 4)[0]).not.toHaveProperty('password')
    expect(theirPackets(outBytes(open({ version: 5, password: 'p' }).opened().send), 5)[0]).toMatchObject({ password: Buffer.from('p') })
  })

  it('reads its settings defensively, and is picked by the URL or the subprotocol', () => {
    const odd = { version: 6, clientId: '', keepAliveS: -1, cleanStart: 'no' } as unknown as MqttOptions
    expect(mqttSettings(odd, () => 'gen')).toEqual({
      version: 4,
      clientId: 'gen',
      username: undefined,
      password: undefined,
      clean: true,
      keepAliveS: 60
    })
    expect(mqttSettings({ keepAliveS: 100_000 }, () => 'gen').keepAliveS).toBe(65535)
    expect(protocolSession(URL, { url: URL })?.tickMs).toBe(60_000)
    expect(protocolSession('ws://127.0.0.1:1/x', { url: 'ws://127.0.0.1:1/x' }, 'mqtt')?.tickMs).toBe(60_000)
    expect(protocolSession(URL, { url: URL, protocol: { kind: 'raw' } })).toBeNull()
  })
})
