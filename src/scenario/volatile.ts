/**
 * Which values change from run to run (ids, times, nonces): one rule for the mock server's matching (mockMatch.ts)
 * and for "New scenario from selection" (fromSelection.ts), so a scenario made from a recording and the mock serving
 * it agree on what may differ. Pure: the page uses it too.
 */

/** By member name: `id`, `uuid`, `nonce`, `seq`, `ts`, `time`, `date`, `token`, `session`…, or a name ending in one. */
const VOLATILE_NAME =
  /^(id|_id|uuid|guid|nonce|seq|sequence|ts|time|timestamp|date|datetime|token|session|sid|created|updated|requestid|correlationid)$|(Id|ID|_id|Uuid|UUID|At|_at|Ts|_ts|Time|_time|Timestamp|_timestamp|Date|_date)$/
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/
const LONG_HEX = /^[0-9a-f]{16,}$/i
const EPOCH_TEXT = /^\d{10}(\d{3})?(\.\d+)?$/

export function isVolatileName(name: string | number | undefined): boolean {
  return typeof name === 'string' && VOLATILE_NAME.test(name)
}

/** By look: a UUID, an ISO 8601 date-time, 16+ hex digits, or an epoch time (seconds or ms, 2001–2286). */
export function isVolatileValue(v: unknown): boolean {
  if (typeof v === 'number') return (v >= 1e9 && v < 1e10) || (v >= 1e12 && v < 1e13)
  return typeof v === 'string' && (UUID.test(v) || ISO_TIME.test(v) || LONG_HEX.test(v) || EPOCH_TEXT.test(v))
}
