/** What the model-based lifecycle tests draw: server behaviours, connection options and sequences of operations. */
import fc from 'fast-check'
import type { Behaviour } from './scriptedServer'
import type { ProtocolKind } from '../../src/shared/protocols'

export interface OptionsDraw {
  intervalSec: 0 | 1 | 2
  pongTimeoutMs: 0 | 400 | 1500
  reconnect: null | { baseMs: number; capMs: number; maxAttempts: number }
  closeTimeoutMs: number
  handshakeTimeoutMs: number
  preamble: number
  /** The protocol the connection is pinned to, its keep-alive on or off, at short intervals so they tick in a run. */
  protocol: { kind: Exclude<ProtocolKind, 'raw'>; keepAlive: boolean; mqttVersion: 4 | 5 } | null
}

export type Op =
  | { op: 'open'; options: OptionsDraw }
  | { op: 'send'; conn: number; size: 'small' | 'large' }
  | { op: 'ping'; conn: number }
  | { op: 'close'; conn: number; code: 1000 | 4000 }
  | { op: 'terminate'; conn: number }
  | { op: 'cancelReconnect'; conn: number }
  | { op: 'reconnectNow'; conn: number }
  /** The renderer falls behind (its transport reports a backlog) or catches up: flow control. */
  | { op: 'throttle'; on: boolean }
  /** The page goes away (bridge dropped / window reloading). */
  | { op: 'detach' }
  /** A page comes back: the same page (keeps what it showed, re-syncs by seq) or a reloaded one (starts empty). */
  | { op: 'reattach'; keepView: boolean }
  /** A second page claims the session while the first is still attached. */
  | { op: 'claim' }
  | { op: 'remove'; conn: number }
  | { op: 'wait'; ms: number }
  | { op: 'server'; act: 'drop' | 'restart' }

export interface Scenario {
  behaviours: Behaviour[]
  ops: Op[]
}

const behaviour: fc.Arbitrary<Behaviour> = fc.record({
  handshake: fc.constantFrom('accept', 'accept', 'accept', 'accept', 'trickle', 'reject401', 'reject503', 'silent') as fc.Arbitrary<
    Behaviour['handshake']
  >,
  messages: fc.constantFrom('echo', 'ignore') as fc.Arbitrary<Behaviour['messages']>,
  reads: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  close: fc.oneof(fc.constant('answer' as const), fc.constant('ignore' as const), fc.integer({ min: 50, max: 2000 })),
  pings: fc.oneof(fc.constant('answer' as const), fc.constant('never' as const), fc.integer({ min: 50, max: 2000 })),
  flood: fc.option(
    fc
      .record({ count: fc.integer({ min: 1, max: 300 }), size: fc.constantFrom(16, 1024, 300 * 1024) })
      .filter((f) => f.count * f.size <= 8 << 20),
    { freq: 3 }
  ),
  dropAfterMs: fc.option(fc.integer({ min: 0, max: 3000 }), { freq: 3 }),
  closeThenSendMs: fc.option(fc.integer({ min: 0, max: 2000 }), { freq: 5 }),
  pingBurst: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }) }),
  protocol: fc.record({
    handshake: fc.oneof(
      { weight: 4, arbitrary: fc.constant('accept' as const) },
      { weight: 1, arbitrary: fc.constantFrom('refuse' as const, 'never' as const) },
      { weight: 1, arbitrary: fc.integer({ min: 50, max: 1500 }) }
    ),
    serverPingMs: fc.option(fc.constantFrom(200, 700), { freq: 3 }),
    answersPings: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })
  })
})

const options: fc.Arbitrary<OptionsDraw> = fc.record({
  intervalSec: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
  pongTimeoutMs: fc.constantFrom(0, 400, 1500) as fc.Arbitrary<0 | 400 | 1500>,
  reconnect: fc.option(
    fc.record({ baseMs: fc.constantFrom(50, 300), capMs: fc.constantFrom(400, 1000), maxAttempts: fc.constantFrom(0, 2) }),
    { freq: 2 }
  ),
  closeTimeoutMs: fc.constantFrom(300, 1000, 3000),
  handshakeTimeoutMs: fc.constantFrom(400, 2000),
  preamble: fc.integer({ min: 0, max: 2 }),
  protocol: fc.option(
    fc.record({
      kind: fc.constantFrom('socketio' as const, 'graphql' as const, 'stomp' as const, 'mqtt' as const, 'signalr' as const),
      keepAlive: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      mqttVersion: fc.constantFrom(4 as const, 5 as const)
    }),
    { freq: 2 }
  )
})

const conn = fc.nat({ max: 3 })

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('open' as const), options }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('send' as const),
      conn,
      size: fc.constantFrom('small' as const, 'small' as const, 'large' as const)
    })
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('ping' as const), conn }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('close' as const), conn, code: fc.constantFrom(1000 as const, 4000 as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('terminate' as const), conn }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancelReconnect' as const), conn }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reconnectNow' as const), conn }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('throttle' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'detach' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reattach' as const), keepView: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'claim' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), conn }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 10, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('server' as const), act: fc.constantFrom('drop' as const, 'restart' as const) }) }
)

export const scenario: fc.Arbitrary<Scenario> = fc.record({
  behaviours: fc.array(behaviour, { minLength: 1, maxLength: 4 }),
  ops: fc.array(op, { minLength: 3, maxLength: 24 })
})

/** How many distinct server behaviours a set of scenarios met (for the fuzz report). */
export function behaviourKey(b: Behaviour): string {
  return [
    b.handshake,
    b.messages,
    b.reads ? 'reads' : 'deaf',
    typeof b.close === 'number' ? 'close-late' : `close-${b.close}`,
    typeof b.pings === 'number' ? 'pings-late' : `pings-${b.pings}`,
    b.flood ? `flood-${b.flood.size >= 65536 ? 'large' : 'small'}` : 'no-flood',
    b.dropAfterMs !== null ? 'drops' : 'stays',
    b.closeThenSendMs !== null ? 'close-then-send' : 'polite',
    b.pingBurst ? 'ping-burst' : 'no-pings'
  ].join('/')
}

/** The protocol side of a behaviour, for the fuzz report. */
export function protocolKey(b: Behaviour): string {
  const p = b.protocol
  return [
    typeof p.handshake === 'number' ? 'late' : p.handshake,
    p.serverPingMs === null ? 'quiet' : 'pings',
    p.answersPings ? 'answers' : 'deaf'
  ].join('/')
}
