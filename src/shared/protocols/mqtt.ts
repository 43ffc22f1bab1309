/**
 * MQTT 3.1.1 and 5.0 over WebSocket, as one frame reads: pure (no Buffer), for the log (page), core and tests alike.
 * MQTT §6.0 (both versions): packets travel in binary frames, and a frame may hold several packets or part of one.
 * Every packet starts with a fixed header (§2.2): type and flags in one byte, then the remaining length as a variable
 * byte integer. 5.0 adds a properties block to most packets (§2.2.2), so a body reads differently per version: the
 * version comes from the context (the CONNECT sent), else it is told from the bytes where they allow it.
 */
import { concat } from './bytes'
import { isKnownReason, type MqttVersion, type ReasonPacket } from './mqttReasons'
import { MQTT_PACKET_TYPES, type MqttFrame, type MqttPacket } from './mqttPacket'

export type { MqttVersion } from './mqttReasons'
export { MQTT_PACKET_TYPES, type MqttFrame, type MqttPacket, type MqttPacketType } from './mqttPacket'

class Malformed extends Error {}
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A cursor over one packet's body; runs out → Malformed (a cut packet keeps the fields read before). */
class Body {
  at = 0
  constructor(private readonly b: Uint8Array) {}
  get left(): number {
    return this.b.length - this.at
  }
  take(n: number): Uint8Array {
    if (n > this.left) throw new Malformed('it ends before its fields do')
    return this.b.subarray(this.at, (this.at += n))
  }
  u8 = (): number => this.take(1)[0]
  u16 = (): number => (this.u8() << 8) | this.u8()
  u32 = (): number => this.u16() * 65536 + this.u16()
  /** §1.5.5 variable byte integer: 7 bits a byte, at most 4 bytes. */
  varint(): number {
    let value = 0
    for (let i = 0, mul = 1; i < 4; i++, mul *= 128) {
      const byte = this.u8()
      value += (byte & 0x7f) * mul
      if (byte < 0x80) return value
    }
    throw new Malformed('a variable byte integer runs past 4 bytes (MQTT §1.5.5)')
  }
  bin = (): Uint8Array => this.take(this.u16())
  /** §1.5.3: well-formed UTF-8 with a 2-byte length. */
  str(): string {
    try {
      return utf8.decode(this.bin())
    } catch (e) {
      throw e instanceof Malformed ? e : new Malformed('a string is not well-formed UTF-8 (MQTT §1.5.3)')
    }
  }
}

/** 5.0 §2.2.2.2: identifier → value type; 1 byte, 2/4-byte integer, varint, string, binary, string pair. */
const PROPERTY_TYPES: Record<number, 'u8' | 'u16' | 'u32' | 'varint' | 'str' | 'bin' | 'pair'> = {
  ...Object.fromEntries([0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2a].map((id) => [id, 'u8'])),
  ...Object.fromEntries([0x13, 0x21, 0x22, 0x23].map((id) => [id, 'u16'])),
  ...Object.fromEntries([0x02, 0x11, 0x18, 0x27].map((id) => [id, 'u32'])),
  ...Object.fromEntries([0x03, 0x08, 0x12, 0x15, 0x1a, 0x1c, 0x1f].map((id) => [id, 'str'])),
  0x09: 'bin',
  0x0b: 'varint',
  0x16: 'bin',
  0x26: 'pair'
}

function readProperties(r: Body, p: MqttPacket): void {
  const props = new Body(r.take(r.varint()))
  while (props.left > 0) {
    const id = props.varint()
    const type = PROPERTY_TYPES[id]
    if (!type) throw new Malformed(`property 0x${id.toString(16)} is not an MQTT 5.0 property (§2.2.2.2)`)
    const value = type === 'pair' ? (props.str(), props.str()) : props[type]()
    if (id === 0x1f) p.reasonString = value as string
    if (id === 0x23) p.topicAlias = value as number
  }
}

/** 5.0 acks, DISCONNECT, AUTH: the reason code and properties may be left out at the end (§3.4.2.1, §3.14.2.1). */
function readReason(r: Body, p: MqttPacket, v: MqttVersion): void {
  if (v === 4 || r.left === 0) return
  p.codes = [r.u8()]
  if (r.left > 0) readProperties(r, p)
}

function readCodes(r: Body, p: MqttPacket): void {
  p.codes = []
  while (r.left > 0) p.codes.push(r.u8())
}

