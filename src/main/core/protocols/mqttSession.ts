/**
 * MQTT's session (3.1.1 and 5.0): the CONNECT at open, PINGREQ each keep-alive period, the acknowledgements the QoS
 * flows require of the client, and a refused CONNACK or SUBACK said in words. Packets are generated and read with
 * `mqtt-packet`; its streaming parser joins a packet split across frames and splits a frame holding several (§6.0).
 */
import { randomBytes } from 'node:crypto'
import { generate, parser, type Packet, type Parser } from 'mqtt-packet'
import type { OutgoingMessage } from '../../../shared/options'
import type { MqttOptions } from '../../../shared/protocols'
import type { MqttVersion } from '../../../shared/protocols/mqtt'
import { connectPacket } from '../../../shared/protocols/mqttBuild'
import { isFailure, reasonName } from '../../../shared/protocols/mqttReasons'
import { SECRET_MASK } from '../../../shared/secrets'
import { binary, withSecret, type ProtocolProblem, type ProtocolReaction, type ProtocolSession, type SessionFactory } from './session'

export interface MqttSettings {
  version: MqttVersion
  clientId: string
  username?: string
  password?: string
  clean: boolean
  keepAliveS: number
}

/** The CONNECT settings, read defensively (a profile may predate a field): the defaults of shared/protocols MqttOptions. */
export function mqttSettings(
  o: MqttOptions | undefined,
  newId = (): string => `sockscope-${randomBytes(4).toString('hex')}`
): MqttSettings {
  const given = (s: unknown): string | undefined => (typeof s === 'string' && s !== '' ? s : undefined)
  const keepAlive = o?.keepAliveS
  return {
    version: o?.version === 5 ? 5 : 4,
    clientId: given(o?.clientId) ?? newId(),
    username: given(o?.username),
    password: given(o?.password),
    clean: o?.cleanStart !== false,
    // §3.1.2.10: a 2-byte count of seconds.
    keepAliveS: typeof keepAlive === 'number' && Number.isInteger(keepAlive) && keepAlive >= 0 ? Math.min(keepAlive, 0xffff) : 60
  }
}

/** One direction's packets, frame by frame: the parser keeps a packet's start until its rest arrives. */
function packetStream(version: MqttVersion): (bytes: Uint8Array) => { packets: Packet[]; error?: Error } {
  const p: Parser = parser({ protocolVersion: version })
  let got: { packets: Packet[]; error?: Error } = { packets: [] }
  p.on('packet', (packet: Packet) => got.packets.push(packet))
  p.on('error', (error: Error) => (got.error ??= error))
  return (bytes) => {
    got = { packets: [] }
    p.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    return got
  }
}

/** What to do after a refused CONNACK (3.1.1 return codes 1-5, §3.2.2.3; 5.0 reason codes, §3.2.2.2). */
function nextAfterRefusal(code: number): string {
  if (code === 1 || code === 0x84) return 'Choose the MQTT version this broker speaks in the Protocol settings, then reconnect.'
  if (code === 2 || code === 0x85) return 'Change the client id in the Protocol settings (empty makes a new one), then reconnect.'
  if (code === 4 || code === 0x86) return 'Check the user name and password in the Protocol settings, then reconnect.'
  if (code === 5 || code === 0x87 || code === 0x8a || code === 0x8c)
    return 'Check that this user may connect (the credentials in the Protocol settings), then reconnect.'
  if (code === 3 || code === 0x88 || code === 0x89 || code === 0x9f) return 'The broker cannot take the connection now: reconnect later.'
  if (code === 0x9c || code === 0x9d) return 'Connect to the server the broker names in its Server Reference instead.'
  return 'Check the MQTT settings in the Protocol settings, then reconnect.'
}

/** A reaction being built up, packet by packet. */
interface Pending {
  send: OutgoingMessage[]
  problems: ProtocolProblem[]
  tickEveryMs?: number
  ready?: boolean
}

/** Leaves out what is empty, so a frame that needs nothing says `{}`. */
const reaction = (r: Pending): ProtocolReaction => ({
  ...(r.send.length > 0 && { send: r.send }),
  ...(r.problems.length > 0 && { problems: r.problems }),
  ...(r.tickEveryMs !== undefined && { tickEveryMs: r.tickEveryMs }),
  ...(r.ready && { ready: true })
})

