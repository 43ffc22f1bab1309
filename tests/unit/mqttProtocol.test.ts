/**
 * MQTT 3.1.1 and 5.0 (fast-check throughout): the page's reader (shared/protocols/mqtt) never throws and reads what
 * `mqtt-packet` writes exactly as `mqtt-packet`'s parser does, for packets of both versions, whole, several to a frame
 * or split across frames; our builders write the bytes `mqtt-packet` writes; the session answers every QoS flow of a
 * random stream of broker packets cut into random frames, says refusals in words, and sends no PINGREQ with the
 * keep-alive off.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { generate, parser, type Packet } from 'mqtt-packet'
import { protocolSession } from '../../src/main/core/protocols'
import { mqttSession, mqttSettings } from '../../src/main/core/protocols/mqttSession'
import type { ConnectionOptions, OutgoingMessage } from '../../src/shared/options'
import type { MqttOptions } from '../../src/shared/protocols'
import * as mqtt from '../../src/shared/protocols/mqtt'
import * as build from '../../src/shared/protocols/mqttBuild'
import * as mqttView from '../../src/shared/protocols/mqttView'
import { reasonName } from '../../src/shared/protocols/mqttReasons'

type Version = 4 | 5
function bytesOf(p: Packet, v: Version): Uint8Array {
  const bytes = new Uint8Array(generate(p, { protocolVersion: v }))
  if (!bytes.length) throw new Error(`mqtt-packet could not write ${JSON.stringify(p)}`)
  return bytes
}

/** Every packet mqtt-packet's parser reads from these frames, in order. */
function theirPackets(frames: Uint8Array[], v: Version): Packet[] {
  const got: Packet[] = []
  const p = parser({ protocolVersion: v })
  p.on('packet', (x: Packet) => got.push(x))
  p.on('error', (e: Error) => {
    throw e
  })
  for (const f of frames) p.parse(Buffer.from(f))
  return got
}

// Arbitrary packets as mqtt-packet takes them, per version (MQTT 3.1.1 §3, MQTT 5.0 §3).
const text = fc.string({ unit: 'grapheme', maxLength: 12 })
const topic = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
const id = fc.integer({ min: 1, max: 65535 })
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  text.map((s) => new TextEncoder().encode(s))
)
const qos = fc.constantFrom(0 as const, 1 as const, 2 as const)
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined })
/** 5.0 properties a row never shows, so the reader must step over them (§2.2.2.2). */
const userProperties = maybe(
  fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 4 }), { minKeys: 1, maxKeys: 2 })
)
const reasonProps = (v: Version) =>
  v === 4 ? fc.constant(undefined) : maybe(fc.record({ reasonString: maybe(text), userProperties }, { requiredKeys: [] }))
const V5_CODES = {
  connack: [
    0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f
  ],
  puback: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
  pubrel: [0x00, 0x92],
  suback: [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2],
  unsuback: [0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91],
  disconnect: [
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a
  ],
  auth: [0x00, 0x18, 0x19]
}
const pick = (codes: number[]) => fc.constantFrom(...codes)