function readBody(r: Body, p: MqttPacket, v: MqttVersion, length: number): void {
  const id = () => (p.id = r.u16())
  const props = () => v === 5 && readProperties(r, p)
  const filters = (withOptions: boolean) => {
    p.filters = []
    while (r.left > 0) {
      const topic = r.str()
      const options = withOptions ? r.u8() : 0
      // §3.8.3.1: 3.1.1 uses the QoS bits only; 5.0 adds No Local, Retain As Published, Retain Handling (< 3).
      if (options & (v === 4 ? 0xfc : 0xc0) || (options & 3) === 3 || options >> 4 === 3)
        throw new Malformed(`the subscription options of ${topic} are malformed (MQTT §3.8.3.1)`)
      p.filters.push(withOptions ? { topic, qos: options & 3 } : { topic })
    }
  }
  switch (p.type) {
    case 'CONNECT': {
      const name = r.str()
      p.protocolLevel = r.u8()
      if (!((name === 'MQTT' && (p.protocolLevel === 4 || p.protocolLevel === 5)) || (name === 'MQIsdp' && p.protocolLevel === 3)))
        throw new Malformed(`its protocol is ${name} level ${p.protocolLevel}, not MQTT 3.1, 3.1.1 or 5.0 (MQTT §3.1.2.1)`)
      p.version = v = p.protocolLevel === 5 ? 5 : 4
      const flags = r.u8()
      if (flags & 1) throw new Malformed('its reserved connect flag is set (MQTT §3.1.2.3)')
      ;[p.clean, p.keepAliveS] = [(flags & 2) !== 0, r.u16()]
      props()
      p.clientId = r.str()
      if (flags & 4) {
        // The Will: its properties (5.0), topic and payload.
        props()
        r.str()
        r.bin()
      }
      if (flags & 0x80) p.username = r.str()
      if (flags & 0x40) {
        r.bin()
        p.hasPassword = true
      }
      break
    }
    case 'CONNACK':
      p.sessionPresent = (r.u8() & 1) === 1
      p.codes = [r.u8()]
      // A 3.1.1 server refuses a 5.0 CONNECT with its own 2-byte CONNACK (5.0 §3.1.2.2): read it as one.
      if (v === 5 && r.left === 0 && p.codes[0] < 0x80) p.version = v = 4
      if (r.left > 0) props()
      break
    case 'PUBLISH':
      p.topic = r.str()
      if (p.qos > 0) id()
      props()
      p.payload = r.take(r.left)
      break
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP':
      id()
      readReason(r, p, v)
      break
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE':
      id()
      props()
      filters(p.type === 'SUBSCRIBE')
      break
    case 'SUBACK':
    case 'UNSUBACK':
      id()
      // 5.0 UNSUBACK carries properties and codes; a 3.1.1 one only its packet id (§3.11.2).
      if (v === 5 && (p.type === 'SUBACK' || r.left > 0)) props()
      readCodes(r, p)
      break
    case 'DISCONNECT':
    case 'AUTH':
      readReason(r, p, v)
      break
  }
  if (p.part) return
  if (v === 4 && length !== 2 && ['CONNACK', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'UNSUBACK'].includes(p.type))
    throw new Malformed(`its remaining length is ${length}, MQTT 3.1.1 says 2`)
  if (r.left > 0) throw new Malformed(`${r.left} bytes follow its last field`)
  const coded = p.codes?.some((c) => !isKnownReason(p.type as ReasonPacket, c, v))
  if (coded) throw new Malformed(`it carries a code that is not a ${p.type} code of MQTT ${v === 5 ? '5.0' : '3.1.1'}`)
  const needsOne = p.type === 'SUBACK' || p.type === 'SUBSCRIBE' || p.type === 'UNSUBSCRIBE' || (p.type === 'UNSUBACK' && v === 5)
  if (needsOne && !(p.codes ?? p.filters)?.length) throw new Malformed('it lists no topic filter or code (MQTT §3.8.3, §3.9.3)')
  if (p.qos > 0 && p.id === 0) throw new Malformed('its packet identifier is 0 (MQTT §2.3.1)')
}

