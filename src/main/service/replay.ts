/** Replays a recording's outgoing messages over a connection, with the original gaps or a fixed interval. */
import type { SockEvent } from '../../shared/events'
import type { OutgoingMessage } from '../../shared/options'
import type { ReplayTiming } from '../../shared/storeTypes'
import { base64 } from '../../shared/wire'

export interface ReplayStep {
  delayMs: number
  message: OutgoingMessage
}

export function replayPlan(events: SockEvent[], timing: ReplayTiming): ReplayStep[] {
  const out = events.filter((e): e is Extract<SockEvent, { type: 'message' }> => e.type === 'message' && e.dir === 'out')
  return out.map((e, i) => ({
    delayMs: timing.mode === 'interval' ? (i === 0 ? 0 : timing.ms) : i === 0 ? 0 : Math.max(0, e.ts - out[i - 1].ts),
    message:
      typeof e.data === 'string' ? { kind: 'text', data: e.data } : { kind: 'binary', encoding: 'base64', data: base64.encode(e.data) }
  }))
}

/** Runs the plan once `ready` resolves; stops at the first failed send. Returns a cancel function. */
export function runReplay(plan: ReplayStep[], ready: Promise<void>, send: (m: OutgoingMessage) => Promise<void>): () => void {
  let cancelled = false
  let timer: NodeJS.Timeout | null = null
  void ready.then(() => {
    let i = 0
    const next = (): void => {
      if (cancelled || i >= plan.length) return
      const step = plan[i++]
      timer = setTimeout(() => {
        // `send` may throw at once (the connection closed meanwhile): that ends the replay, never the process.
        Promise.resolve()
          .then(() => send(step.message))
          .then(next, () => (cancelled = true))
      }, step.delayMs)
    }
    next()
  })
  return () => {
    cancelled = true
    if (timer) clearTimeout(timer)
  }
}
