/**
 * MQTT through the engine against the reference broker (`aedes` over `ws`, tests/helpers/mqttBroker.ts): the session's
 * CONNECT is accepted or refused (a problem naming the CONNACK code), QoS 0, 1 and 2 complete in both directions
 * (the broker's `ack` event fires only once our PUBACK / PUBCOMP is in), a retained message arrives on subscribe, a
 * refused subscription is said in words, and with a 1 s keep-alive our PINGREQs keep the link past aedes's deadline
 * (1.5 × keep-alive) while with the keep-alive off aedes drops it. aedes 1.x speaks 3.1 and 3.1.1 only: a 5.0 CONNECT
 * gets CONNACK "unacceptable protocol version". A plain `ws` server shows packets split across frames joined.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generate, parser, type Packet } from 'mqtt-packet'
import { WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'
import { recordingManager } from '../helpers/events'
import { startMqttBroker, type RunningMqttBroker } from '../helpers/mqttBroker'
import type { CloseEvent, ErrorEvent, HandshakeEvent, MessageEvent, SockEvent } from '../../src/shared/events'
import type { OutgoingMessage } from '../../src/shared/options'
import type { FrameView } from '../../src/shared/protocols'
import { parseMqttFrame } from '../../src/shared/protocols/mqtt'
import { mqttModule } from '../../src/shared/protocols/mqttView'
import { publishPacket, subscribePacket } from '../../src/shared/protocols/mqttBuild'
import { ProtocolOperations } from '../../src/shared/protocols/operations'

let broker: RunningMqttBroker
beforeEach(async () => {
  broker = await startMqttBroker()
})
afterEach(async () => {
  await broker.close()
})

const asMessage = (bytes: Uint8Array): OutgoingMessage => ({
  kind: 'binary',
  encoding: 'base64',
  data: Buffer.from(bytes).toString('base64')
})
/**
 * Each frame of a connection in one direction as its log row shows it, read in order as the page would: each row
 * knows the version and the unfinished packet of the frames before it. aedes writes every field of a packet as its
 * own frame, so most of its rows are parts.
 */
function rows(events: SockEvent[], id: string, dir: 'in' | 'out'): FrameView[] {
  // The page's own tracker (shared/protocols/operations.ts) carries each frame's unfinished packet to the next.
  const ops = new ProtocolOperations()
  return events
    .filter((e): e is MessageEvent => e.type === 'message' && e.id === id && e.dir === dir)
    .map((m) => {
      ops.follow('mqtt', 'mqtt', dir, m.kind, m.data, m.seq)
      return mqttModule.describe(m.data, 'mqtt', { mqttVersion: 4, carriedBefore: ops.carriedBefore })
    })
}
/** The packets, one row each: the rows that end one, named without the `(end of a packet)`. */
const packets = (events: SockEvent[], id: string, dir: 'in' | 'out'): FrameView[] =>
  rows(events, id, dir)
    .filter((v) => !v.kind.endsWith('(part of a packet)'))
    .map((v) => ({ ...v, kind: v.kind.replace(' (end of a packet)', '') }))
const kinds = (events: SockEvent[], id: string, dir: 'in' | 'out'): string[] => packets(events, id, dir).map((v) => v.kind)
const problem = (code: string) => (e: SockEvent) => e.type === 'error' && e.class === 'app-protocol' && e.code === code

/** A manager whose `seen` waits until a packet of that name went that way. */
function engine() {
  const rec = recordingManager()
  const seen = (id: string, dir: 'in' | 'out', kind: string) =>
    rec.waitFor(() => kinds(rec.events, id, dir).includes(kind), 5000, `${dir} ${kind}`)
  return { ...rec, seen }
}

