/** How MQTT frames read in the log (mqtt.ts reads the packets), and the protocol's module for the registry. */
import { concat } from './bytes'
import { mqttUnfinishedAfter, parseMqttFrame, textOf, type MqttFrame, type MqttPacket } from './mqtt'
import { isFailure, reasonName, type ReasonPacket } from './mqttReasons'
import type { DescribeContext, FrameView, ProtocolModule } from './types'

/** A payload as UTF-8 when it is text, else its size. */
export const payloadText = (payload: Uint8Array): string =>
  payload.length === 0 ? 'empty payload' : (textOf(payload) ?? `${payload.length} bytes`)

/** How a log row names one packet: the type and key fields in `kind`, the rest in `text`. */
export function describePacket(p: MqttPacket): FrameView {
  const id = p.id !== undefined ? ` #${p.id}` : ''
  const names = (p.codes ?? []).map((c) => reasonName(p.type as ReasonPacket, c, p.version))
  const failed = (p.codes ?? []).some((c) => isFailure(p.type as ReasonPacket, c, p.version))
  const cut = p.part ? ' (part of a packet)' : ''
  const why = p.reasonString ?? ''
  const view = (kind: string, text: string, keepAlive = false, error = false): FrameView => ({
    kind: `${kind}${cut}`,
    text: p.part ? `${p.part.have} of ${p.part.total ?? '?'} bytes; the rest comes in the next frames (MQTT §6.0)` : text,
    keepAlive,
    ...(error && { error })
  })
  switch (p.type) {
    case 'CONNECT': {
      const version = p.protocolLevel === 5 ? '5.0' : p.protocolLevel === 3 ? '3.1' : '3.1.1'
      const facts = [
        `MQTT ${version}`,
        `keep-alive ${p.keepAliveS ?? '?'} s`,
        p.clean ? (p.version === 5 ? 'clean start' : 'clean session') : ''
      ]
      if (p.username !== undefined) facts.push(`user ${p.username}`)
      if (p.hasPassword) facts.push('with password')
      return view(`CONNECT ${p.clientId || (p.clientId === '' ? '(no client id)' : '')}`.trim(), facts.filter(Boolean).join(', '))
    }
    case 'CONNACK':
      return view(
        `CONNACK ${names[0] ?? ''}`.trim(),
        [p.sessionPresent ? 'session present' : '', why].filter(Boolean).join('; '),
        false,
        failed
      )
    case 'PUBLISH': {
      const topic = p.topic || (p.topicAlias !== undefined ? `(alias ${p.topicAlias})` : '')
      const flags = `${p.retain ? ' retain' : ''}${p.dup ? ' dup' : ''}`
      return view(`PUBLISH ${topic ? `${topic} ` : ''}QoS${p.qos}${id}${flags}`, p.payload ? payloadText(p.payload) : '')
    }
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE': {
      const filters = (p.filters ?? []).map((f) => (f.qos === undefined ? f.topic : `${f.topic} QoS${f.qos}`)).join(', ')
      return view([p.type, filters, id.trim()].filter(Boolean).join(' '), why)
    }
    case 'PINGREQ':
    case 'PINGRESP':
      return view(p.type, '', true)
    default:
      return view(`${p.type}${names.length ? ` ${names.join(', ')}` : ''}${id}`, why, false, failed)
  }
}

/**
 * A frame's row: its first packet, `+N more` when it holds several (their rows follow in the text). `continued`: the
 * frame was read after the unfinished packet of earlier frames, so its first packet ends here (or goes on still).
 */
export function describeMqttFrame(frame: MqttFrame, continued = false): FrameView {
  const views = frame.packets.map(describePacket)
  if (frame.invalid) views.push({ kind: 'invalid', text: frame.invalid, keepAlive: false })
  if (continued && frame.packets[0] && !frame.packets[0].part) views[0] = { ...views[0], kind: `${views[0].kind} (end of a packet)` }
  const [first, ...more] = views
  if (!more.length) return first
  return {
    kind: `${first.kind} +${more.length} more`,
    text: [first.text, ...more.map((v) => `+ ${v.kind}${v.text ? `: ${v.text}` : ''}`)].filter(Boolean).join('\n'),
    keepAlive: views.every((v) => v.keepAlive),
    ...(views.some((v) => v.error) && { error: true })
  }
}

/**
 * What a row needs of the frames before it in the same direction (to be added to DescribeContext): the version of
 * the CONNECT sent (mqttVersionOfConnect), and the bytes of a packet earlier frames began and did not finish
 * (mqttUnfinishedAfter). A broker may split every packet over several frames (aedes writes each field as one).
 */
export type MqttDescribeContext = DescribeContext

/** Does the URL end in `/mqtt`, the path brokers serve MQTT over WebSocket at (Mosquitto, EMQX, HiveMQ, aedes)? */
export function looksLikeMqtt(url: string): boolean {
  try {
    return /\/mqtt\/?$/.test(new URL(url).pathname)
  } catch {
    return false
  }
}

export const mqttModule: ProtocolModule = {
  // §6.0: "mqtt" (3.1.1 and 5.0); "mqttv3.1" is MQTT 3.1's older name.
  subprotocols: ['mqtt', 'mqttv3.1'],
  matchesUrl: looksLikeMqtt,
  carryAfter: (before, frame) => mqttUnfinishedAfter(before, frame),
  // §3.3.3: a PUBLISH's payload is application bytes (MQTT says nothing of their format): the codecs may read them.
  payloadOf(frame, subprotocol, ctx) {
    if (typeof frame === 'string') return null
    const version = ctx?.mqttVersion ?? (subprotocol === 'mqttv3.1' ? 4 : undefined)
    const carried = ctx?.carriedBefore?.(frame)
    const bytes = carried?.length ? concat([carried, frame]) : frame
    const publish = parseMqttFrame(bytes, version).packets.find((p) => p.type === 'PUBLISH' && !p.part)
    return publish?.payload?.length ? publish.payload : null
  },
  describe(frame, subprotocol, ctx?: MqttDescribeContext) {
    if (typeof frame === 'string')
      return { kind: 'invalid', text: 'MQTT travels in binary frames (MQTT §6.0); this is a text frame', keepAlive: false }
    // Read defensively: a page may not know the version or the earlier frames yet.
    const version = ctx?.mqttVersion === 4 || ctx?.mqttVersion === 5 ? ctx.mqttVersion : subprotocol === 'mqttv3.1' ? 4 : undefined
    const carried = ctx?.carriedBefore?.(frame)
    const before = carried instanceof Uint8Array && carried.length > 0 ? carried : undefined
    return describeMqttFrame(parseMqttFrame(before ? concat([before, frame]) : frame, version), before !== undefined)
  }
}