export const mqttSession: SessionFactory = ({ options, subprotocol, answerKeepAlive }): ProtocolSession => {
  const s = mqttSettings(options.protocol?.mqtt)
  const v = s.version
  // A server that chose `mqttv3.1` over `mqtt` speaks MQTT 3.1 (protocol MQIsdp, level 3), which 3.1.1 grew from.
  const level = v === 4 && subprotocol === 'mqttv3.1' ? 3 : v
  const fromServer = packetStream(v)
  const fromUser = packetStream(v)
  const send = (packet: Packet) => binary(new Uint8Array(generate(packet, { protocolVersion: level })))
  /** The user's SUBSCRIBEs by packet identifier, to name the topics a SUBACK refuses. */
  const subscribed = new Map<number, string[]>()
  /** Once a DISCONNECT is out or the CONNACK refused, the client sends nothing more (§3.14.4, §3.2.2.3). */
  let ended = false
  const versionName = v === 5 ? '5.0' : '3.1.1'

  function answer(packet: Packet, r: Pending): void {
    switch (packet.cmd) {
      case 'connack': {
        const code = packet.reasonCode ?? packet.returnCode ?? 0
        if (code === 0) {
          r.ready = true
          // 5.0 §3.2.2.3.14: the Server Keep Alive replaces the one the client asked for.
          const serverKeepAlive = packet.properties?.serverKeepAlive
          if (serverKeepAlive !== undefined && answerKeepAlive) r.tickEveryMs = serverKeepAlive * 1000
          return
        }
        const said = packet.properties?.reasonString
        ended = true
        r.tickEveryMs = 0
        r.problems.push({
          code: 'MQTT_CONNACK_REFUSED',
          message: `The MQTT broker refused the connection: ${reasonName('CONNACK', code, v)}${said ? ` (${said})` : ''}.`,
          next: nextAfterRefusal(code)
        })
        return
      }
      case 'suback': {
        const topics = subscribed.get(packet.messageId ?? -1)
        subscribed.delete(packet.messageId ?? -1)
        packet.granted.forEach((g, i) => {
          const code = typeof g === 'number' ? g : 0
          if (!isFailure('SUBACK', code, v)) return
          const what = topics?.[i] ?? `packet #${packet.messageId}`
          r.problems.push({
            code: 'MQTT_SUBACK_REFUSED',
            message: `The MQTT broker refused the subscription to ${what}: ${reasonName('SUBACK', code, v)}.`,
            next: 'Check the topic filter and that this user may subscribe to it, then subscribe again.'
          })
        })
        return
      }
      // §4.3.2: a QoS 1 PUBLISH is acknowledged with PUBACK; §4.3.3: QoS 2 with PUBREC, its PUBREL with PUBCOMP.
      case 'publish':
        if (packet.qos === 1) r.send.push(send({ cmd: 'puback', messageId: packet.messageId }))
        if (packet.qos === 2) r.send.push(send({ cmd: 'pubrec', messageId: packet.messageId }))
        return
      case 'pubrel':
        r.send.push(send({ cmd: 'pubcomp', messageId: packet.messageId }))
        return
      // §4.3.3: our QoS 2 PUBLISH (a user's, or the preamble's) goes on with PUBREL once the broker's PUBREC is in;
      // 5.0: a PUBREC of 0x80 or above ends the flow there.
      case 'pubrec':
        if ((packet.reasonCode ?? 0) < 0x80) r.send.push(send({ cmd: 'pubrel', messageId: packet.messageId }))
        return
      case 'disconnect': {
        // 5.0 §3.14: the broker may end the session itself, with a reason.
        const code = packet.reasonCode ?? 0
        ended = true
        r.tickEveryMs = 0
        if (code >= 0x80)
          r.problems.push({
            code: 'MQTT_SERVER_DISCONNECT',
            message: `The MQTT broker ended the session: ${reasonName('DISCONNECT', code, v)}${packet.properties?.reasonString ? ` (${packet.properties.reasonString})` : ''}.`,
            next: 'See what the broker said, then reconnect.'
          })
        return
      }
    }
  }

  return {
    // §3.1.4 lets a client send before CONNACK; the preamble waits all the same, so a refused CONNECT sends nothing more.
    holdsPreamble: true,
    opened() {
      const problems: ProtocolProblem[] = []
      let password = s.password
      if (password !== undefined && s.username === undefined && v === 4) {
        password = undefined
        problems.push({
          code: 'MQTT_PASSWORD_WITHOUT_USER',
          message: 'MQTT 3.1.1 sends a password only with a user name (§3.1.2.9), so the CONNECT went without it.',
          next: 'Add the user name in the Protocol settings (or choose MQTT 5.0), then reconnect.'
        })
      }
      const build = (pw: string | undefined): OutgoingMessage => {
        const connect: Packet = { cmd: 'connect', protocolVersion: level, clientId: s.clientId, clean: s.clean, keepalive: s.keepAliveS }
        if (level === 3) connect.protocolId = 'MQIsdp'
        if (s.username !== undefined) connect.username = s.username
        if (pw !== undefined) connect.password = Buffer.from(pw)
        // mqtt-packet refuses a password without a user name, which 5.0 allows (§3.1.2.9): our own builder writes that one.
        return pw !== undefined && s.username === undefined
          ? binary(connectPacket({ ...s, cleanStart: s.clean, password: pw }))
          : send(connect)
      }
      // The password is a secret: the log and the recording keep a CONNECT with its mask in its place.
      const frame = password === undefined ? build(undefined) : withSecret(build(password), build(SECRET_MASK))
      return reaction({ send: [frame], problems })
    },
    received(frame) {
      if (typeof frame === 'string' || ended) return {}
      const { packets, error } = fromServer(frame)
      const r: Pending = { send: [], problems: [] }
      for (const packet of packets) if (!ended) answer(packet, r)
      if (error && !ended)
        r.problems.push({
          code: 'MQTT_MALFORMED',
          message: `The server sent bytes that are not an MQTT ${versionName} packet: ${error.message}.`,
          next: `Check that the server speaks MQTT ${versionName}, the version chosen in the Protocol settings.`
        })
      return reaction(r)
    },
    sent(frame) {
      if (typeof frame === 'string') return {}
      for (const packet of fromUser(frame).packets) {
        if (packet.cmd === 'subscribe')
          subscribed.set(
            packet.messageId ?? -1,
            packet.subscriptions.map((x) => x.topic)
          )
        if (packet.cmd === 'disconnect') ended = true
      }
      return ended ? { tickEveryMs: 0 } : {}
    },
    // §3.1.2.10: the client sends a packet within each keep-alive period, PINGREQ when it has nothing else (§3.12).
    tickMs: answerKeepAlive && s.keepAliveS > 0 ? s.keepAliveS * 1000 : undefined,
    tick: () => (ended ? { tickEveryMs: 0 } : { send: [send({ cmd: 'pingreq' })] })
  }
}
