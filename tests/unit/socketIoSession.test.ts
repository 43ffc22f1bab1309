/**
 * The Socket.IO session's answers over random frame sequences (fast-check): it never throws, answers each Engine.IO
 * ping with one pong carrying its data and each open with one CONNECT for the namespace and auth, says a
 * CONNECT_ERROR as a problem in words, and says nothing to anything else; a raw connection has no session. The parser reads what the packet grammar writes.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { protocolSession } from '../../src/main/core/protocols'
import { describeSocketIoFrame, parsePacket, parseSocketIoFrame } from '../../src/shared/protocols/socketio'

const URL = 'ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket'
const texts = (r: { send?: Array<{ data: string }> }): string[] => (r.send ?? []).map((m) => m.data)
const frame = fc.oneof(
  fc.constantFrom('2', '3', '2probe', '6', '1'),
  fc.string().map((s) => `0${s}`),
  fc.string().map((s) => `4${s}`),
  fc.string(),
  fc.uint8Array({ maxLength: 16 })
)

describe('the Socket.IO session', () => {
  it('answers pings and the open, and nothing else, over any sequence of frames', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 40 }), (frames) => {
        const session = protocolSession(URL, { url: URL, protocol: { namespace: '/admin', auth: '{"t":1}' } })!
        for (const f of frames) {
          const r = session.received(f)
          const out = texts(r)
          const parsed = parseSocketIoFrame(f)
          if (parsed.engine === 'message' && parsed.packet.type === 'connect_error')
            expect(r.problems?.[0]?.code).toBe('SOCKETIO_CONNECT_ERROR')
          else expect(r.problems ?? []).toEqual([])
          if (typeof f === 'string' && f.startsWith('2')) expect(out).toEqual([`3${f.slice(1)}`])
          // The auth payload goes out as given; the log keeps its mask.
          else if (typeof f === 'string' && f.startsWith('0')) {
            expect(out).toEqual(['40/admin,{"t":1}'])
            expect(r.send?.[0]).toMatchObject({ logged: { kind: 'text', data: '40/admin,"••••••"' } })
          } else expect(out).toEqual([])
        }
      }),
      { numRuns: 300 }
    )
  })

  it('is absent for raw WebSocket, and picked from the URL when automatic', () => {
    expect(protocolSession(URL, { url: URL, protocol: { kind: 'raw' } })).toBeNull()
    expect(protocolSession('ws://127.0.0.1:1/chat', { url: 'ws://127.0.0.1:1/chat' })).toBeNull()
    expect(protocolSession('ws://127.0.0.1:1/', { url: 'ws://127.0.0.1:1/', protocol: { kind: 'socketio' } })!.received('0{}')).toEqual({
      send: [{ kind: 'text', data: '40' }]
    })
  })

  it('leaves pings unanswered when the keep-alive is switched off, to see what the server does', () => {
    const s = protocolSession(URL, { url: URL, protocol: { keepAlive: false } })!
    expect(s.received('2')).toEqual({})
    expect(texts(s.received('0{}'))).toEqual(['40'])
  })

  it('says a refused namespace in words, with what to do', () => {
    const s = protocolSession(URL, { url: URL, protocol: { namespace: '/admin' } })!
    expect(s.received('44/admin,{"message":"not authorized"}').problems).toEqual([
      {
        code: 'SOCKETIO_CONNECT_ERROR',
        message: 'Socket.IO refused namespace /admin: not authorized',
        next: 'Check the namespace and the auth payload in the Protocol settings, then reconnect.'
      }
    ])
  })
})

describe('reading Socket.IO frames', () => {
  const packet = fc.record({
    type: fc.constantFrom(0, 1, 2, 3, 4),
    nsp: fc.constantFrom('/', '/admin', '/a-b'),
    id: fc.option(fc.nat(), { nil: undefined }),
    // Payloads are always an object (CONNECT, CONNECT_ERROR) or an array (EVENT, ACK), so they never start with a digit.
    data: fc.option(fc.oneof(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 })), {
      nil: undefined
    })
  })

  it('gives back the fields the packet grammar wrote (fast-check)', () => {
    fc.assert(
      fc.property(packet, (p) => {
        // <type>[<namespace>,][<ack id>][JSON payload]
        const text = `${p.type}${p.nsp === '/' ? '' : `${p.nsp},`}${p.id ?? ''}${p.data === undefined ? '' : JSON.stringify(p.data)}`
        const got = parsePacket(text)
        if (typeof got === 'string') throw new Error(got)
        expect([got.nsp, got.id]).toEqual([p.nsp, p.id])
        expect(got.data).toEqual(p.data === undefined ? undefined : JSON.parse(JSON.stringify(p.data)))
      }),
      { numRuns: 300 }
    )
  })

  it('names frames for the log, and says what is wrong with one that is not Socket.IO', () => {
    const d = (f: string | Uint8Array) => describeSocketIoFrame(parseSocketIoFrame(f))
    expect(d('42/chat,12["message",{"text":"hi"},2]')).toEqual({
      kind: 'event message /chat ack 12',
      text: '{"text":"hi"}, 2',
      keepAlive: false
    })
    expect(d('431["ok"]')).toEqual({ kind: 'ack 1', text: '"ok"', keepAlive: false })
    expect(d('44/admin,{"message":"not authorized"}')).toEqual({
      kind: 'connect_error /admin',
      text: 'not authorized',
      keepAlive: false,
      error: true
    })
    expect(d('451-["upload",{"_placeholder":true,"num":0}]')).toMatchObject({ kind: 'event upload' })
    expect(d(new Uint8Array(3))).toEqual({ kind: 'attachment', text: 'binary attachment, 3 bytes', keepAlive: false })
    expect(d('2')).toEqual({ kind: 'engine ping', text: '', keepAlive: true })
    expect(d('hello')).toEqual({
      kind: 'invalid',
      text: 'not an Engine.IO packet: it does not start with a digit from 0 to 6',
      keepAlive: false
    })
    expect(d('42["x",')).toMatchObject({
      kind: 'invalid',
      text: expect.stringMatching(/^not a Socket\.IO packet: its payload is not JSON/)
    })
  })
})
