import { performance } from 'node:perf_hooks'

/** Epoch milliseconds with a sub-millisecond fraction, monotonic within the process. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now()
}
