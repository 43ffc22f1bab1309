/**
 * Schemas for what goes out in the upgrade request's header lines and query: rows, auth and Origin. A saved profile
 * is checked with the lenient forms; a connect with the `sendable` ones, which also require that each value reaches
 * the server exactly as typed.
 */
import * as v from 'valibot'
import { hasCrLfOrNul, headerValueProblem, isHttpToken, rowNameProblem } from './validate'

export const noCrLf = v.pipe(
  v.string(),
  v.check((s) => !hasCrLfOrNul(s), 'must not contain line breaks (CR/LF) or NUL')
)

export const keyValueSchema = v.strictObject({
  name: v.string(),
  value: noCrLf,
  secret: v.optional(v.boolean()),
  enabled: v.optional(v.boolean())
})
/** A header as saved: a name is required (a nameless row with a value must not vanish unnoticed). */
export const headerSchema = v.pipe(
  keyValueSchema,
  v.forward(
    v.check(
      (h) => rowNameProblem('header', h.name, h.value) === null,
      (i) => rowNameProblem('header', i.input.name, i.input.value) ?? 'is not a valid header name'
    ),
    ['name']
  )
)
/** A header about to be sent: its value must also arrive as typed (see headerValueProblem). */
export const sendableHeaderSchema = v.pipe(
  headerSchema,
  v.forward(
    v.check(
      (h) => headerValueProblem(h.value) === null,
      (i) => headerValueProblem(i.input.value, i.input.secret) ?? 'cannot be sent'
    ),
    ['value']
  )
)
/** A query parameter about to be sent: a value without a name is refused, not sent as "=value". */
export const sendableQuerySchema = v.pipe(
  keyValueSchema,
  v.forward(
    v.check(
      (q) => rowNameProblem('query parameter', q.name, q.value) === null,
      (i) => rowNameProblem('query parameter', i.input.name, i.input.value) ?? 'needs a name'
    ),
    ['name']
  )
)

export const authSchema = v.variant('type', [
  v.strictObject({ type: v.literal('none') }),
  v.strictObject({
    type: v.literal('basic'),
    username: v.pipe(
      noCrLf,
      v.check((s) => !s.includes(':'), 'must not contain ":" in basic auth')
    ),
    password: noCrLf
  }),
  v.strictObject({ type: v.literal('bearer'), token: noCrLf }),
  v.strictObject({
    type: v.literal('apiKey'),
    name: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
    value: noCrLf,
    in: v.picklist(['header', 'query'])
  })
])

/** A value about to go out as (part of) a header: it must arrive as typed (see headerValueProblem). */
const sendableHeaderValue = (secret: boolean) =>
  v.pipe(
    v.string(),
    v.check(
      (s) => headerValueProblem(s) === null,
      (i) => headerValueProblem(i.input, secret) ?? 'cannot be sent'
    )
  )

/**
 * Auth about to be sent. A bearer token and an API key in a header are header values as typed, so they are held to
 * RFC 9110 §5.5 like any header. Basic credentials are base64 of their UTF-8 bytes, which RFC 7617 §2.1 allows
 * (charset="UTF-8"), so they may hold any character.
 */
export const sendableAuthSchema = v.variant('type', [
  ...authSchema.options.filter((o) => o.entries.type.literal !== 'bearer' && o.entries.type.literal !== 'apiKey'),
  v.strictObject({ type: v.literal('bearer'), token: sendableHeaderValue(true) }),
  v.pipe(
    v.strictObject({
      type: v.literal('apiKey'),
      name: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
      value: noCrLf,
      in: v.picklist(['header', 'query'])
    }),
    v.forward(
      v.check(
        (a) => a.in !== 'header' || isHttpToken(a.name),
        (i) => `"${i.input.name}" is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only)`
      ),
      ['name']
    ),
    v.forward(
      v.check(
        (a) => a.in !== 'header' || headerValueProblem(a.value) === null,
        (i) => headerValueProblem(i.input.value, true) ?? 'cannot be sent'
      ),
      ['value']
    )
  )
])

/**
 * The Origin header is a serialized origin (RFC 6454 §6.2): ASCII, with an internationalized host in its punycode
 * form. A non-ASCII one is refused with that form offered, when the text parses as a URL.
 */
export const sendableOrigin = v.pipe(
  v.string(),
  v.check(
    (s) => headerValueProblem(s) === null,
    (i) => {
      try {
        const ascii = new URL(i.input).origin
        if (ascii !== 'null' && headerValueProblem(ascii) === null)
          return `is not ASCII; an origin's host goes in its punycode form: use ${ascii}`
      } catch {
        // Not a URL: say what is wrong with it as a header value.
      }
      return headerValueProblem(i.input) ?? 'cannot be sent'
    }
  )
)
