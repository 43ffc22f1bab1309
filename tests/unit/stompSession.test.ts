/**
 * The STOMP session (fast-check): it sends CONNECT from the settings, ticks at the heart-beat the CONNECTED agrees
 * (STOMP 1.2 "Heart-beating"), and says each ERROR once, over random server frame sequences.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { protocolSession } from '../../src/main/core/protocols'
import { clientHeartBeatMs } from '../../src/main/core/protocols/stompSession'
import { encodeStompFrame, parseStompFrames } from '../../src/shared/protocols/stomp'

const utf8 = new TextEncoder()

describe('the STOMP session', () => {
  const URL = 'ws://broker.example:61614/ws/stomp'
  const texts = (r: { send?: Array<{ data: string }> }): string[] => (r.send ?? []).map((m) => m.data)
  const session = (stomp: Record<string, unknown> = {}, keepAlive?: boolean) =>
    protocolSession(URL, { url: URL, protocol: { ...(keepAlive === undefined ? {} : { keepAlive }), stomp } })!

  it('sends CONNECT from the settings when the socket opens (fast-check)', () => {
    const line = fc.string({ maxLength: 10 }).filter((s) => !/[\r\n\0]/.test(s))
    fc.assert(
      fc.property(
        fc.option(line, { nil: undefined }),
        fc.option(line, { nil: undefined }),
        fc.option(fc.nat(100_000), { nil: undefined }),
        (login, host, hb) => {
          const out = texts(session({ login, passcode: login && 'pw', host, heartBeatMs: hb }).opened())
          expect(out).toHaveLength(1)
          const [f] = parseStompFrames(out[0]).frames
          const want: Array<[string, string]> = [
            ['accept-version', '1.0,1.1,1.2'],
            ['host', host || 'broker.example']
          ]
          if (login) want.push(['login', login], ['passcode', 'pw'])
          want.push(['heart-beat', `${hb ?? 10000},${hb ?? 10000}`])
          expect(f).toMatchObject({ command: 'CONNECT', headers: want })
        }
      ),
      { numRuns: 200 }
    )
  })

  it('negotiates the heart-beat as "Heart-beating" says: every max(cx, sy), none when either is 0', () => {
    expect(clientHeartBeatMs(10_000, '0,20000')).toBe(20_000)
    expect(clientHeartBeatMs(10_000, '5000,4000')).toBe(10_000)
    expect(clientHeartBeatMs(0, '0,4000')).toBe(0)
    expect(clientHeartBeatMs(100, '4000,0')).toBe(0)
    expect(clientHeartBeatMs(100, undefined)).toBe(0)
    expect(clientHeartBeatMs(100, 'soon')).toBe(0)
  })

  // Server frames a session may meet, each as its own STOMP frame; sequences of them are split at random points.
  type ServerItem = { kind: 'connected'; sx: number; sy: number } | { kind: 'error'; message: string } | { kind: 'other'; wire: string }
  const serverItem: fc.Arbitrary<ServerItem> = fc.oneof(
    fc.record({ kind: fc.constant('connected' as const), sx: fc.nat(500), sy: fc.constantFrom(0, 50, 150, 400) }),
    fc.record({ kind: fc.constant('error' as const), message: fc.string({ maxLength: 8 }).filter((s) => !/[\r\n\0]/.test(s)) }),
    fc.constantFrom(
      { kind: 'other' as const, wire: 'MESSAGE\ndestination:/q\nmessage-id:1\nsubscription:0\n\nhi\0' },
      { kind: 'other' as const, wire: 'RECEIPT\nreceipt-id:77\n\n\0' },
      { kind: 'other' as const, wire: '\n' }
    )
  )
  const wireOf = (i: ServerItem): string =>
    i.kind === 'connected'
      ? `CONNECTED\nversion:1.2\nheart-beat:${i.sx},${i.sy}\n\n\0`
      : i.kind === 'error'
        ? (encodeStompFrame({ command: 'ERROR', headers: { message: i.message }, body: 'why' }) as string)
        : i.wire

  it('ticks at the agreed heart-beat, stops at an ERROR, and says each ERROR once, over split frame sequences (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(serverItem, { maxLength: 12 }),
        fc.uniqueArray(fc.nat(600), { maxLength: 10 }),
        fc.constantFrom(0, 100, 300),
        fc.boolean(),
        (items, cuts, hb, keepAlive) => {
          const s = session({ heartBeatMs: hb }, keepAlive)
          s.opened()
          const wire = utf8.encode(items.map(wireOf).join(''))
          const at = [0, ...cuts.filter((c) => c < wire.length).sort((a, b) => a - b), wire.length]
          let tick: number | undefined
          const problems: string[] = []
          for (let i = 1; i < at.length; i++) {
            const r = s.received(wire.slice(at[i - 1], at[i]))
            if (r.tickEveryMs !== undefined) tick = r.tickEveryMs
            problems.push(...(r.problems ?? []).map((p) => `${p.code} ${p.message}`))
            expect(r.send ?? []).toEqual([])
          }
          // The model: the last CONNECTED sets the interval (when we answer), an ERROR stops it.
          let want: number | undefined

          const wantProblems: string[] = []
          for (const it of items) {
            if (it.kind === 'connected') {
              if (keepAlive) want = hb > 0 && it.sy > 0 ? Math.max(hb, it.sy) : 0
            } else if (it.kind === 'error') {
              want = 0
              wantProblems.push(`STOMP_ERROR The STOMP server sent an ERROR: ${it.message ? `${it.message} — ` : ''}why.`)
            }
          }
          expect(tick).toBe(want)
          expect(problems).toEqual(wantProblems)
          expect(texts(s.tick!())).toEqual(keepAlive ? ['\n'] : [])
        }
      ),
      { numRuns: 300 }
    )
  })

  it('says an ERROR before CONNECTED as a refused CONNECT, and one after it as a refused frame', () => {
    const s = session()
    const before = s.received('ERROR\nmessage:Bad CONNECT\n\n\0').problems![0]
    expect(before).toEqual({
      code: 'STOMP_ERROR',
      message: 'The STOMP server sent an ERROR: Bad CONNECT.',
      next: 'Check the login, passcode and host in the Protocol settings, then reconnect.'
    })
    const t = session()
    t.received('CONNECTED\nversion:1.2\n\n\0')
    expect(t.received('ERROR\nmessage:no such destination\nreceipt-id:4\n\n\0').problems![0].next).toMatch(/^Check the destination/)
  })
})
