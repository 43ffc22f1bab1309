import { ConnectionManager } from '../../src/main/core/manager'
import type { SockEvent } from '../../src/shared/events'

/** A manager whose events are collected, with a way to wait for one. */
export function recordingManager(random?: () => number) {
  const events: SockEvent[] = []
  const waiters: Array<{ pred: (e: SockEvent) => boolean; resolve: (e: SockEvent) => void }> = []
  const manager = new ConnectionManager((e) => {
    events.push(e)
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(e)
      }
    }
  }, random)
  function waitFor<T extends SockEvent = SockEvent>(pred: (e: SockEvent) => boolean, timeoutMs = 8000, what = 'event'): Promise<T> {
    const found = events.find(pred)
    if (found) return Promise.resolve(found as T)
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(
        () =>
          reject(
            new Error(
              `timed out waiting for ${what}; got: ${events.map((e) => e.type + (e.type === 'state' ? ':' + e.state : '')).join(', ')}`
            )
          ),
        timeoutMs
      )
      waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e as T)) })
    })
  }
  /** Waits for an event that arrives after the current end of the log. */
  function waitForNext<T extends SockEvent = SockEvent>(pred: (e: SockEvent) => boolean, timeoutMs = 8000, what = 'event'): Promise<T> {
    const start = events.length
    return waitFor<T>((e) => events.indexOf(e) >= start && pred(e), timeoutMs, what)
  }
  const of = <K extends SockEvent['type']>(type: K) => events.filter((e): e is SockEvent & { type: K } => e.type === type)
  return { manager, events, waitFor, waitForNext, of }
}