function packetOf(v: Version): fc.Arbitrary<Packet> {
  const ack = (cmd: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp') =>
    fc.record({
      cmd: fc.constant(cmd),
      messageId: id,
      ...(v === 5 && {
        reasonCode: pick(cmd === 'pubrel' || cmd === 'pubcomp' ? V5_CODES.pubrel : V5_CODES.puback),
        properties: reasonProps(v)
      })
    })
  const all: Array<fc.Arbitrary<Packet>> = [
    fc
      .record({
        level: v === 5 ? fc.constant(5) : fc.constantFrom(3, 4),
        clientId: text,
        keepalive: fc.integer({ min: 0, max: 65535 }),
        clean: fc.boolean(),
        username: maybe(text),
        password: maybe(fc.uint8Array({ maxLength: 8 })),
        will: maybe(fc.record({ topic, payload, qos, retain: fc.boolean() }))
      })
      .map(({ level, password, username, will, ...rest }) => ({
        cmd: 'connect' as const,
        protocolId: level === 3 ? ('MQIsdp' as const) : ('MQTT' as const),
        protocolVersion: level as 3 | 4 | 5,
        ...rest,
        // 3.1 needs a client id (mqtt-packet); a password goes with a user name (3.1.1 §3.1.2.9).
        clientId: level === 3 && !rest.clientId ? 'x' : rest.clientId,
        // An empty client id goes with a clean session (3.1.1 §3.1.3.1; mqtt-packet asks it of 5.0 too).
        clean: rest.clean || (!rest.clientId && level !== 3),
        ...(username !== undefined && { username }),
        ...(username !== undefined && password && { password: Buffer.from(password) }),
        ...(will && { will: { ...will, payload: Buffer.from(will.payload) } }),
        ...(v === 5 && { properties: { sessionExpiryInterval: 30, userProperties: { a: 'b' } } })
      })),
    v === 4
      ? fc.record({ cmd: fc.constant('connack' as const), returnCode: fc.integer({ min: 0, max: 5 }), sessionPresent: fc.boolean() })
      : fc.record({
          cmd: fc.constant('connack' as const),
          reasonCode: pick(V5_CODES.connack),
          sessionPresent: fc.boolean(),
          properties: maybe(
            fc.record({ reasonString: maybe(text), serverKeepAlive: maybe(fc.integer({ min: 0, max: 65535 })) }, { requiredKeys: [] })
          )
        }),
    fc.record({ topic, payload, qos, retain: fc.boolean(), dup: fc.boolean(), messageId: id }).map((p) => ({
      cmd: 'publish' as const,
      ...p,
      payload: Buffer.from(p.payload),
      ...(p.qos === 0 && { dup: false }),
      ...(v === 5 && { properties: { contentType: 'text/plain', userProperties: { k: 'v' }, messageExpiryInterval: 60 } })
    })),
    ack('puback'),
    ack('pubrec'),
    ack('pubrel'),
    ack('pubcomp'),
    fc.record({
      cmd: fc.constant('subscribe' as const),
      messageId: id,
      subscriptions: fc.array(
        fc.record({ topic, qos, ...(v === 5 && { nl: fc.boolean(), rap: fc.boolean(), rh: fc.constantFrom(0, 1, 2) }) }),
        { minLength: 1, maxLength: 3 }
      ),
      ...(v === 5 && { properties: maybe(fc.record({ subscriptionIdentifier: fc.integer({ min: 1, max: 268435455 }) })) })
    }),
    fc.record({
      cmd: fc.constant('suback' as const),
      messageId: id,
      granted: fc.array(v === 4 ? fc.constantFrom(0, 1, 2, 0x80) : pick(V5_CODES.suback), { minLength: 1, maxLength: 3 }),
      ...(v === 5 && { properties: reasonProps(v) })
    }),
    fc.record({
      cmd: fc.constant('unsubscribe' as const),
      messageId: id,
      unsubscriptions: fc.array(topic, { minLength: 1, maxLength: 3 })
    }),
    fc.record({
      cmd: fc.constant('unsuback' as const),
      messageId: id,
      ...(v === 5 && { granted: fc.array(pick(V5_CODES.unsuback), { minLength: 1, maxLength: 3 }), properties: reasonProps(v) })
    }) as fc.Arbitrary<Packet>,
    fc.constant({ cmd: 'pingreq' as const }),
    fc.constant({ cmd: 'pingresp' as const }),
    v === 4
      ? fc.constant({ cmd: 'disconnect' as const })
      : fc.record({ cmd: fc.constant('disconnect' as const), reasonCode: pick(V5_CODES.disconnect), properties: reasonProps(v) })
  ]
  if (v === 5)
    all.push(
      fc.record({
        cmd: fc.constant('auth' as const),
        reasonCode: pick(V5_CODES.auth),
        properties: fc.record(
          { authenticationMethod: fc.constantFrom('SCRAM-SHA-1', 'x'), reasonString: maybe(text) },
          { requiredKeys: ['authenticationMethod'] }
        )
      })
    )
  return fc.oneof(...all) as fc.Arbitrary<Packet>
}
const versioned = fc
  .constantFrom(4 as const, 5 as const)
  .chain((v) => fc.record({ v: fc.constant(v), packets: fc.array(packetOf(v), { minLength: 1, maxLength: 6 }) }))

const hex = (b: Uint8Array | Buffer | undefined | null) => (b ? Buffer.from(b).toString('hex') : undefined)
const CODED = ['puback', 'pubrec', 'pubrel', 'pubcomp', 'disconnect', 'auth']

/** The fields a row is made of, from our reader. */
function ourFields(p: mqtt.MqttPacket) {
  const cmd = p.type.toLowerCase()
  return {
    cmd,
    id: p.id,
    topic: p.topic,
    payload: hex(p.payload),
    qos: p.qos,
    retain: p.retain,
    dup: p.dup,
    clientId: p.clientId,
    level: p.protocolLevel,
    keepalive: p.keepAliveS,
    clean: p.clean,
    username: p.username,
    password: p.hasPassword ?? false,
    sessionPresent: p.sessionPresent,
    // 5.0 §3.4.2.1: an ack without a code means Success.
    codes: CODED.includes(cmd) && p.version === 5 ? [p.codes?.[0] ?? 0] : p.codes?.length ? p.codes : undefined,
    reasonString: p.reasonString,
    filters: p.filters
  }
}

/** The same fields, from mqtt-packet's parser. */
function theirFields(p: Packet, v: Version): ReturnType<typeof ourFields> {
  const any = p as Packet & Record<string, unknown>
  const props = any.properties as { reasonString?: string } | undefined
  const code = (any.reasonCode ?? any.returnCode) as number | undefined
  return {
    cmd: p.cmd,
    id: p.cmd === 'publish' && p.qos === 0 ? undefined : (p.messageId ?? undefined),
    topic: p.cmd === 'publish' ? p.topic : undefined,
    payload: p.cmd === 'publish' ? hex(p.payload as Buffer) : undefined,
    qos: p.cmd === 'publish' ? p.qos : 0,
    retain: p.cmd === 'publish' ? p.retain : false,
    dup: p.cmd === 'publish' ? p.dup : false,
    clientId: p.cmd === 'connect' ? p.clientId : undefined,
    level: p.cmd === 'connect' ? p.protocolVersion : undefined,
    keepalive: p.cmd === 'connect' ? p.keepalive : undefined,
    clean: p.cmd === 'connect' ? p.clean : undefined,
    username: p.cmd === 'connect' ? p.username : undefined,
    password: p.cmd === 'connect' && p.password !== undefined,
    sessionPresent: p.cmd === 'connack' ? p.sessionPresent : undefined,
    codes:
      p.cmd === 'suback' || (p.cmd === 'unsuback' && v === 5)
        ? (p.granted as number[])
        : p.cmd === 'connack' || (CODED.includes(p.cmd) && v === 5)
          ? [code ?? 0]
          : undefined,
    reasonString: props?.reasonString,
    filters:
      p.cmd === 'subscribe'
        ? p.subscriptions.map((s) => ({ topic: s.topic, qos: s.qos }))
        : p.cmd === 'unsubscribe'
          ? p.unsubscriptions.map((t) => ({ topic: t }))
          : undefined
  }
}

/** Cuts `bytes` into frames at the given points (fractions of its length). */
function cut(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((f) => Math.floor(f * bytes.length)))].filter((n) => n > 0 && n < bytes.length).sort((a, b) => a - b)
  return [0, ...points].map((from, i) => bytes.subarray(from, points[i] ?? bytes.length))
}
const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts))
const fractions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 })

