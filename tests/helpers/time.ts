/**
 * Real time for tests that fake timers: the functions are captured when this module loads, before any test
 * calls `vi.useFakeTimers()`, so a test can still wait for real socket I/O while the engine's timers are fake.
 */
const realSetTimeout = globalThis.setTimeout
const realSetImmediate = globalThis.setImmediate
const realNow = (): number => Number(process.hrtime.bigint() / 1000n) / 1000

/** Waits `ms` of real time, whatever the fake clock says. */
export function sleepReal(ms: number): Promise<void> {
  return new Promise((r) => realSetTimeout(r, ms))
}

/** Lets pending I/O callbacks and microtasks run. */
export function ioTurn(): Promise<void> {
  return new Promise((r) => realSetImmediate(r))
}

/** Polls `pred` on real time until it holds; throws with `what` after `timeoutMs`. */
export async function until(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = realNow() + timeoutMs
  while (!pred()) {
    if (realNow() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleepReal(2)
  }
}

export { realNow }
