/**
 * The SignalR session (fast-check sequences, HubProtocol.md): it sends the handshake at open, a Ping at each tick until
 * the hub refused or closed, never answers a frame, and says a refused handshake and a Close with an error as
 * problems, and nothing else.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { protocolSession } from '../../src/main/core/protocols'
import { close, handshakeRequest, invocation, ping } from '../../src/shared/protocols/signalr'

const RS = '\x1e'

describe('the SignalR session', () => {
  const URL = 'ws://127.0.0.1:1/chathub'
  const frames = {
    accepted: `{}${RS}`,
    refused: `{"error":"Requested protocol 'json' is not available."}${RS}`,
    ping: ping(),
    failed: `{"type":3,"invocationId":"1","error":"boom"}${RS}`,
    closed: close(),
    closedWithError: `{"type":7,"error":"Server timeout elapsed"}${RS}`,
    closedRetry: `{"type":7,"error":"Server is stopping.","allowReconnect":true}${RS}`,
    acceptedThenClosed: `{}${RS}{"type":7,"error":"bye"}${RS}`,
    call: invocation('ReceiveMessage', ['a']),
    junk: 'hello'
  }
  type Step = keyof typeof frames | 'tick' | 'bytes'
  const step = fc.constantFrom<Step>(...(Object.keys(frames) as Array<keyof typeof frames>), 'tick', 'bytes')

  it('pings at each tick until the hub refused or closed, answers no frame, and says only a refusal or an error Close (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const session = protocolSession(URL, { url: URL, protocol: { signalr: { keepAliveMs: 100 } } })!
        expect(session.tickMs).toBe(100)
        expect(session.opened()).toEqual({ send: [{ kind: 'text', data: handshakeRequest() }] })
        let over = false
        for (const s of steps) {
          if (s === 'tick') {
            expect(session.tick!()).toEqual(over ? {} : { send: [{ kind: 'text', data: ping() }] })
            continue
          }
          const r = session.received(s === 'bytes' ? new Uint8Array([1, 2, 3]) : frames[s])
          expect(r.send ?? []).toEqual([])
          const code = {
            refused: 'SIGNALR_HANDSHAKE_ERROR',
            closedWithError: 'SIGNALR_CLOSED',
            closedRetry: 'SIGNALR_CLOSED',
            acceptedThenClosed: 'SIGNALR_CLOSED'
          }[s as string]
          expect((r.problems ?? []).map((p) => p.code)).toEqual(code ? [code] : [])
          if (code || s === 'closed') {
            over = true
            expect(r.tickEveryMs).toBe(0)
          }
        }
      }),
      { numRuns: 300 }
    )
  })

  it('says the hub’s words, and whether it allows a reconnect', () => {
    const s = protocolSession(URL, { url: URL })!
    expect(s.received(frames.refused).problems).toEqual([
      {
        code: 'SIGNALR_HANDSHAKE_ERROR',
        message: "The SignalR hub refused the handshake: Requested protocol 'json' is not available.",
        next: expect.any(String)
      }
    ])
    expect(protocolSession(URL, { url: URL })!.received(frames.closedRetry).problems).toEqual([
      {
        code: 'SIGNALR_CLOSED',
        message: 'The SignalR hub closed the connection: Server is stopping.',
        next: 'The hub allows a reconnect: reconnect.'
      }
    ])
  })

  it('pings every 15 s unless told, never when the keep-alive is off, and is absent for raw WebSocket', () => {
    expect(protocolSession(URL, { url: URL })!.tickMs).toBe(15_000)
    expect(protocolSession(URL, { url: URL, protocol: { keepAlive: false, signalr: { keepAliveMs: 100 } } })!.tickMs).toBe(0)
    // A stored profile may hold anything: read defensively.
    for (const keepAliveMs of ['100', -1, Number.NaN] as unknown as number[])
      expect(protocolSession(URL, { url: URL, protocol: { signalr: { keepAliveMs } } })!.tickMs).toBe(15_000)
    expect(protocolSession(URL, { url: URL, protocol: { kind: 'raw' } })).toBeNull()
    const pinned = protocolSession('ws://127.0.0.1:1/live', { url: 'ws://127.0.0.1:1/live', protocol: { kind: 'signalr' } })!
    expect(pinned.opened()).toEqual({ send: [{ kind: 'text', data: handshakeRequest() }] })
  })
})
