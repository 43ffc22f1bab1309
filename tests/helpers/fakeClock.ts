/**
 * Fake timers for tests on real sockets: only the timer functions are faked, so socket I/O, `performance` and
 * `Date` stay real. Wait for I/O with `until` from ./time (it runs on real time); move the engine's clock with
 * `vi.advanceTimersByTime`. Undo with `vi.useRealTimers()` in `afterEach`.
 */
import { vi } from 'vitest'

export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
}
