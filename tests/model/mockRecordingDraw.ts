/**
 * What the mock server's model (mock.model.test.ts) draws: a recorded conversation (server messages with gaps, client
 * turns whose JSON replies answer with the request's id, an ending), and the events the engine would have recorded.
 */
import fc from 'fast-check'
import type { Payload } from '../../src/scenario/mockMatch'
import type { SockEvent } from '../../src/shared/events'

/** A message in a recording: text, JSON with a volatile id (carried over by the mock), or binary. */
const payload = (tag: string): fc.Arbitrary<Payload> =>
  fc.oneof(
    fc.constant(`${tag} text`),
    fc.nat(999).map((id) => JSON.stringify({ op: tag, id })),
    fc.uint8Array({ minLength: 1, maxLength: 8 })
  )

const serverSends = (turn: number): fc.Arbitrary<Array<{ data: Payload; gapMs: number }>> =>
  fc.array(fc.record({ data: payload(`s${turn}`), gapMs: fc.integer({ min: 0, max: 25 }) }), { maxLength: 3 })

/** How the recorded conversation ends: still open, the server closing with a code, or the link dropping. */
const ending = fc.oneof(
  fc.constant(null),
  fc.constantFrom(1000, 1001, 1011, 4000).map((code) => ({ code })),
  fc.constant({ code: 1006 })
)

export interface Recording {
  turn0: Array<{ data: Payload; gapMs: number }>
  turns: Array<{ client: Payload; replies: Array<{ data: Payload; gapMs: number }> }>
  end: { code: number } | null
  /** The turn after which the end happens (clamped to the turns there are). */
  endAfter: number
}

/** A JSON reply to a JSON request answers with the request's id, as servers do: the id the mock must carry over. */
function answering(client: Payload, replies: Array<{ data: Payload; gapMs: number }>): Array<{ data: Payload; gapMs: number }> {
  if (typeof client !== 'string' || !client.startsWith('{')) return replies
  const { id } = JSON.parse(client) as { id: number }
  return replies.map((r) =>
    typeof r.data === 'string' && r.data.startsWith('{') ? { ...r, data: JSON.stringify({ ...JSON.parse(r.data), id }) } : r
  )
}

export const recording: fc.Arbitrary<Recording> = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.record({
    turn0: serverSends(0),
    turns: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc
          .record({ client: payload(`c${i + 1}`), replies: serverSends(i + 1) })
          .map((t) => ({ ...t, replies: answering(t.client, t.replies) }))
      )
    ),
    end: ending,
    endAfter: fc.nat(n)
  })
)

/** The recording as the engine would have recorded it: messages with times, and the close. */
export function eventsOf(r: Recording): SockEvent[] {
  let ts = 1_000_000
  let seq = 0
  const base = () => ({ id: 'rec', seq: ++seq, ts })
  const message = (dir: 'in' | 'out', data: Payload): SockEvent => ({
    ...base(),
    type: 'message',
    dir,
    kind: typeof data === 'string' ? 'text' : 'binary',
    size: typeof data === 'string' ? Buffer.byteLength(data) : data.length,
    data
  })
  const out: SockEvent[] = []
  const turns = [{ client: null as Payload | null, replies: r.turn0 }, ...r.turns]
  for (const [i, t] of turns.entries()) {
    ts += 5
    if (t.client !== null) out.push(message('out', t.client))
    for (const s of t.replies) {
      ts += s.gapMs
      out.push(message('in', s.data))
    }
    if (r.end && i === Math.min(r.endAfter, turns.length - 1)) {
      const abnormal = r.end.code === 1006
      out.push({
        ...base(),
        type: 'close',
        code: r.end.code,
        reason: abnormal ? '' : 'bye',
        meaning: '',
        initiator: abnormal ? 'abnormal' : 'remote',
        clean: !abnormal
      })
      break
    }
  }
  return out
}