describe('reading MQTT frames', () => {
  it('never throws, whatever the bytes, text, version or earlier frames', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.string(),
          versioned.map(({ v, packets }) => concat(packets.map((p) => bytesOf(p, v))).subarray(1))
        ),
        fc.constantFrom(undefined, 4 as const, 5 as const),
        maybe(fc.uint8Array({ maxLength: 6 })),
        fc.constantFrom('mqtt', 'mqttv3.1', null),
        (frame, mqttVersion, mqttUnfinished, sub) => {
          const view = mqttView.mqttModule.describe(frame, sub, { mqttVersion, carriedBefore: () => mqttUnfinished })
          expect(typeof view.kind).toBe('string')
          expect(view.kind.length).toBeGreaterThan(0)
          expect(mqtt.mqttUnfinishedAfter(mqttUnfinished, frame)).toBeInstanceOf(Uint8Array)
        }
      ),
      { numRuns: 1000 }
    )
  })

  it('reads every packet of both versions as mqtt-packet’s parser does, several to a frame', () => {
    fc.assert(
      fc.property(versioned, ({ v, packets }) => {
        const frame = concat(packets.map((p) => bytesOf(p, v)))
        const ours = mqtt.parseMqttFrame(frame, v)
        expect(ours.invalid).toBeUndefined()
        expect(ours.packets.map(ourFields)).toEqual(theirPackets([frame], v).map((p) => theirFields(p, v)))
        const view = mqttView.describeMqttFrame(ours)
        if (packets.length > 1) expect(view.kind).toMatch(new RegExp(` \\+${packets.length - 1} more$`))
      }),
      { numRuns: 1000 }
    )
  })

  it('joins packets split across frames with the unfinished bytes of the frames before (MQTT §6.0)', () => {
    fc.assert(
      fc.property(versioned, fractions, ({ v, packets }, at) => {
        const whole = packets.map((p) => bytesOf(p, v))
        let unfinished: Uint8Array | undefined
        const read: mqtt.MqttPacket[] = []
        for (const frame of cut(concat(whole), at)) {
          const before = unfinished
          const view = mqttView.mqttModule.describe(frame, 'mqtt', { mqttVersion: v, carriedBefore: () => before })
          const got = mqtt.parseMqttFrame(concat([unfinished ?? new Uint8Array(0), frame]), v).packets
          const done = got.filter((p) => !p.part)
          // A frame that finishes no packet is a part; one that finishes one begun earlier says so.
          if (!done.length) expect(view.kind).toMatch(/\(part of a packet\)$/)
          if (done.length && unfinished?.length) expect(view.kind).toContain('(end of a packet)')
          read.push(...done)
          unfinished = mqtt.mqttUnfinishedAfter(unfinished, frame)
        }
        expect(unfinished).toHaveLength(0)
        expect(read.map(ourFields)).toEqual(theirPackets(whole, v).map((p) => theirFields(p, v)))
      }),
      { numRuns: 1000 }
    )
  })

  it('tells the version from the bytes when the page does not know it, where the bytes allow', () => {
    const d = (p: Packet, v: Version) => mqttView.mqttModule.describe(bytesOf(p, v), 'mqtt')
    const publish: Packet = {
      cmd: 'publish',
      topic: 'sensors/1',
      payload: Buffer.from('21.5'),
      qos: 1,
      messageId: 7,
      retain: true,
      dup: false
    }
    for (const v of [4, 5] as const) {
      expect(d(publish, v)).toEqual({ kind: 'PUBLISH sensors/1 QoS1 #7 retain', text: '21.5', keepAlive: false })
      expect(d({ cmd: 'suback', messageId: 1, granted: [1] }, v).kind).toBe('SUBACK Granted QoS 1 #1')
      expect(d({ cmd: 'pingresp' }, v)).toEqual({ kind: 'PINGRESP', text: '', keepAlive: true })
    }
    expect(d({ cmd: 'connack', returnCode: 5, sessionPresent: false }, 4)).toEqual({
      kind: 'CONNACK Not authorized',
      text: '',
      keepAlive: false,
      error: true
    })
    expect(d({ cmd: 'connack', reasonCode: 0x87, sessionPresent: false, properties: { reasonString: 'no' } }, 5)).toMatchObject({
      kind: 'CONNACK Not authorized',
      text: 'no'
    })
    expect(d({ cmd: 'puback', messageId: 3, reasonCode: 0x10 }, 5).kind).toBe('PUBACK No matching subscribers #3')
    // A binary 3.1.1 payload stays as sent.
    expect(d({ ...publish, payload: Buffer.from([0, 1, 2]) }, 4).text).toBe('3 bytes')
  })

  it('names rows for the log, and says what is wrong with a frame that is not MQTT', () => {
    const d = (f: string | Uint8Array, v?: Version) =>
      mqttView.mqttModule.describe(f, 'mqtt', { mqttVersion: v } as mqttView.MqttDescribeContext)
    expect(d(build.connectPacket({ clientId: 'probe', username: 'alice', password: 'pw', keepAliveS: 30 }))).toEqual({
      kind: 'CONNECT probe',
      text: 'MQTT 3.1.1, keep-alive 30 s, clean session, user alice, with password',
      keepAlive: false
    })
    expect(d(build.connectPacket({ version: 5, clientId: '', cleanStart: false })).text).toBe('MQTT 5.0, keep-alive 60 s')
    expect(d(build.subscribePacket('sensors/#', 1, 4)).kind).toBe('SUBSCRIBE sensors/# QoS1 #4')
    expect(d(build.unsubscribePacket('sensors/#', 5, 5), 5).kind).toBe('UNSUBSCRIBE sensors/# #5')
    expect(d(new Uint8Array([0x82, 0x05, 0, 1]))).toMatchObject({
      kind: 'SUBSCRIBE #1 (part of a packet)',
      text: expect.stringMatching(/^4 of 7 bytes/)
    })
    expect(d(bytesOf({ cmd: 'suback', messageId: 2, granted: [0x80] }, 4), 4)).toEqual({
      kind: 'SUBACK Failure #2',
      text: '',
      keepAlive: false,
      error: true
    })
    expect(d(bytesOf({ cmd: 'disconnect', reasonCode: 0x8e }, 5), 5)).toMatchObject({ kind: 'DISCONNECT Session taken over', error: true })
    expect(d('{"hello":1}')).toEqual({
      kind: 'invalid',
      text: 'MQTT travels in binary frames (MQTT §6.0); this is a text frame',
      keepAlive: false
    })
    expect(d(new Uint8Array(0)).text).toBe('an empty frame holds no MQTT packet')
    expect(d(new Uint8Array([0x00, 0x00])).text).toMatch(/^not an MQTT packet: packet type 0 is reserved.*; or it is the rest of a packet/)
    expect(d(new Uint8Array([0x60, 0x02, 0, 1])).text).toMatch(
      /^not an MQTT packet: PUBREL with fixed-header flags 0b0000 \(MQTT §2\.2\.2\)/
    )
    expect(d(new Uint8Array([0x30, 0xff, 0xff, 0xff, 0xff]))).toMatchObject({
      kind: 'invalid',
      text: expect.stringMatching(/variable byte integer/)
    })
    expect(d(new Uint8Array([0xf0, 0x00]), 4).text).toMatch(/^not an MQTT 3\.1\.1 packet: AUTH exists in MQTT 5\.0 only/)
    expect(d(new Uint8Array([0x40, 0x03, 0, 1, 0]), 4).text).toMatch(
      /^not an MQTT 3\.1\.1 PUBACK: its remaining length is 3, MQTT 3\.1\.1 says 2/
    )
    expect(mqtt.mqttVersionOfConnect(build.connectPacket({ version: 5, clientId: 'a' }))).toBe(5)
    expect(mqtt.mqttVersionOfConnect(build.pingreqPacket())).toBeNull()
    expect(['ws://h/mqtt', 'wss://h:8884/mqtt/', 'ws://h/ws', 'nonsense'].map(mqttView.looksLikeMqtt)).toEqual([true, true, false, false])
  })

  it('names reason codes by the spec’s tables', () => {
    expect(reasonName('CONNACK', 4, 4)).toBe('Bad user name or password')
    expect(reasonName('CONNACK', 0x86, 5)).toBe('Bad User Name or Password')
    expect(reasonName('CONNACK', 1, 5)).toBe('Unacceptable protocol version')
    expect(reasonName('SUBACK', 0, 5)).toBe('Granted QoS 0')
    expect(reasonName('DISCONNECT', 0, 5)).toBe('Normal disconnection')
    expect(reasonName('PUBACK', 0x8e, 5)).toBe('Session taken over (not a PUBACK code)')
    expect(reasonName('PUBACK', 0x33, 5)).toBe('reason 0x33')
  })
})