/** One packet from its fixed header on; `v` undefined: told from the bytes (5.0 when both versions read them). */
function readPacket(bytes: Uint8Array, v: MqttVersion | undefined): MqttPacket | string {
  const first = bytes[0]
  const type = MQTT_PACKET_TYPES[first >> 4]
  if (!type) return 'not an MQTT packet: packet type 0 is reserved (MQTT §2.2.1)'
  if (type === 'AUTH' && v === 4) return 'not an MQTT 3.1.1 packet: AUTH exists in MQTT 5.0 only'
  const flags = first & 15
  // §2.2.2 Table 2.2: PUBREL, SUBSCRIBE, UNSUBSCRIBE carry 0b0010; PUBLISH its DUP, QoS and RETAIN; the rest 0.
  const required = type === 'PUBREL' || type === 'SUBSCRIBE' || type === 'UNSUBSCRIBE' ? 2 : 0
  if (type === 'PUBLISH' ? (flags & 6) === 6 : flags !== required)
    return `not an MQTT packet: ${type} with fixed-header flags 0b${flags.toString(2).padStart(4, '0')} (MQTT §2.2.2)`
  const header = new Body(bytes.subarray(1))
  let length = 0
  let lengthKnown = true
  try {
    length = header.varint()
  } catch (e) {
    // Cut inside the remaining length when the frame ends first; malformed when 4 bytes did not end it.
    if (bytes.length >= 5) return `not an MQTT packet: ${(e as Error).message}`
    lengthKnown = false
  }
  const qos = type === 'PUBLISH' ? (((flags >> 1) & 3) as 0 | 1 | 2) : 0
  const base = { type, qos, retain: type === 'PUBLISH' && (flags & 1) === 1, dup: type === 'PUBLISH' && (flags & 8) === 8 }
  const bodyAt = 1 + header.at
  const end = bodyAt + length
  const part = !lengthKnown || end > bytes.length ? { have: bytes.length, total: lengthKnown ? end : undefined } : undefined
  const attempt = (version: MqttVersion): MqttPacket | string => {
    const p: MqttPacket = { ...base, version, ...(part && { part }) }
    try {
      readBody(new Body(bytes.subarray(bodyAt, end)), p, version, length)
    } catch (e) {
      if (!part) return `not an MQTT ${version === 5 ? '5.0' : '3.1.1'} ${type}: ${(e as Error).message}`
    }
    return p
  }
  if (v || part) return attempt(v ?? 4)
  const [v5, v4] = [attempt(5), attempt(4)]
  if (typeof v5 === 'string' || typeof v4 === 'string') return typeof v5 === 'string' ? v4 : v5
  // Both read: 5.0's properties block would open a 3.1.1 payload, so a PUBLISH is 5.0 only when that makes it text.
  return type !== 'PUBLISH' || (textOf(v5.payload!) !== null && textOf(v4.payload!) === null) ? v5 : v4
}

/** Every packet in one binary frame, the last maybe cut short (§6.0). Never throws. */
export function parseMqttFrame(bytes: Uint8Array, version?: MqttVersion): MqttFrame {
  const packets: MqttPacket[] = []
  for (let at = 0; at < bytes.length;) {
    const p = readPacket(bytes.subarray(at), version)
    // A frame may also carry the rest of a packet an earlier frame began (§6.0): say so when nothing here reads.
    if (typeof p === 'string')
      return { packets, invalid: at ? p : `${p}; or it is the rest of a packet an earlier frame began (MQTT §6.0)` }
    packets.push(p)
    if (p.part) break
    at += packetSize(bytes, at)
  }
  return packets.length || bytes.length ? { packets } : { packets, invalid: 'an empty frame holds no MQTT packet' }
}

/** Bytes of the whole packet at `at`: its fixed header and its remaining length. */
function packetSize(bytes: Uint8Array, at: number): number {
  const header = new Body(bytes.subarray(at + 1))
  const length = header.varint()
  return 1 + header.at + length
}

/** The version a CONNECT frame asks for (3.1 and 3.1.1 read alike), or null when the frame is not a CONNECT. */
export function mqttVersionOfConnect(frame: string | Uint8Array): MqttVersion | null {
  if (typeof frame === 'string') return null
  const p = parseMqttFrame(frame).packets[0]
  return p?.type === 'CONNECT' && p.protocolLevel !== undefined ? (p.protocolLevel === 5 ? 5 : 4) : null
}

/** The bytes as text when they are UTF-8 without control characters other than tab and line breaks, else null. */
export function textOf(bytes: Uint8Array): string | null {
  try {
    const s = utf8.decode(bytes)
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s) ? null : s
  } catch {
    return null
  }
}

/** The most bytes of an unfinished packet carried to the next frame: a bigger one's later frames read as "the rest". */
const MAX_CARRIED = 1024 * 1024

/** The unfinished packet's bytes once `frame` is read after `before` (the same for the previous frame); empty when none. */
export function mqttUnfinishedAfter(before: Uint8Array | undefined, frame: string | Uint8Array): Uint8Array {
  if (typeof frame === 'string') return before ?? new Uint8Array(0)
  const bytes = before?.length ? concat([before, frame]) : frame
  for (let at = 0; at < bytes.length;) {
    const header = new Body(bytes.subarray(at + 1))
    let length: number
    try {
      length = header.varint()
    } catch {
      // Cut inside the remaining length: carried; 4 bytes that did not end it: not MQTT, nothing to carry.
      return bytes.length - at < 5 && bytes[at] >> 4 ? bytes.slice(at) : new Uint8Array(0)
    }
    if (bytes[at] >> 4 === 0) return new Uint8Array(0)
    const end = at + 1 + header.at + length
    if (end > bytes.length) return end - at <= MAX_CARRIED ? bytes.slice(at) : new Uint8Array(0)
    at = end
  }
  return new Uint8Array(0)
}
