/**
 * MQTT 3.1.1 and 5.0 (fast-check throughout): the page's reader (shared/protocols/mqtt) never throws and reads what
 * `mqtt-packet` writes exactly as `mqtt-packet`'s parser does, for packets of both versions, whole, several to a frame
 * or split across frames; our builders write the bytes `mqtt-packet` writes (the session: mqttSession.test.ts).
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { type Packet } from 'mqtt-packet'
import * as mqtt from '../../src/shared/protocols/mqtt'
import * as build from '../../src/shared/protocols/mqttBuild'
import * as mqttView from '../../src/shared/protocols/mqttView'
import { reasonName } from '../../src/shared/protocols/mqttReasons'

import {
  Version,
  bytesOf,
  theirPackets,
  topic,
  id,
  payload,
  qos,
  maybe,
  versioned,
  hex,
  ourFields,
  theirFields,
  cut,
  concat,
  fractions
} from '../helpers/mqttPackets'

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
