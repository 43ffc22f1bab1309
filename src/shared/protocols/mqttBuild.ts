/**
 * MQTT client packets for the composer forms and the session (MQTT 3.1.1 and 5.0): the bytes of one binary frame
 * each, as the spec lays them out. Pure (the page has no Buffer); tests check them against mqtt-packet's writer.
 */
import { concat } from './bytes'
import { MQTT_PACKET_TYPES, type MqttPacketType } from './mqtt'
import type { MqttVersion } from './mqttReasons'

const encoder = new TextEncoder()
const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff]
/** §1.5.5 variable byte integer. */
function varint(n: number): number[] {
  const out: number[] = []
  do {
    out.push((n % 128) | (n >= 128 ? 0x80 : 0))
    n = Math.floor(n / 128)
  } while (n > 0)
  return out
}
/** §1.5.6 binary data / §1.5.3 string: a 2-byte length, then the bytes. */
function lengthPrefixed(data: string | Uint8Array, what: string): Uint8Array {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  if (bytes.length > 0xffff) throw new RangeError(`${what} is ${bytes.length} bytes; MQTT allows 65,535 (§1.5.3)`)
  return concat([u16(bytes.length), bytes])
}
/** §2.2: the fixed header (type and flags, remaining length) before the body. */
function packet(type: MqttPacketType, flags: number, body: Array<ArrayLike<number>>): Uint8Array {
  const rest = concat(body)
  if (rest.length > 268_435_455) throw new RangeError('an MQTT packet holds at most 268,435,455 bytes after its header (§1.5.5)')
  return concat([[(MQTT_PACKET_TYPES.indexOf(type) << 4) | flags], varint(rest.length), rest])
}
/** 5.0 packets carry a properties block (§2.2.2); ours is empty. */
const noProperties = (version: MqttVersion): number[] => (version === 5 ? [0] : [])
function packetId(id: number): number[] {
  if (!Number.isInteger(id) || id < 1 || id > 0xffff) throw new RangeError(`a packet identifier is 1 to 65,535, not ${id} (§2.3.1)`)
  return u16(id)
}
function qosOf(qos: number): 0 | 1 | 2 {
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new RangeError(`QoS is 0, 1 or 2, not ${qos} (§4.3)`)
  return qos
}

export interface MqttConnectFields {
  /** 4 (3.1.1) unless 5. */
  version?: MqttVersion
  clientId: string
  username?: string
  password?: string
  /** Clean session (3.1.1) / clean start (5.0); true unless false. */
  cleanStart?: boolean
  /** 60 unless given; 0 turns the keep-alive off (§3.1.2.10). */
  keepAliveS?: number
}

/** CONNECT (§3.1): protocol name and level, flags, keep-alive, (5.0: no properties), client id, user name, password. */
export function connectPacket(f: MqttConnectFields): Uint8Array {
  const version = f.version ?? 4
  const keepAlive = f.keepAliveS ?? 60
  if (!Number.isInteger(keepAlive) || keepAlive < 0 || keepAlive > 0xffff)
    throw new RangeError(`keep-alive is 0 to 65,535 s, not ${keepAlive} (§3.1.2.10)`)
  // 3.1.1 §3.1.2.9: no password without a user name (5.0 allows it).
  if (version === 4 && f.password !== undefined && f.username === undefined)
    throw new RangeError('MQTT 3.1.1 sends a password only with a user name (§3.1.2.9)')
  const flags = (f.username !== undefined ? 0x80 : 0) | (f.password !== undefined ? 0x40 : 0) | (f.cleanStart === false ? 0 : 2)
  const body = [
    lengthPrefixed('MQTT', 'the protocol name'),
    [version, flags],
    u16(keepAlive),
    noProperties(version),
    lengthPrefixed(f.clientId, 'the client id')
  ]
  if (f.username !== undefined) body.push(lengthPrefixed(f.username, 'the user name'))
  if (f.password !== undefined) body.push(lengthPrefixed(f.password, 'the password'))
  return packet('CONNECT', 0, body)
}

/** SUBSCRIBE (§3.8) to one topic filter at a maximum QoS. */
export function subscribePacket(topic: string, qos: number, id: number, version: MqttVersion = 4): Uint8Array {
  return packet('SUBSCRIBE', 2, [packetId(id), noProperties(version), lengthPrefixed(topic, 'the topic filter'), [qosOf(qos)]])
}

/** UNSUBSCRIBE (§3.10) from one topic filter. */
export function unsubscribePacket(topic: string, id: number, version: MqttVersion = 4): Uint8Array {
  return packet('UNSUBSCRIBE', 2, [packetId(id), noProperties(version), lengthPrefixed(topic, 'the topic filter')])
}

/** PUBLISH (§3.3): the packet identifier only at QoS 1 and 2 (§2.3.1); a string payload goes as UTF-8. */
export function publishPacket(
  topic: string,
  payload: string | Uint8Array,
  qos: number,
  retain: boolean,
  id?: number,
  version: MqttVersion = 4
): Uint8Array {
  const q = qosOf(qos)
  const body = [
    lengthPrefixed(topic, 'the topic'),
    q > 0 ? packetId(id ?? 0) : [],
    noProperties(version),
    typeof payload === 'string' ? encoder.encode(payload) : payload
  ]
  return packet('PUBLISH', (q << 1) | (retain ? 1 : 0), body)
}

/** DISCONNECT (§3.14): empty; in 5.0 too, which then means Normal disconnection (§3.14.2.1). */
export const disconnectPacket = (): Uint8Array => packet('DISCONNECT', 0, [])

/** PINGREQ (§3.12). */
export const pingreqPacket = (): Uint8Array => packet('PINGREQ', 0, [])
