/**
 * Full-jitter exponential backoff: a uniformly random delay in [0, min(cap, base * 2^(attempt-1))].
 * Spreads reconnects of many clients so a restarting server is not hit by a synchronised storm.
 */
import { DEFAULTS } from '../../shared/options'

export function fullJitterDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.floor(random() * ceiling)
}

/** The ceiling the jittered delay is drawn under, for display and tests. */
export function backoffCeiling(attempt: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1))
}

export interface ReconnectSettings {
  enabled: boolean
  baseMs?: number
  capMs?: number
  maxAttempts?: number
}

/**
 * What to do after an attempt ended: nothing (off, or the user closed, or retrying cannot help), give up after
 * `max` failures in a row, or wait `delayMs` (full jitter) before attempt number `failures + 1`.
 */
export function reconnectPlan(
  r: ReconnectSettings | undefined,
  failures: number,
  random: () => number
): { action: 'none' } | { action: 'give-up'; max: number } | { action: 'retry'; delayMs: number } {
  if (!r?.enabled) return { action: 'none' }
  const max = r.maxAttempts ?? DEFAULTS.reconnectMaxAttempts
  if (max > 0 && failures >= max) return { action: 'give-up', max }
  const delayMs = fullJitterDelay(failures + 1, r.baseMs ?? DEFAULTS.reconnectBaseMs, r.capMs ?? DEFAULTS.reconnectCapMs, random)
  return { action: 'retry', delayMs }
}
