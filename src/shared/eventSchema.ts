/**
 * Events read back from files (recordings, imports) are untrusted: each is checked against this schema before
 * anything renders it, so a malformed line is reported by its number and skipped instead of breaking the view.
 * Unknown fields are dropped; payload bytes must already be decoded (`eventsFromWire`).
 */
import * as v from 'valibot'
import type { SockEvent } from './events'

const int = v.pipe(v.number(), v.integer())
const count = v.pipe(int, v.minValue(0))
const bytes = v.instance(Uint8Array, 'must be bytes')
const dir = v.picklist(['in', 'out'])
const base = { id: v.string(), seq: v.pipe(int, v.minValue(1)), ts: v.pipe(v.number(), v.finite()) }
const header = v.object({ name: v.string(), value: v.string(), secret: v.optional(v.boolean()) })
const redirect = { from: v.string(), to: v.string(), status: int, stripped: v.array(v.string()) }

const eventSchema = v.variant('type', [
  v.object({ ...base, type: v.literal('state'), state: v.picklist(['connecting', 'open', 'closing', 'closed']), attempt: count }),
  v.object({ ...base, type: v.literal('reconnect'), attempt: count, delayMs: count, cancelled: v.optional(v.boolean()) }),
  v.object({ ...base, type: v.literal('throttle'), on: v.boolean() }),
  v.object({
    ...base,
    type: v.literal('handshake'),
    url: v.string(),
    requestHeaders: v.array(header),
    status: int,
    statusText: v.string(),
    responseHeaders: v.array(header),
    protocol: v.string(),
    extensions: v.string(),
    redirects: v.array(v.object(redirect)),
    timings: v.object({
      dnsMs: v.optional(v.number()),
      tcpMs: v.optional(v.number()),
      tlsMs: v.optional(v.number()),
      upgradeMs: v.number()
    }),
    tls: v.optional(v.unknown())
  }),
  v.object({ ...base, type: v.literal('redirect'), ...redirect }),
  v.variant('kind', [
    v.object({
      ...base,
      type: v.literal('message'),
      dir,
      kind: v.literal('text'),
      size: count,
      data: v.string(),
      ref: v.optional(v.string()),
      sent: v.optional(v.boolean()),
      error: v.optional(v.string())
    }),
    v.object({
      ...base,
      type: v.literal('message'),
      dir,
      kind: v.literal('binary'),
      size: count,
      data: bytes,
      ref: v.optional(v.string()),
      sent: v.optional(v.boolean()),
      error: v.optional(v.string())
    })
  ]),
  v.object({ ...base, type: v.picklist(['ping', 'pong']), dir, data: bytes, rttMs: v.optional(v.number()) }),
  v.object({
    ...base,
    type: v.literal('close'),
    code: int,
    reason: v.string(),
    meaning: v.string(),
    initiator: v.picklist(['local', 'remote', 'abnormal']),
    clean: v.boolean()
  }),
  v.object({
    ...base,
    type: v.literal('error'),
    class: v.string(),
    message: v.string(),
    code: v.optional(v.string()),
    next: v.string(),
    status: v.optional(int),
    headers: v.optional(v.array(header)),
    body: v.optional(v.string())
  })
])

/** The event, or why it is not one (in words for a "line N: …" note). */
export function checkEvent(raw: unknown): { ok: true; event: SockEvent } | { ok: false; why: string } {
  const r = v.safeParse(eventSchema, raw)
  if (r.success) return { ok: true, event: r.output as SockEvent }
  const issue = r.issues[0]
  const path = v.getDotPath(issue)
  return { ok: false, why: `not a Sockscope event (${path ? `${path}: ` : ''}${issue.message})` }
}
