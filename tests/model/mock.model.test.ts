/**
 * Model-based test of the mock server (`sockscope mock`, and the app's "Serve as mock…", which runs it inside the
 * main process): random recordings (server messages with gaps, client turns, a closing close or drop), random match
 * and timing modes, and random sequences of clients that connect, send recorded or unknown messages, close, drop and
 * pause. After every operation: no uncaught error or unhandled rejection; each client's log starts with
 * `connected`, has at most one `disconnected` and nothing after it; the log's times never go back. At the end, a
 * client still open has received exactly what the model says the recording answers to what it sent (the matching
 * rule itself is mockMatch's, used here as it is), and a client the recording closes got that close code. After
 * stopping the mock: every client closed, and no socket or timer of the run left behind.
 * `FUZZ_RUNS`/`FUZZ_SEED`/`FUZZ_PATH` as for the other models (`npm run fuzz -- --model mock`); the seed is printed.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { WebSocket } from 'ws'
import { startMock, type MockServer } from '../../src/scenario/mock'
import { carryOver, compareMessages, type Payload } from '../../src/scenario/mockMatch'
import { scriptOf, type MockScript } from '../../src/scenario/mockRecording'
import { eventsOf, recording, type Recording } from './mockRecordingDraw'
import { until } from '../helpers/time'

const runs = Number(process.env.FUZZ_RUNS_MOCK ?? process.env.FUZZ_RUNS ?? 40)
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x7fffffff)
const path = process.env.FUZZ_PATH

type Op =
  | { op: 'connect' }
  /** `id`: send the recorded JSON with this id instead (the mock carries it into its replies). */
  | { op: 'send'; client: number; turn: number; id: number | null }
  | { op: 'sendUnknown'; client: number }
  | { op: 'close'; client: number }
  | { op: 'drop'; client: number }
  | { op: 'pause'; ms: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ op: 'connect' as const }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant('send' as const),
      client: fc.nat(3),
      turn: fc.integer({ min: 1, max: 4 }),
      id: fc.option(fc.integer({ min: 1000, max: 9999 }))
    }),
    weight: 4
  },
  { arbitrary: fc.record({ op: fc.constant('sendUnknown' as const), client: fc.nat(3) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('close' as const), client: fc.nat(3) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('drop' as const), client: fc.nat(3) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 40 }) }), weight: 2 }
)

interface Client {
  n: number
  ws: WebSocket
  /** What this client sent, in order. */
  sent: Payload[]
  received: Payload[]
  closed: { code: number } | null
  /** The client itself closed or dropped: what it gets after that is not the model's to say. */
  leftByClient: boolean
}

/** What the runs exercised, printed at the end: a model that checks nothing must show it. */
const coverage = { clients: 0, checked: 0, messagesChecked: 0, closesChecked: 0, carried: 0 }

const same = (a: Payload, b: Payload): boolean =>
  typeof a === 'string' || typeof b === 'string' ? a === b : Buffer.from(a).equals(Buffer.from(b))

/**
 * What the mock answers to a client that sent `sent` and stayed: turn 0, then the turn each message stands for
 * (`order`: the n-th; `content`: the first unused recorded message it equals), replies carried over, up to and
 * including the first close or drop (whatever follows goes to a closed socket). `end`: that close, if reached.
 */
function expected(script: MockScript, match: 'order' | 'content', sent: Payload[]): { sends: Payload[]; end: number | null } {
  const played: Array<{ turn: number; carry: ReturnType<typeof compareMessages>['carry'] }> = [{ turn: 0, carry: new Map() }]
  const used = new Set<number>()
  sent.forEach((m, i) => {
    if (match === 'order') {
      if (i + 1 < script.turns.length) played.push({ turn: i + 1, carry: compareMessages(script.turns[i + 1].client!, m).carry })
      return
    }
    for (let t = 1; t < script.turns.length; t++) {
      const c = used.has(t) ? null : compareMessages(script.turns[t].client!, m)
      if (c?.equal) {
        used.add(t)
        played.push({ turn: t, carry: c.carry })
        return
      }
    }
  })
  const sends: Payload[] = []
  for (const { turn, carry } of played)
    for (const a of script.turns[turn].actions) {
      if (a.type === 'send') sends.push(carryOver(a.data, carry))
      else return { sends, end: a.type === 'close' ? a.code : 1006 }
    }
  return { sends, end: null }
}

function checkLog(mock: MockServer): void {
  for (let i = 1; i < mock.log.length; i++) expect(mock.log[i].ts).toBeGreaterThanOrEqual(mock.log[i - 1].ts)
  const byClient = new Map<number, string[]>()
  for (const e of mock.log) byClient.set(e.client, [...(byClient.get(e.client) ?? []), e.kind])
  for (const [n, kinds] of byClient) {
    expect(kinds[0], `client ${n} log starts with connected`).toBe('connected')
    const end = kinds.indexOf('disconnected')
    if (end >= 0) expect(kinds.slice(end + 1), `client ${n}: nothing after disconnected`).toEqual([])
  }
}

const resources = (): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1
  return out
}

