/** MQTT packets for the protocol tests: fast-check arbitraries of both versions, and mqtt-packet's view of them. */
import fc from 'fast-check'
import { generate, parser, type Packet } from 'mqtt-packet'
import * as mqtt from '../../src/shared/protocols/mqtt'

export type Version = 4 | 5
export function bytesOf(p: Packet, v: Version): Uint8Array {
  const bytes = new Uint8Array(generate(p, { protocolVersion: v }))
  if (!bytes.length) throw new Error(`mqtt-packet could not write ${JSON.stringify(p)}`)
  return bytes
}

/** Every packet mqtt-packet's parser reads from these frames, in order. */
export function theirPackets(frames: Uint8Array[], v: Version): Packet[] {
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
export const text = fc.string({ unit: 'grapheme', maxLength: 12 })
export const topic = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
export const id = fc.integer({ min: 1, max: 65535 })
export const payload = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  text.map((s) => new TextEncoder().encode(s))
)
export const qos = fc.constantFrom(0 as const, 1 as const, 2 as const)
export const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined })
/** 5.0 properties a row never shows, so the reader must step over them (§2.2.2.2). */
export const userProperties = maybe(
  fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 4 }), { minKeys: 1, maxKeys: 2 })
)
export const reasonProps = (v: Version) =>
  v === 4 ? fc.constant(undefined) : maybe(fc.record({ reasonString: maybe(text), userProperties }, { requiredKeys: [] }))
export const V5_CODES = {
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
export const pick = (codes: number[]) => fc.constantFrom(...codes)

export function packetOf(v: Version): fc.Arbitrary<Packet> {
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
export const versioned = fc
  .constantFrom(4 as const, 5 as const)
  .chain((v) => fc.record({ v: fc.constant(v), packets: fc.array(packetOf(v), { minLength: 1, maxLength: 6 }) }))

export const hex = (b: Uint8Array | Buffer | undefined | null) => (b ? Buffer.from(b).toString('hex') : undefined)
export const CODED = ['puback', 'pubrec', 'pubrel', 'pubcomp', 'disconnect', 'auth']

/** The fields a row is made of, from our reader. */
export function ourFields(p: mqtt.MqttPacket) {
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
export function theirFields(p: Packet, v: Version): ReturnType<typeof ourFields> {
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
export function cut(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((f) => Math.floor(f * bytes.length)))].filter((n) => n > 0 && n < bytes.length).sort((a, b) => a - b)
  return [0, ...points].map((from, i) => bytes.subarray(from, points[i] ?? bytes.length))
}
export const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts))
export const fractions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 })
