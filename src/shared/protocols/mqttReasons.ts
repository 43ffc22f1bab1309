/**
 * MQTT's result codes by name, for the log and for the problems core reports. MQTT 3.1.1 has two small tables (CONNACK
 * return codes, §3.2.2.3 Table 3.1; SUBACK return codes, §3.9.3); MQTT 5.0 has one table of reason codes shared by
 * every packet that carries one (§2.4 Table 2-6), each code valid in some packets only.
 */

export type MqttVersion = 4 | 5

/** MQTT 3.1.1 §3.2.2.3: "Connection Accepted" and the five refusals ("Connection Refused, …"). */
const CONNACK_V4 = [
  'Success',
  'Unacceptable protocol version',
  'Identifier rejected',
  'Server unavailable',
  'Bad user name or password',
  'Not authorized'
]

const PUB_ACKS = 'PUBACK PUBREC'
const ERRORS = 'CONNACK PUBACK PUBREC SUBACK UNSUBACK DISCONNECT'
const CONNACK_DISCONNECT = 'CONNACK DISCONNECT'

/** MQTT 5.0 §2.4 Table 2-6: code → [name, the packets that may carry it]. 0x00 is named per packet (see below). */
const V5: Record<number, [string, string]> = {
  0x01: ['Granted QoS 1', 'SUBACK'],
  0x02: ['Granted QoS 2', 'SUBACK'],
  0x04: ['Disconnect with Will Message', 'DISCONNECT'],
  0x10: ['No matching subscribers', PUB_ACKS],
  0x11: ['No subscription existed', 'UNSUBACK'],
  0x18: ['Continue authentication', 'AUTH'],
  0x19: ['Re-authenticate', 'AUTH'],
  0x80: ['Unspecified error', ERRORS],
  0x81: ['Malformed Packet', CONNACK_DISCONNECT],
  0x82: ['Protocol Error', CONNACK_DISCONNECT],
  0x83: ['Implementation specific error', ERRORS],
  0x84: ['Unsupported Protocol Version', 'CONNACK'],
  0x85: ['Client Identifier not valid', 'CONNACK'],
  0x86: ['Bad User Name or Password', 'CONNACK'],
  0x87: ['Not authorized', ERRORS],
  0x88: ['Server unavailable', 'CONNACK'],
  0x89: ['Server busy', CONNACK_DISCONNECT],
  0x8a: ['Banned', 'CONNACK'],
  0x8b: ['Server shutting down', 'DISCONNECT'],
  0x8c: ['Bad authentication method', CONNACK_DISCONNECT],
  0x8d: ['Keep Alive timeout', 'DISCONNECT'],
  0x8e: ['Session taken over', 'DISCONNECT'],
  0x8f: ['Topic Filter invalid', 'SUBACK UNSUBACK DISCONNECT'],
  0x90: ['Topic Name invalid', `CONNACK ${PUB_ACKS} DISCONNECT`],
  0x91: ['Packet Identifier in use', `${PUB_ACKS} SUBACK UNSUBACK`],
  0x92: ['Packet Identifier not found', 'PUBREL PUBCOMP'],
  0x93: ['Receive Maximum exceeded', 'DISCONNECT'],
  0x94: ['Topic Alias invalid', 'DISCONNECT'],
  0x95: ['Packet too large', CONNACK_DISCONNECT],
  0x96: ['Message rate too high', 'DISCONNECT'],
  0x97: ['Quota exceeded', `CONNACK ${PUB_ACKS} SUBACK DISCONNECT`],
  0x98: ['Administrative action', 'DISCONNECT'],
  0x99: ['Payload format invalid', `CONNACK ${PUB_ACKS} DISCONNECT`],
  0x9a: ['Retain not supported', CONNACK_DISCONNECT],
  0x9b: ['QoS not supported', CONNACK_DISCONNECT],
  0x9c: ['Use another server', CONNACK_DISCONNECT],
  0x9d: ['Server moved', CONNACK_DISCONNECT],
  0x9e: ['Shared Subscriptions not supported', 'SUBACK DISCONNECT'],
  0x9f: ['Connection rate exceeded', CONNACK_DISCONNECT],
  0xa0: ['Maximum connect time', 'DISCONNECT'],
  0xa1: ['Subscription Identifiers not supported', 'SUBACK DISCONNECT'],
  0xa2: ['Wildcard Subscriptions not supported', 'SUBACK DISCONNECT']
}

/** The packets that carry a reason code (MQTT 5.0) or a return code (3.1.1). */
export type ReasonPacket = 'CONNACK' | 'PUBACK' | 'PUBREC' | 'PUBREL' | 'PUBCOMP' | 'SUBACK' | 'UNSUBACK' | 'DISCONNECT' | 'AUTH'

/** Is `code` one the spec lets `packet` carry in `version`? */
export function isKnownReason(packet: ReasonPacket, code: number, version: MqttVersion): boolean {
  if (version === 4) return packet === 'CONNACK' ? code < CONNACK_V4.length : packet === 'SUBACK' ? code <= 2 || code === 0x80 : code === 0
  return code === 0 || (V5[code]?.[1].split(' ').includes(packet) ?? false)
}

/** Is it a refusal or an error (MQTT 5.0 §2.4: 0x80 and above; 3.1.1: a non-zero CONNACK, SUBACK's 0x80)? */
export function isFailure(packet: ReasonPacket, code: number, version: MqttVersion): boolean {
  return code >= 0x80 || (packet === 'CONNACK' && code !== 0) || (version === 4 && packet !== 'SUBACK' && code !== 0)
}

/** The spec's name for a code in a packet (`Not authorized`, `Granted QoS 1`), or `reason 0x…` for an unknown one. */
export function reasonName(packet: ReasonPacket, code: number, version: MqttVersion): string {
  // A server that does not speak 5.0 may answer a 5.0 CONNECT with its own CONNACK return code (MQTT 5.0 §3.1.2.2:
  // "unacceptable protocol version", 0x01), so a CONNACK code below 0x80 reads as a 3.1.1 return code either way.
  if (packet === 'CONNACK' && code < 0x80) return CONNACK_V4[code] ?? unknown(code)
  if (packet === 'SUBACK' && code <= 2) return `Granted QoS ${code}`
  if (version === 4) return packet === 'SUBACK' && code === 0x80 ? 'Failure' : code === 0 ? 'Success' : unknown(code)
  if (code === 0) return packet === 'DISCONNECT' ? 'Normal disconnection' : 'Success'
  const known = V5[code]
  return known && known[1].split(' ').includes(packet) ? known[0] : known ? `${known[0]} (not a ${packet} code)` : unknown(code)
}

const unknown = (code: number): string => `reason 0x${code.toString(16).padStart(2, '0')}`
