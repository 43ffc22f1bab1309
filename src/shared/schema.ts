/** Runtime schemas for everything that crosses a trust boundary. Messages name the field and say why. */
import * as v from 'valibot'
import { base64Problem, hexProblem, isSubprotocol, wsUrlProblem } from './validate'
import { isSendableCloseCode } from './closeCodes'
import { protocolSchema } from './protocolSchema'
import {
  authSchema,
  headerSchema,
  keyValueSchema,
  noCrLf,
  sendableAuthSchema,
  sendableHeaderSchema,
  sendableOrigin,
  sendableQuerySchema
} from './headerSchemas'

export { keyValueSchema }
import type { ConnectionOptions, OutgoingMessage } from './options'
import { parseChain } from './codecs/types'
import { loadSchema, type ProtoSchemaDoc } from './codecs/protobufSchema'

/** A codec chain as the settings panel writes it (`gzip → msgpack`); the message is parseChain's sentence. */
const codecChain = v.pipe(
  v.string(),
  v.maxLength(100),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return
    try {
      parseChain(dataset.value)
    } catch (e) {
      addIssue({ message: (e as Error).message })
    }
  })
)

/** An imported Protobuf schema, as a profile keeps it: refused when its definitions do not load. */
const protoSchemaDoc = v.pipe(
  v.strictObject({ files: v.array(v.string()), id: v.pipe(v.string(), v.maxLength(64)), definitions: v.record(v.string(), v.unknown()) }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return
    try {
      loadSchema(dataset.value as ProtoSchemaDoc)
    } catch (e) {
      addIssue({ message: (e as Error).message })
    }
  })
)

const count = (min: number, max: number) =>
  v.pipe(
    v.number('must be a number'),
    v.integer('must be a whole number'),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`)
  )

const pem = v.pipe(
  v.string(),
  v.check((s) => s.includes('-----BEGIN '), 'must be PEM text (-----BEGIN ...)')
)

const tlsSchema = v.strictObject({
  ca: v.optional(v.array(pem)),
  cert: v.optional(pem),
  key: v.optional(pem),
  pfx: v.optional(
    v.pipe(
      v.string(),
      v.check((s) => base64Problem(s) === null, 'must be base64 of a .pfx/.p12 file')
    )
  ),
  passphrase: v.optional(v.string()),
  servername: v.optional(v.string()),
  allowInvalidCertificates: v.optional(v.boolean())
})

const proxySchema = v.strictObject({
  type: v.picklist(['http', 'socks5'], 'must be "http" or "socks5"'),
  url: v.pipe(
    v.string(),
    v.check((s) => {
      try {
        return ['http:', 'https:', 'socks5:', 'socks5h:', 'socks:'].includes(new URL(s).protocol)
      } catch {
        return false
      }
    }, 'must be a URL such as http://127.0.0.1:8080 or socks5://127.0.0.1:1080')
  )
})

export const outgoingMessageSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('text'), data: v.string() }),
  v.strictObject({
    kind: v.literal('binary'),
    encoding: v.picklist(['hex', 'base64'], 'must be "hex" or "base64"'),
    data: v.string()
  })
])

export const connectionOptionsObject = v.strictObject({
  url: v.pipe(
    v.string('must be a string'),
    v.check(
      (s) => wsUrlProblem(s) === null,
      (i) => wsUrlProblem(String(i.input)) ?? 'invalid URL'
    )
  ),
  query: v.optional(v.array(keyValueSchema)),
  headers: v.optional(v.array(headerSchema)),
  subprotocols: v.optional(
    v.pipe(
      v.array(
        v.pipe(
          v.string(),
          v.check(
            isSubprotocol,
            (i) =>
              `"${String(i.input)}" is not a valid subprotocol (letters, digits and !#$%&'*+-.^_\`|~ only; separate several with commas or spaces)`
          )
        )
      ),
      v.check(
        (a) => new Set(a).size === a.length,
        (i) => `must not repeat a subprotocol ("${i.input.find((p, n) => i.input.indexOf(p) !== n) ?? ''}" is listed twice)`
      )
    )
  ),
  origin: v.optional(noCrLf),
  auth: v.optional(authSchema),
  tls: v.optional(tlsSchema),
  proxy: v.optional(proxySchema),
  handshakeTimeoutMs: v.optional(count(1, 600_000)),
  closeTimeoutMs: v.optional(count(1, 600_000)),
  maxPayloadBytes: v.optional(count(1, 1024 * 1024 * 1024)),
  maxFragments: v.optional(count(1, 1_000_000)),
  maxBufferedChunks: v.optional(count(1, 10_000_000)),
  perMessageDeflate: v.optional(v.boolean()),
  followRedirects: v.optional(v.boolean()),
  maxRedirects: v.optional(count(0, 20)),
  heartbeat: v.optional(
    v.strictObject({
      intervalSec: v.pipe(v.number(), v.minValue(0, 'must be 0 (off) or more'), v.maxValue(86_400, 'must be at most a day')),
      payload: v.optional(
        v.pipe(
          v.string(),
          v.check((s) => new TextEncoder().encode(s).length <= 125, 'must be at most 125 bytes (a control frame limit)')
        )
      ),
      pongTimeoutMs: v.optional(count(0, 600_000)),
      autoPong: v.optional(v.boolean())
    })
  ),
  reconnect: v.optional(
    v.strictObject({
      enabled: v.boolean(),
      baseMs: v.optional(count(1, 3_600_000)),
      capMs: v.optional(count(1, 3_600_000)),
      maxAttempts: v.optional(count(0, 1_000_000)),
      stableMs: v.optional(count(0, 3_600_000))
    })
  ),
  preamble: v.optional(v.array(outgoingMessageSchema)),
  record: v.optional(v.boolean()),
  decode: v.optional(
    v.strictObject({ in: v.optional(codecChain), out: v.optional(codecChain), maxOutputBytes: v.optional(count(1024, 1024 * 1024 * 1024)) })
  ),
  protobuf: v.optional(protoSchemaDoc),
  protocol: v.optional(protocolSchema)
})

