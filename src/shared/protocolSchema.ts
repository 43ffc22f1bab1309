/** The protocol setting's schema (shared/protocols): the kind, and each protocol's connect settings. */
import * as v from 'valibot'

function isJsonObject(s: string): boolean {
  try {
    const v = JSON.parse(s) as unknown
    return typeof v === 'object' && v !== null && !Array.isArray(v)
  } catch {
    return false
  }
}

/** JSON object text, or blank for none (Socket.IO's auth, GraphQL's connection params). */
const jsonObjectText = v.optional(
  v.pipe(
    v.string(),
    v.maxLength(64 * 1024),
    v.check((s) => s.trim() === '' || isJsonObject(s), 'must be a JSON object, for example {"token": "…"}')
  )
)

/** A STOMP CONNECT header value: CONNECT's headers are not escaped (STOMP 1.2, "Value Encoding"), so no EOL or NUL. */
const stompHeaderValue = v.optional(
  v.pipe(
    v.string(),
    v.maxLength(1024),
    v.check((s) => !/[\r\n\0]/.test(s), 'must be one line (no line breaks)')
  )
)

/** An MQTT UTF-8 string (MQTT 3.1.1 §1.5.3): at most 65,535 bytes, no U+0000. */
const mqttString = v.optional(
  v.pipe(
    v.string(),
    v.check((s) => new TextEncoder().encode(s).byteLength <= 65535, 'must be at most 65,535 bytes'),
    v.check((s) => !s.includes('\0'), 'must not contain a NUL character')
  )
)

const wholeMs = (max: number) =>
  v.optional(
    v.pipe(
      v.number('must be a number'),
      v.integer('must be a whole number'),
      v.minValue(0, 'must be 0 or more'),
      v.maxValue(max, `must be at most ${max}`)
    )
  )

export const protocolSchema = v.strictObject({
  kind: v.optional(
    v.picklist(
      ['auto', 'raw', 'socketio', 'graphql', 'stomp', 'mqtt', 'signalr'],
      'must be auto, raw, socketio, graphql, stomp, mqtt or signalr'
    )
  ),
  keepAlive: v.optional(v.boolean('must be true or false')),
  namespace: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(200),
      v.check((s) => s === '' || s.startsWith('/'), 'must start with / (for example /admin)')
    )
  ),
  auth: jsonObjectText,
  graphql: v.optional(v.strictObject({ connectionParams: jsonObjectText })),
  stomp: v.optional(
    v.strictObject({
      host: stompHeaderValue,
      login: stompHeaderValue,
      passcode: stompHeaderValue,
      heartBeatMs: wholeMs(3_600_000)
    })
  ),
  mqtt: v.optional(
    v.strictObject({
      version: v.optional(v.picklist([4, 5], 'must be 4 (MQTT 3.1.1) or 5 (MQTT 5.0)')),
      clientId: mqttString,
      username: mqttString,
      password: mqttString,
      cleanStart: v.optional(v.boolean('must be true or false')),
      // MQTT 3.1.1 §3.1.2.10: a 16-bit number of seconds.
      keepAliveS: v.optional(
        v.pipe(
          v.number('must be a number'),
          v.integer('must be a whole number'),
          v.minValue(0, 'must be 0 or more'),
          v.maxValue(65535, 'must be at most 65535')
        )
      )
    })
  ),
  signalr: v.optional(v.strictObject({ keepAliveMs: wholeMs(3_600_000) }))
})
