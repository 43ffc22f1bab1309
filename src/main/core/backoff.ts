/**
 * Full-jitter exponential backoff: a uniformly random delay in [0, min(cap, base * 2^(attempt-1))].
 * Spreads reconnects of many clients so a restarting server is not hit by a synchronised storm.
 */
export function fullJitterDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.floor(random() * ceiling)
}

/** The ceiling the jittered delay is drawn under, for display and tests. */
export function backoffCeiling(attempt: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1))
}