/** Options about to connect: stricter than a saved profile on what must reach the server exactly as typed. */
export const connectionOptionsSchema = v.pipe(
  v.strictObject({
    ...connectionOptionsObject.entries,
    query: v.optional(v.array(sendableQuerySchema)),
    headers: v.optional(v.array(sendableHeaderSchema)),
    auth: v.optional(sendableAuthSchema),
    origin: v.optional(sendableOrigin)
  }),
  v.check((o) => !(o.tls?.pfx && (o.tls.cert || o.tls.key)), 'tls: give either a PFX or a PEM certificate and key, not both'),
  v.check((o) => !o.tls?.cert === !o.tls?.key, 'tls: a client certificate needs both cert and key'),
  v.check((o) => !o.reconnect || (o.reconnect.baseMs ?? 0) <= (o.reconnect.capMs ?? Infinity), 'reconnect: baseMs must not exceed capMs')
)

export const closeRequestSchema = v.strictObject({
  code: v.optional(v.pipe(v.number(), v.integer(), v.check(isSendableCloseCode, 'must be 1000 or 3000-4999'))),
  reason: v.optional(
    v.pipe(
      v.string(),
      v.check((s) => new TextEncoder().encode(s).length <= 123, 'must be at most 123 bytes of UTF-8')
    )
  )
})

export class ValidationError extends Error {
  constructor(
    message: string,
    readonly field: string
  ) {
    super(message)
    this.name = 'ValidationError'
  }
}

/** Parses `input` against `schema`, or throws a ValidationError naming the first bad field. */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, input: unknown, what: string): v.InferOutput<S> {
  const r = v.safeParse(schema, input)
  if (r.success) return r.output
  const issue = r.issues[0]
  const path = v.getDotPath(issue) ?? ''
  const field = path ? `${what}.${path}` : what
  throw new ValidationError(`${field}: ${issue.message}`, field)
}

export function validateConnectionOptions(input: unknown): ConnectionOptions {
  return parseOrThrow(connectionOptionsSchema, input, 'options')
}

export function validateOutgoing(input: unknown): OutgoingMessage {
  const msg = parseOrThrow(outgoingMessageSchema, input, 'message')
  if (msg.kind === 'binary') {
    const problem = msg.encoding === 'hex' ? hexProblem(msg.data) : base64Problem(msg.data)
    if (problem) throw new ValidationError(`message.data: ${problem}`, 'message.data')
  }
  return msg
}