describe('building MQTT packets for the composer', () => {
  const word = fc.string({ unit: 'grapheme', maxLength: 10 })
  it('writes the bytes mqtt-packet writes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(4 as const, 5 as const),
        topic,
        payload,
        qos,
        fc.boolean(),
        id,
        fc
          .record({
            clientId: word,
            username: maybe(word),
            password: maybe(word),
            cleanStart: fc.boolean(),
            keepAliveS: fc.integer({ min: 0, max: 65535 })
          })
          .map((c) => ({ ...c, cleanStart: c.cleanStart || !c.clientId })),
        (v, t, body, q, retain, n, c) => {
          const same = (ours: Uint8Array, theirs: Packet) => expect(hex(ours)).toBe(hex(bytesOf(theirs, v)))
          same(build.publishPacket(t, body, q, retain, n, v), {
            cmd: 'publish',
            topic: t,
            payload: Buffer.from(body),
            qos: q,
            retain,
            dup: false,
            messageId: n
          })
          same(build.subscribePacket(t, q, n, v), { cmd: 'subscribe', messageId: n, subscriptions: [{ topic: t, qos: q }] })
          same(build.unsubscribePacket(t, n, v), { cmd: 'unsubscribe', messageId: n, unsubscriptions: [t] })
          same(build.pingreqPacket(), { cmd: 'pingreq' })
          const password = c.username === undefined ? undefined : c.password
          same(build.connectPacket({ ...c, password, version: v }), {
            cmd: 'connect',
            protocolVersion: v,
            clientId: c.clientId,
            clean: c.cleanStart,
            keepalive: c.keepAliveS,
            ...(c.username !== undefined && { username: c.username }),
            ...(password !== undefined && { password: Buffer.from(password) })
          })
          // 5.0 lets DISCONNECT leave out its Normal disconnection code (§3.14.2.1): the same packet, shorter.
          expect(theirPackets([build.disconnectPacket()], v)).toMatchObject([{ cmd: 'disconnect' }])
          expect(hex(build.disconnectPacket())).toBe('e000')
        }
      ),
      { numRuns: 1000 }
    )
  })

  it('refuses what MQTT cannot carry, in words', () => {
    expect(() => build.publishPacket('t', 'x', 3, false, 1)).toThrow('QoS is 0, 1 or 2, not 3 (§4.3)')
    expect(() => build.publishPacket('t', 'x', 1, false)).toThrow('a packet identifier is 1 to 65,535, not 0 (§2.3.1)')
    expect(() => build.subscribePacket('x'.repeat(70_000), 0, 1)).toThrow('the topic filter is 70000 bytes; MQTT allows 65,535 (§1.5.3)')
    expect(() => build.connectPacket({ clientId: 'a', password: 'p' })).toThrow(
      'MQTT 3.1.1 sends a password only with a user name (§3.1.2.9)'
    )
    // 5.0 allows a password alone; mqtt-packet's parser reads it.
    expect(theirPackets([build.connectPacket({ version: 5, clientId: 'a', password: 'p' })], 5)[0]).toMatchObject({
      cmd: 'connect',
      password: Buffer.from('p')
    })
  })
})

// ---- The session ----

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
