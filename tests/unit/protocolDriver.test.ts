/**
 * The protocol driver over random sequences (fast-check, fake timers): a session's handshake goes out at open, its
 * keep-alive ticks only while the link is open and at the interval the session last asked for, nothing is sent
 * after stop, the preamble is let go once (at open, or once the server accepts the handshake), its problems become
 * `app-protocol` errors, a send refused before it goes out is reported and never
 * thrown, and the timer set is left empty. The seed of a failing run is printed by fast-check.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import { ProtocolDriver } from '../../src/main/core/protocols/driver'
import type { ProtocolReaction, ProtocolSession } from '../../src/main/core/protocols/session'
import { TimerSet } from '../../src/main/core/timers'
import type { Classified } from '../../src/main/core/classify'
import type { OutgoingMessage } from '../../src/shared/options'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

type Op =
  { op: 'frame'; text: string } | { op: 'wait'; ms: number } | { op: 'stop' } | { op: 'refuseSends'; on: boolean } | { op: 'userSends' }

/**
 * A session that answers `ping` with `pong`, says a problem on `err`, asks for a new tick interval on `hb:<ms>`,
 * and ticks with `tick`.
 */
function scriptedSession(initialTick: number, holdsPreamble: boolean): ProtocolSession {
  return {
    holdsPreamble,
    tickMs: initialTick,
    opened: () => ({ send: [{ kind: 'text', data: 'hello' }] }),
    received(frame): ProtocolReaction {
      if (frame === 'ping') return { send: [{ kind: 'text', data: 'pong' }] }
      if (frame === 'ack') return { ready: true }
      if (frame === 'err') return { problems: [{ code: 'X_ERR', message: 'the server said no', next: 'Do something.' }] }
      const hb = typeof frame === 'string' && /^hb:(\d+)$/.exec(frame)
      if (hb) return { tickEveryMs: Number(hb[1]) }
      return {}
    },
    sent: (frame) => (frame === 'needs-follow-up' ? { send: [{ kind: 'text', data: 'follow-up' }] } : {}),
    tick: () => ({ send: [{ kind: 'text', data: 'tick' }] })
  }
}

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('frame' as const), text: fc.constantFrom('ping', 'err', 'hb:0', 'hb:50', 'hb:120', 'ack', 'other') }),
  fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ op: fc.constant('refuseSends' as const), on: fc.boolean() }),
  fc.constant({ op: 'userSends' as const }),
  fc.constant({ op: 'stop' as const })
)

describe('the protocol driver', () => {
  it('sends the handshake, ticks only while open at the asked interval, and nothing after stop (any sequence)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.boolean(), fc.array(op, { maxLength: 40 }), (initialTick, holds, ops) => {
        vi.clearAllTimers()
        const uncaught: unknown[] = []
        const timers = new TimerSet((err) => uncaught.push(err))
        const sent: string[] = []
        const reports: Classified[] = []
        let refusing = false
        let stopped = false
        let acked = false
        // The preamble refused by a closed link is reported, not sent.
        let refusedAtAck = false
        const driver = new ProtocolDriver('socketio', scriptedSession(initialTick, holds), {
          preamble: [{ kind: 'text', data: 'preamble' }],
          timers,
          send: (m: OutgoingMessage) => {
            if (stopped) throw new Error('sent after stop')
            if (refusing) throw new Error('not open')
            sent.push(m.data)
            return Promise.resolve()
          },
          report: (c) => reports.push(c)
        })
        driver.opened()
        // A session that holds the preamble lets it go when the server accepts the handshake; any other at once.
        const readyCalls = (): number => sent.filter((s) => s === 'preamble').length
        expect(sent).toEqual(holds ? ['hello'] : ['hello', 'preamble'])
        let interval = initialTick
        for (const step of ops) {
          const before = sent.length
          const refusedBefore = reports.filter((r) => r.class === 'send').length
          if (stopped && step.op !== 'wait') continue
          switch (step.op) {
            case 'frame':
              driver.received(step.text)
              if (step.text.startsWith('hb:')) interval = Number(step.text.slice(3))
              if (step.text === 'ack' && !acked) {
                acked = true
                refusedAtAck = refusing
              }
              if (step.text === 'err')
                expect(reports.at(-1)).toEqual({
                  class: 'app-protocol',
                  code: 'X_ERR',
                  message: 'the server said no',
                  next: 'Do something.'
                })
              if (step.text === 'ping' && !refusing) expect(sent.slice(before)).toEqual(['pong'])
              break
            case 'wait': {
              vi.advanceTimersByTime(step.ms)
              const ticks = sent.slice(before).filter((s) => s === 'tick').length
              const refused = reports.filter((r) => r.class === 'send').length - refusedBefore
              // Never a tick once stopped or with no interval; at most one per interval otherwise.
              if (stopped || interval === 0) expect(ticks + refused).toBe(0)
              else expect(ticks + refused).toBeLessThanOrEqual(Math.floor(step.ms / interval) + 1)
              break
            }
            case 'refuseSends':
              refusing = step.on
              break
            case 'userSends':
              driver.userSent({ kind: 'text', data: 'needs-follow-up' })
              if (!refusing) expect(sent.slice(before)).toEqual(['follow-up'])
              break
            case 'stop':
              driver.stop()
              stopped = true
              break
          }
          // A refused send is reported as a send error of the protocol's answer, never thrown.
          for (const r of reports.filter((x) => x.class === 'send'))
            expect(r.message).toMatch(/^(The protocol's answer|Preamble message not sent)/)
        }
        driver.stop()
        // Ready once at most, never before the acceptance when the preamble is held.
        expect(readyCalls()).toBe(holds ? (acked && !refusedAtAck ? 1 : 0) : 1)
        expect(timers.names()).toEqual([])
        expect(uncaught).toEqual([])
      }),
      { numRuns: 150 }
    )
  })
})