async function runSequence(r: Recording, match: 'order' | 'content', timing: 'fast' | 'original', ops: Op[]): Promise<void> {
  const uncaught: unknown[] = []
  const onError = (e: unknown): void => void uncaught.push(e)
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
  const before = resources()
  const events = eventsOf(r)
  const script = scriptOf(events)
  const mock = await startMock(events, { match, timing })
  const clients: Client[] = []
  const open = (i: number): Client | undefined => {
    const c = clients[i]
    return c && c.ws.readyState === WebSocket.OPEN ? c : undefined
  }
  try {
    for (const o of ops) {
      if (o.op === 'connect' && clients.length < 4) {
        const ws = new WebSocket(mock.url)
        const c: Client = { n: clients.length + 1, ws, sent: [], received: [], closed: null, leftByClient: false }
        clients.push(c)
        coverage.clients++
        ws.on('message', (data, isBinary) => c.received.push(isBinary ? new Uint8Array(data as Buffer) : (data as Buffer).toString()))
        ws.on('close', (code) => (c.closed = { code }))
        ws.on('error', () => undefined) // a drop by the mock shows as the close (1006)
        await new Promise<void>((resolve) => (ws.once('open', resolve), ws.once('close', resolve)))
      } else if (o.op === 'send' || o.op === 'sendUnknown') {
        const c = open(o.client)
        const turn = o.op === 'send' ? r.turns[(o.turn - 1) % r.turns.length] : null
        const recorded = turn?.client
        const m: Payload =
          recorded === undefined
            ? `unknown ${c?.sent.length}`
            : o.op === 'send' && o.id !== null && typeof recorded === 'string' && recorded.startsWith('{')
              ? JSON.stringify({ ...(JSON.parse(recorded) as object), id: o.id })
              : recorded
        if (c) c.ws.send(m, { binary: typeof m !== 'string' }, () => undefined)
        c?.sent.push(m)
      } else if (o.op === 'close' || o.op === 'drop') {
        const c = open(o.client)
        if (c) {
          c.leftByClient = true
          if (o.op === 'close') c.ws.close(1000)
          else c.ws.terminate()
        }
      } else if (o.op === 'pause') await new Promise((resolve) => setTimeout(resolve, o.ms))
      expect(uncaught, 'no uncaught error').toEqual([])
      checkLog(mock)
    }

    // Each client that stayed gets what the recording answers, and the recording's close.
    for (const c of clients.filter((x) => !x.leftByClient)) {
      const want = expected(script, match, c.sent)
      const playedOut = (): boolean => c.received.length >= want.sends.length && (want.end === null || c.closed !== null)
      await until(
        playedOut,
        `client ${c.n} to receive ${want.sends.length} messages${want.end ? ` and close ${want.end}` : ''}`,
        5000
      ).catch(
        () => undefined // the comparison below says what differs
      )
      coverage.checked++
      coverage.messagesChecked += want.sends.length
      if (want.end !== null) coverage.closesChecked++
      coverage.carried += c.sent.filter((m, i) => typeof m === 'string' && m.startsWith('{') && !c.sent.slice(0, i).includes(m)).length
      expect(c.received.length, `client ${c.n}: received ${c.received.length}, expected ${want.sends.length}`).toBe(want.sends.length)
      c.received.forEach((m, i) => expect(same(m, want.sends[i]), `client ${c.n} message ${i + 1}`).toBe(true))
      // The log tells what was sent: no more than the client got.
      const logged = mock.log.filter((e) => e.client === c.n && e.kind === 'sent' && e.text.startsWith('sent ')).length
      expect(logged, `client ${c.n}: the log says ${logged} sent, the client got ${c.received.length}`).toBe(c.received.length)
      if (want.end !== null) expect(c.closed?.code, `client ${c.n} closed as recorded`).toBe(want.end === 1006 ? 1006 : want.end)
      else expect(c.closed, `client ${c.n} still open`).toBeNull()
    }
  } finally {
    await mock.close()
    await until(() => clients.every((c) => c.ws.readyState === WebSocket.CLOSED), 'every client closed', 5000)
    // ws closes a socket's handle a tick after its close event: let it.
    await until(
      () => {
        const now = resources()
        return ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'].every((k) => (now[k] ?? 0) <= (before[k] ?? 0))
      },
      'sockets and timers back to where they were',
      5000
    ).catch(() => undefined)
    process.off('uncaughtException', onError)
    process.off('unhandledRejection', onError)
  }
  checkLog(mock)
  expect(uncaught, 'no uncaught error').toEqual([])
  const after = resources()
  for (const k of ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'])
    expect(after[k] ?? 0, `${k} left behind`).toBeLessThanOrEqual(before[k] ?? 0)
}

describe('the mock server, model-based', () => {
  it(
    `holds every invariant over ${runs} random recordings and client sequences (seed ${seed})`,
    async () => {
      console.info(`mock model: ${runs} sequences, seed ${seed}; replay with FUZZ_SEED=${seed}${path ? ` FUZZ_PATH=${path}` : ''}`)
      await fc.assert(
        fc.asyncProperty(
          recording,
          fc.constantFrom('order' as const, 'content' as const),
          fc.constantFrom('fast' as const, 'original' as const),
          fc.array(op, { minLength: 1, maxLength: 14 }).map((ops) => [{ op: 'connect' as const }, ...ops]),
          runSequence
        ),
        { numRuns: runs, seed, ...(path ? { path } : {}), endOnFailure: true, verbose: 1 }
      )
      console.info(
        `mock model covered: ${coverage.clients} clients, ${coverage.checked} checked to the end ` +
          `(${coverage.messagesChecked} messages, ${coverage.closesChecked} recorded closes, ${coverage.carried} JSON sends)`
      )
      expect(coverage.messagesChecked).toBeGreaterThan(0)
    },
    Math.max(120_000, runs * 3000)
  )
})
