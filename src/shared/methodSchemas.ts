/** Argument schemas per contract method, checked where each call arrives on the main side. */
import * as v from 'valibot'
import type { MethodName, SockscopeMethods } from './api'
import { closeRequestSchema, connectionOptionsSchema, outgoingMessageSchema } from './schema'

const id = v.pipe(v.string('must be a connection id'), v.minLength(1), v.maxLength(100))
const controlPayload = v.pipe(
  v.string(),
  v.check((s) => new TextEncoder().encode(s).length <= 125, 'must be at most 125 bytes (a control frame limit)')
)

type ArgsSchema<K extends MethodName> = v.GenericSchema<unknown, Parameters<SockscopeMethods[K]>>

/** One entry per method: a method added to the contract without a schema fails the type check. */
export const METHOD_ARGS: { [K in MethodName]: ArgsSchema<K> } = {
  appInfo: v.strictTuple([]),
  connect: v.strictTuple([connectionOptionsSchema]),
  send: v.strictTuple([id, outgoingMessageSchema]),
  ping: v.strictTuple([id, controlPayload]),
  pong: v.strictTuple([id, controlPayload]),
  close: v.strictTuple([id, v.optional(closeRequestSchema.entries.code), v.optional(closeRequestSchema.entries.reason)]),
  terminate: v.strictTuple([id]),
  cancelReconnect: v.strictTuple([id]),
  remove: v.strictTuple([id]),
  list: v.strictTuple([]),
  sync: v.strictTuple([]),
  fetchPayload: v.strictTuple([v.pipe(v.string(), v.uuid('must be a payload reference'))])
}