describe('MQTT session in the engine (aedes)', () => {
  it('connects as alice, and completes QoS 0, 1 and 2 publishes in both directions', async () => {
    const { manager, waitFor, events, seen } = engine()
    const acked: unknown[] = []
    broker.broker.on('ack', (p: unknown) => acked.push(p))
    const published: string[] = []
    broker.broker.on('publish', (p, client) => client && published.push(`${p.topic}=${p.payload.toString()} QoS${p.qos}`))
    const { id } = manager.open({ url: broker.url, protocol: { mqtt: { clientId: 'inspector-1', username: 'alice', password: 's3cret' } } })
    await seen(id, 'in', 'CONNACK Success')
    expect(packets(events, id, 'out')[0]).toEqual({
      kind: 'CONNECT inspector-1',
      text: 'MQTT 3.1.1, keep-alive 60 s, clean session, user alice, with password',
      keepAlive: false
    })
    // aedes checked the real password (CONNACK Success); the logged CONNECT holds its mask instead.
    const connectBytes = Buffer.from((events.find((e) => e.type === 'message' && e.dir === 'out') as MessageEvent).data as Uint8Array)
    expect(connectBytes.includes('s3cret')).toBe(false)
    expect(connectBytes.includes('••••••')).toBe(true)

    await manager.send(id, asMessage(subscribePacket('sensors/#', 2, 1)))
    await seen(id, 'in', 'SUBACK Granted QoS 2 #1')
    // The broker's side: QoS 0, 1 and 2 to our subscription; it counts a delivery once our PUBACK / PUBCOMP is in.
    for (const qos of [0, 1, 2] as const)
      broker.broker.publish(
        { cmd: 'publish', topic: `sensors/${qos}`, payload: Buffer.from(`down ${qos}`), qos, retain: false, dup: false },
        () => {}
      )
    // aedes emits `ack` on our PUBACK (QoS 1) and on our PUBCOMP (QoS 2), and sends PUBREL only after our PUBREC.
    await expect.poll(() => acked, { timeout: 3000 }).toHaveLength(2)
    const inbound = packets(events, id, 'in')
    const delivered = (qos: number) => inbound.find((v) => v.kind.startsWith(`PUBLISH sensors/${qos} QoS${qos}`))!
    expect([0, 1, 2].map((qos) => delivered(qos).text)).toEqual(['down 0', 'down 1', 'down 2'])
    expect(delivered(0).kind).toBe('PUBLISH sensors/0 QoS0')
    const [id1, id2] = [1, 2].map((qos) => / #(\d+)$/.exec(delivered(qos).kind)![1])
    expect(kinds(events, id, 'in')).toContain(`PUBREL #${id2}`)
    expect(kinds(events, id, 'out')).toEqual(expect.arrayContaining([`PUBACK #${id1}`, `PUBREC #${id2}`, `PUBCOMP #${id2}`]))

    // Our side: the user's publishes, QoS 2 completed by the session's PUBREL on the broker's PUBREC.
    await manager.send(id, asMessage(publishPacket('up/0', 'a', 0, false)))
    await manager.send(id, asMessage(publishPacket('up/1', 'b', 1, false, 2)))
    await manager.send(id, asMessage(publishPacket('up/2', 'c', 2, false, 3)))
    await seen(id, 'in', 'PUBCOMP #3')
    await seen(id, 'in', 'PUBACK #2')
    expect(kinds(events, id, 'in')).toContain('PUBREC #3')
    expect(kinds(events, id, 'out')).toContain('PUBREL #3')
    await expect.poll(() => [...published].sort()).toEqual(['up/0=a QoS0', 'up/1=b QoS1', 'up/2=c QoS2'])
    expect(events.filter((e) => e.type === 'error')).toEqual([])

    // The broker's bytes, joined, read the same through our reader as through mqtt-packet's parser.
    const theirs = parser({ protocolVersion: 4 })
    const parsed: Packet[] = []
    theirs.on('packet', (p: Packet) => parsed.push(p))
    const inFrames = events.filter((e): e is MessageEvent => e.type === 'message' && e.id === id && e.dir === 'in')
    for (const m of inFrames) theirs.parse(Buffer.from(m.data as Uint8Array))
    const ours = parseMqttFrame(Buffer.concat(inFrames.map((m) => m.data as Uint8Array)), 4).packets
    expect(ours.map((p) => [p.type.toLowerCase(), p.id, p.topic, p.payload && Buffer.from(p.payload).toString()])).toEqual(
      parsed.map((p) => [
        p.cmd,
        'messageId' in p ? p.messageId : undefined,
        p.cmd === 'publish' ? p.topic : undefined,
        p.cmd === 'publish' ? p.payload.toString() : undefined
      ])
    )
    manager.close(id)
    await waitFor<CloseEvent>((e) => e.type === 'close')
    manager.dispose()
  })

  it('delivers a retained message on subscribe, offering the mqtt subprotocol when pinned', async () => {
    await new Promise((r) =>
      broker.broker.publish({ cmd: 'publish', topic: 'retained/x', payload: Buffer.from('kept'), qos: 0, retain: true, dup: false }, r)
    )
    const { manager, waitFor, events, seen } = engine()
    const { id } = manager.open({ url: broker.url, protocol: { kind: 'mqtt' } })
    expect((await waitFor<HandshakeEvent>((e) => e.type === 'handshake')).protocol).toBe('mqtt')
    await seen(id, 'in', 'CONNACK Success')
    await manager.send(id, asMessage(subscribePacket('retained/#', 1, 7)))
    await seen(id, 'in', 'PUBLISH retained/x QoS0 retain')
    expect(packets(events, id, 'in').find((v) => v.kind === 'PUBLISH retained/x QoS0 retain')!.text).toBe('kept')
    manager.close(id)
    manager.dispose()
  })

  it('says a refused CONNECT and a refused subscription in words', async () => {
    const { manager, waitFor, events, seen } = engine()
    const wrong = manager.open({ url: broker.url, protocol: { mqtt: { username: 'alice', password: 'guess' } } })
    const mallory = manager.open({ url: broker.url, protocol: { mqtt: { username: 'mallory', password: 'x' } } })
    const v5 = manager.open({ url: broker.url, protocol: { mqtt: { version: 5 } } })
    const refusals = await Promise.all(
      [wrong, mallory, v5].map(({ id }) => waitFor<ErrorEvent>((e) => problem('MQTT_CONNACK_REFUSED')(e) && e.id === id))
    )
    expect(refusals.map((e) => e.message)).toEqual([
      'The MQTT broker refused the connection: Bad user name or password.',
      'The MQTT broker refused the connection: Not authorized.',
      // aedes 1.x speaks 3.1 and 3.1.1 only, and says so with its 3.1.1 return code 1.
      'The MQTT broker refused the connection: Unacceptable protocol version.'
    ])
    expect(refusals[0].next).toBe('Check the user name and password in the Protocol settings, then reconnect.')
    expect(refusals[2].next).toBe('Choose the MQTT version this broker speaks in the Protocol settings, then reconnect.')
    expect(packets(events, wrong.id, 'in')).toContainEqual({
      kind: 'CONNACK Bad user name or password',
      text: '',
      keepAlive: false,
      error: true
    })

    const { id } = manager.open({ url: broker.url })
    await seen(id, 'in', 'CONNACK Success')
    await manager.send(id, asMessage(subscribePacket('forbidden/x', 1, 4)))
    const refused = await waitFor<ErrorEvent>((e) => problem('MQTT_SUBACK_REFUSED')(e) && e.id === id)
    expect(refused.message).toBe('The MQTT broker refused the subscription to forbidden/x: Failure.')
    manager.dispose()
  })

  it('keeps the link past the keep-alive deadline with PINGREQ, and aedes drops it with the keep-alive off', async () => {
    const { manager, waitFor, events, seen } = engine()
    const started = Date.now()
    const pinging = manager.open({ url: broker.url, protocol: { mqtt: { keepAliveS: 1 } } })
    const silent = manager.open({ url: broker.url, protocol: { keepAlive: false, mqtt: { keepAliveS: 1 } } })
    await seen(silent.id, 'in', 'CONNACK Success')
    // aedes waits 1.5 × the keep-alive after the last packet (MQTT §3.1.2.10), then closes the network connection.
    const dropped = await waitFor<CloseEvent>((e) => e.type === 'close' && e.id === silent.id, 4000)
    // aedes destroys the stream, so the socket ends without a close frame.
    expect(dropped).toMatchObject({ code: 1006, initiator: 'abnormal' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400)
    await new Promise((r) => setTimeout(r, 3000 - (Date.now() - started)))
    expect(events.filter((e) => e.type === 'close' && e.id === pinging.id)).toEqual([])
    expect(kinds(events, pinging.id, 'out').filter((k) => k === 'PINGREQ').length).toBeGreaterThanOrEqual(2)
    expect(packets(events, pinging.id, 'in')).toContainEqual({ kind: 'PINGRESP', text: '', keepAlive: true })
    // The silent one sent its CONNECT (with a generated client id) and nothing after.
    expect(kinds(events, silent.id, 'out')).toEqual([expect.stringMatching(/^CONNECT sockscope-[0-9a-f]{8}$/)])
    manager.close(pinging.id)
    manager.dispose()
  })
})

describe('MQTT packets split across frames (MQTT §6.0)', () => {
  it('joins a PUBLISH split over two frames and answers it once; a frame of three packets gets each answered', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/mqtt' })
    await new Promise((r) => wss.once('listening', r))
    const g = (p: Packet) => generate(p)
    wss.on('connection', (ws) =>
      ws.once('message', () => {
        const publish = g({
          cmd: 'publish',
          topic: 'big',
          payload: Buffer.alloc(300, 0x61),
          qos: 1,
          messageId: 9,
          retain: false,
          dup: false
        })
        ws.send(Buffer.concat([g({ cmd: 'connack', returnCode: 0, sessionPresent: false }), publish.subarray(0, 100)]))
        ws.send(publish.subarray(100))
        const qos2 = g({ cmd: 'publish', topic: 'q2', payload: Buffer.from('x'), qos: 2, messageId: 10, retain: false, dup: false })
        ws.send(Buffer.concat([qos2, g({ cmd: 'pubrel', messageId: 10 }), g({ cmd: 'pingresp' })]))
      })
    )
    const { manager, events, seen } = engine()
    const { id } = manager.open({ url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/mqtt` })
    await seen(id, 'out', 'PUBCOMP #10')
    expect(rows(events, id, 'in').map((v) => v.kind)).toEqual([
      'CONNACK Success +1 more',
      `PUBLISH big QoS1 #9 (end of a packet)`,
      'PUBLISH q2 QoS2 #10 +2 more'
    ])
    expect(rows(events, id, 'in')[0].text).toMatch(/^\+ PUBLISH big QoS1 #9 \(part of a packet\): 100 of 310 bytes/)
    expect(kinds(events, id, 'out').slice(1)).toEqual(['PUBACK #9', 'PUBREC #10', 'PUBCOMP #10'])
    manager.close(id)
    manager.dispose()
    await new Promise((r) => wss.close(r))
  })
})
