/** For replay tests on a fake clock: recordings with known gaps, and each send the replay makes, timed exactly. */
import { expect, vi } from 'vitest'
import type { ConnectionManager } from '../../src/main/core/manager'
import { ioTurn, until } from './time'
import { rewriteRecords } from './recordingFile'

/** Rewrites a recording file so its outgoing messages are `gaps` ms apart (the first at an arbitrary time). */
export function retimeOutgoing(file: string, gaps: number[]): void {
  let ts = 1_700_000_000_000
  let n = 0
  rewriteRecords(file, (e) => {
    if (e.type === 'message' && e.dir === 'out') e.ts = ts += n++ ? gaps[n - 2] : 0
  })
}

/**
 * Watches `manager.send`: `sentAfter(ms, n)` moves the fake clock and checks that the `n`th send starts exactly
 * `ms` after the previous one completed (the replay schedules the next send then), not a millisecond earlier.
 */
export function watchSends(manager: ConnectionManager) {
  const sends: Array<{ done: boolean }> = []
  const send = manager.send.bind(manager)
  vi.spyOn(manager, 'send').mockImplementation((id, message) => {
    const s = { done: false }
    sends.push(s)
    const p = send(id, message)
    p.then(
      () => (s.done = true),
      () => (s.done = true)
    )
    return p
  })
  return {
    reset: (): void => void (sends.length = 0),
    sentAfter: async (ms: number, n: number): Promise<void> => {
      if (ms > 0) {
        vi.advanceTimersByTime(ms - 1)
        await ioTurn()
        expect(sends, `send ${n} before its time`).toHaveLength(n - 1)
        vi.advanceTimersByTime(1)
      }
      // Due now: run due timers without moving the clock until the send has completed.
      await until(() => (vi.advanceTimersByTime(0), sends.length === n && sends[n - 1].done), `send ${n}`)
    }
  }
}
