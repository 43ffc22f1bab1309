/** What an MQTT packet is once read (mqtt.ts reads them): the fields the log, core and tests look at. */
import type { MqttVersion } from './mqttReasons'

/** §2.2.1: the packet type is the fixed header's high nibble; 0 is reserved, 15 (AUTH) exists in 5.0 only. */
const TYPES_1_TO_7 = ['CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP'] as const
const TYPES_8_TO_15 = ['SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'] as const
export const MQTT_PACKET_TYPES = ['', ...TYPES_1_TO_7, ...TYPES_8_TO_15] as const
export type MqttPacketType = Exclude<(typeof MQTT_PACKET_TYPES)[number], ''>

export interface MqttPacket {
  type: MqttPacketType
  /** The version its body was read as (a CONNECT's own protocol level). */
  version: MqttVersion
  qos: 0 | 1 | 2
  retain: boolean
  dup: boolean
  /** Packet identifier (§2.3.1). */
  id?: number
  /** PUBLISH topic; SUBSCRIBE/UNSUBSCRIBE topic filters with their requested QoS. */
  topic?: string
  filters?: Array<{ topic: string; qos?: number }>
  payload?: Uint8Array
  /** CONNECT fields (§3.1.2-3.1.3); the password is noted, never kept. */
  clientId?: string
  protocolLevel?: number
  keepAliveS?: number
  clean?: boolean
  username?: string
  hasPassword?: boolean
  /** CONNACK's session present flag. */
  sessionPresent?: boolean
  /** CONNACK/ack/DISCONNECT/AUTH: one code; SUBACK/UNSUBACK: one per filter. */
  codes?: number[]
  /** 5.0 properties a row shows (§3.x.2.2): Reason String, Topic Alias. */
  reasonString?: string
  topicAlias?: number
  /** Set when the frame ends inside this packet: the bytes it holds of the packet's total (unknown while the length is cut). */
  part?: { have: number; total?: number }
}

export interface MqttFrame {
  packets: MqttPacket[]
  /** Why the bytes after `packets` are not an MQTT packet. */
  invalid?: string
}
