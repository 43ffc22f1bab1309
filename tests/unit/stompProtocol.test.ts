/**
 * STOMP's frames (fast-check): what encodeStompFrame writes, the parser reads back — header escaping per version,
 * bodies with NULL octets, frames and heart-beat EOLs split at random points across WebSocket frames, text or
 * binary; describe never throws and names what it cannot read. The session is in stompSession.test.ts.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { describeFrame, protocolOf } from '../../src/shared/protocols'
import {
  STOMP_COMMANDS,
  StompReader,
  encodeStompFrame,
  parseStompFrames,
  type StompFrame,
  type StompVersion
} from '../../src/shared/protocols/stomp'
import {
  stompAck,
  stompAckIdOf,
  stompConnect,
  stompDisconnect,
  stompNack,
  stompSend,
  stompSubscribe,
  stompUnsubscribe
} from '../../src/shared/protocols/stompBuild'

const utf8 = new TextEncoder()
const bytesOf = (x: string | Uint8Array): Uint8Array => (typeof x === 'string' ? utf8.encode(x) : x)
const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0)
  return out
}
const asPlain = (f: StompFrame) => ({ command: f.command, headers: f.headers, body: Array.from(f.body) })

const version = fc.constantFrom<StompVersion>('1.0', '1.1', '1.2')
/** Header text: any Unicode but NUL, and never a name the parser itself acts on. */
const headerText = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0'))
const frameInput = (v: StompVersion) =>
  fc
    .record({
      command: fc.constantFrom(...STOMP_COMMANDS),
      headers: fc.array(fc.tuple(headerText, headerText), { maxLength: 5 }),
      body: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.uint8Array({ maxLength: 30 }))
    })
    .map((f) => {
      // Unescaped frames (CONNECT, CONNECTED, and all of 1.0) cannot carry EOLs, nor a colon in a name.
      const raw = v === '1.0' || ['CONNECT', 'STOMP', 'CONNECTED'].includes(f.command)
      const headers = f.headers
        .filter(([k]) => k !== 'content-length' && k !== 'version')
        .map(([k, val]): [string, string] => (raw ? [k.replace(/[:\r\n]/g, '_'), val.replace(/[\r\n]/g, '_')] : [k, val]))
      // A CONNECTED switches the reader to its version: keep it the one under test.
      if (f.command === 'CONNECTED') headers.unshift(['version', v])
      return { ...f, headers }
    })

/** The frame the parser should give back: what went in, plus the content-length the encoder adds to a body. */
function expected(f: { command: string; headers: Array<[string, string]>; body: string | Uint8Array }) {
  const body = bytesOf(f.body)
  const headers = body.length > 0 ? [...f.headers, ['content-length', String(body.length)]] : f.headers
  return { command: f.command, headers, body: Array.from(body) }
}

describe('STOMP frames', () => {
  it('read back as written, one WebSocket frame holding frames and heart-beat EOLs (fast-check)', () => {
    fc.assert(
      fc.property(
        version.chain((v) => fc.tuple(fc.constant(v), fc.array(fc.tuple(frameInput(v), fc.nat(2)), { minLength: 1, maxLength: 5 }))),
        ([v, items]) => {
          const wire = concat(items.flatMap(([f, eols]) => [utf8.encode('\n'.repeat(eols)), bytesOf(encodeStompFrame(f, v))]))
          const got = parseStompFrames(wire, v)
          expect(got.error).toBeUndefined()
          expect(got.partial).toBeUndefined()
          expect(got.frames.map(asPlain)).toEqual(items.map(([f]) => expected(f)))
          expect(got.heartBeats).toBe(items.reduce((n, [, eols]) => n + eols, 0))
        }
      ),
      { numRuns: 300 }
    )
  })

  it('are joined by the reader when split at random points across text and binary WebSocket frames (fast-check)', () => {
    const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
    fc.assert(
      fc.property(
        version.chain((v) =>
          fc.tuple(
            fc.constant(v),
            fc.array(fc.tuple(frameInput(v), fc.nat(2)), { minLength: 1, maxLength: 4 }),
            fc.uniqueArray(fc.nat(400), { maxLength: 8 }),
            fc.boolean()
          )
        ),
        ([v, items, cuts, asText]) => {
          const wire = concat(items.flatMap(([f, eols]) => [bytesOf(encodeStompFrame(f, v)), utf8.encode('\r\n'.repeat(eols))]))
          const at = [0, ...cuts.filter((c) => c < wire.length).sort((a, b) => a - b), wire.length]
          // As after a CONNECTED of version v.
          const reader = new StompReader()
          reader.version = v
          const frames: StompFrame[] = []
          let heartBeats = 0
          for (let i = 1; i < at.length; i++) {
            const piece = wire.slice(at[i - 1], at[i])
            // A piece that is whole UTF-8 may come as a text frame.
            let data: string | Uint8Array = piece
            try {
              if (asText) data = strictUtf8.decode(piece)
            } catch {
              data = piece
            }
            const r = reader.push(data)
            expect(r.error).toBeUndefined()
            frames.push(...r.frames)
            heartBeats += r.heartBeats
          }
          expect(frames.map(asPlain)).toEqual(items.map(([f]) => expected(f)))
          expect(heartBeats).toBe(items.reduce((n, [, eols]) => n + eols, 0))
        }
      ),
      { numRuns: 300 }
    )
  })

  it('escape per version: 1.2 all four, 1.1 without \\r, 1.0 and CONNECT/CONNECTED none ("Value Encoding")', () => {
    const headers: Array<[string, string]> = [['a:b', 'x\ny:z\\w\r']]
    expect(encodeStompFrame({ command: 'SEND', headers }, '1.2')).toBe('SEND\na\\cb:x\\ny\\cz\\\\w\\r\n\n\0')
    expect(encodeStompFrame({ command: 'SEND', headers }, '1.1')).toBe('SEND\na\\cb:x\\ny\\cz\\\\w\r\n\n\0')
    expect(encodeStompFrame({ command: 'CONNECTED', headers: [['k', 'a:b\\c']] }, '1.2')).toBe('CONNECTED\nk:a:b\\c\n\n\0')
    expect(parseStompFrames('MESSAGE\nk:a\\tb\n\n\0', '1.2').error).toMatch(/undefined escape sequence/)
    expect(parseStompFrames('MESSAGE\nk:a\\rb\n\n\0', '1.1').error).toMatch(/undefined escape sequence/)
    expect(parseStompFrames('MESSAGE\nk:a\\rb\n\n\0', '1.2').frames[0].headers).toEqual([['k', 'a\rb']])
    // Repeated headers are kept in order; the first counts. CR LF ends lines in 1.2.
    expect(parseStompFrames('MESSAGE\r\nk:1\r\nk:2\r\n\r\nhi\0', '1.2').frames[0]).toMatchObject({
      headers: [
        ['k', '1'],
        ['k', '2']
      ]
    })
  })

  it('take content-length over the first NULL, and say what is wrong with a frame that breaks it', () => {
    const body = new Uint8Array([104, 0, 105])
    const f = encodeStompFrame({ command: 'SEND', headers: { destination: '/q' }, body })
    expect(Array.from(parseStompFrames(f).frames[0].body)).toEqual([104, 0, 105])
    expect(parseStompFrames('SEND\ncontent-length:2\n\nabc\0').error).toBe(
      'SEND frame: no NULL octet after the 2 octets its content-length gives'
    )
    expect(parseStompFrames('SEND\ncontent-length:x\n\nabc\0').error).toBe('SEND frame: its content-length "x" is not a number of octets')
    expect(parseStompFrames('SEND\nno colon\n\n\0').error).toBe('SEND frame: the header line "no colon" has no colon')
    expect(parseStompFrames('hello\n\n\0').error).toBe('not a STOMP frame: "hello" is not a STOMP command')
    expect(parseStompFrames('SEN').partial).toEqual({ command: 'SEN' })
    expect(parseStompFrames('SEND\ndestination:/q\n\nhal').partial).toEqual({ command: 'SEND', headers: [['destination', '/q']] })
  })

  it('are told apart by the reader after an error: it starts afresh at the next WebSocket frame', () => {
    const reader = new StompReader(64)
    expect(reader.push('nonsense\n').error).toMatch(/not a STOMP command/)
    expect(reader.push('RECEIPT\nreceipt-id:1\n\n\0').frames).toHaveLength(1)
    reader.push('SEND\n')
    expect(reader.push('x'.repeat(100)).error).toBe('an unfinished STOMP frame grew past 64 bytes')
    expect(reader.push('\n').heartBeats).toBe(1)
  })
})

describe('describing STOMP frames for the log', () => {
  const d = (f: string | Uint8Array, sub: string | null = 'v12.stomp') => describeFrame('stomp', f, sub)

  it('never throws, and always gives a kind (fast-check)', () => {
    const stompish = fc
      .tuple(fc.constantFrom(...STOMP_COMMANDS, 'NOPE', ''), fc.string(), fc.constantFrom('\n', '\r\n', '\0', ''))
      .map(([c, rest, end]) => `${c}\n${rest}${end}`)
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.uint8Array({ maxLength: 64 }), stompish),
        fc.constantFrom(null, 'v10.stomp', 'v11.stomp', 'v12.stomp', 'mqtt'),
        (frame, sub) => {
          const view = d(frame, sub)!
          expect(typeof view.kind).toBe('string')
          expect(view.kind.length).toBeGreaterThan(0)
          expect(typeof view.text).toBe('string')
          expect(typeof view.keepAlive).toBe('boolean')
        }
      ),
      { numRuns: 500 }
    )
  })

  it('names each frame by its command and key headers', () => {
    expect(d('MESSAGE\ndestination:/topic/prices\nmessage-id:7\n\n{"p":1}\0')).toEqual({
      kind: 'MESSAGE /topic/prices',
      text: '{"p":1}',
      keepAlive: false
    })
    expect(d(stompSend({ destination: '/queue/a', body: 'hi' }) as string)).toEqual({ kind: 'SEND /queue/a', text: 'hi', keepAlive: false })
    expect(d(stompSubscribe({ id: 'sub-0', destination: '/topic/x', ack: 'client' }))).toEqual({
      kind: 'SUBSCRIBE /topic/x id=sub-0',
      text: 'ack:client',
      keepAlive: false
    })
    expect(d(stompUnsubscribe({ id: 'sub-0' }))?.kind).toBe('UNSUBSCRIBE id=sub-0')
    expect(d('CONNECTED\nversion:1.2\nheart-beat:0,100\n\n\0')).toEqual({
      kind: 'CONNECTED 1.2',
      text: 'heart-beat:0,100',
      keepAlive: false
    })
    expect(d('CONNECTED\nsession:1\n\n\0', null)?.kind).toBe('CONNECTED 1.0')
    expect(d('RECEIPT\nreceipt-id:77\n\n\0')?.kind).toBe('RECEIPT 77')
    expect(d('ERROR\nmessage:no such queue\n\nqueue /q is gone\0')).toEqual({
      kind: 'ERROR',
      text: 'no such queue — queue /q is gone',
      keepAlive: false,
      error: true
    })
    // The passcode stays out of the row's text.
    expect(d(stompConnect({ host: 'vh', login: 'me', passcode: 'pw', heartBeatMs: 0 }))).toEqual({
      kind: 'CONNECT vh',
      text: 'accept-version:1.0,1.1,1.2 login:me heart-beat:0,0',
      keepAlive: false
    })
    expect(d('\n')).toEqual({ kind: 'heart-beat', text: '', keepAlive: true })
    expect(d('\r\n\n')).toEqual({ kind: 'heart-beat', text: '', keepAlive: true })
    expect(d(new Uint8Array([10]))).toEqual({ kind: 'heart-beat', text: '', keepAlive: true })
  })

  it('says how many more frames a WebSocket frame holds, flags an ERROR among them, and shows split frames', () => {
    expect(d('RECEIPT\nreceipt-id:1\n\n\0RECEIPT\nreceipt-id:2\n\n\0\nERROR\nmessage:x\n\n\0')).toMatchObject({
      kind: 'RECEIPT 1 +2 more',
      error: true
    })
    expect(d('MESSAGE\ndestination:/q\n\nhal')).toEqual({
      kind: 'MESSAGE /q (continues)',
      text: 'the rest of this STOMP frame comes in a later WebSocket frame',
      keepAlive: false
    })
    expect(d('lo world\0\n')).toEqual({ kind: 'continued', text: 'lo world', keepAlive: false })
    expect(d(new Uint8Array([0xff, 0, 1]))).toMatchObject({ kind: 'invalid' })
  })

  it('says what is wrong with a frame that is not STOMP, in words', () => {
    expect(d('hello')).toEqual({ kind: 'invalid', text: 'not a STOMP frame: "hello" is not a STOMP command', keepAlive: false })
    expect(d('')).toEqual({ kind: 'invalid', text: 'an empty WebSocket frame: neither a STOMP frame nor a heart-beat', keepAlive: false })
    expect(d('{"type":"ping"}')).toMatchObject({ kind: 'invalid' })
    expect(d('MESSAGE\nk:a\\qb\n\n\0')).toEqual({
      kind: 'invalid',
      text: 'MESSAGE frame: the header line "k:a\\qb" has an undefined escape sequence (STOMP 1.2, "Value Encoding")',
      keepAlive: false
    })
  })

  it('is picked by a negotiated STOMP subprotocol or a `stomp` path segment', () => {
    expect(protocolOf('ws://h/ws', undefined, 'v11.stomp')).toBe('stomp')
    expect(protocolOf('ws://h/stomp', undefined)).toBe('stomp')
    expect(protocolOf('wss://h/app/ws/stomp/', undefined)).toBe('stomp')
    expect(protocolOf('ws://h/stomping', undefined)).not.toBe('stomp')
  })
})

describe('STOMP frames for the composer', () => {
  it('ACK and NACK name the message per version', () => {
    const message: StompFrame = {
      command: 'MESSAGE',
      headers: [
        ['subscription', 's-1'],
        ['message-id', 'm-9'],
        ['ack', 'a-3']
      ],
      body: new Uint8Array()
    }
    expect(stompAck(stompAckIdOf(message, '1.2'), '1.2')).toBe('ACK\nid:a-3\n\n\0')
    expect(stompAck(stompAckIdOf(message, '1.1'), '1.1')).toBe('ACK\nmessage-id:m-9\nsubscription:s-1\n\n\0')
    expect(stompNack({ ...stompAckIdOf(message, '1.0'), transaction: 't1' }, '1.0')).toBe('NACK\nmessage-id:m-9\ntransaction:t1\n\n\0')
    expect(stompDisconnect({ receipt: '77' })).toBe('DISCONNECT\nreceipt:77\n\n\0')
    expect(stompConnect({ host: 'h' })).toBe('CONNECT\naccept-version:1.0,1.1,1.2\nhost:h\nheart-beat:10000,10000\n\n\0')
    const bytes = stompSend({ destination: '/q', body: new Uint8Array([0, 1]), headers: { 'content-type': 'application/octet-stream' } })
    expect(bytes).toBeInstanceOf(Uint8Array)
    expect(parseStompFrames(bytes).frames[0].headers).toEqual([
      ['destination', '/q'],
      ['content-type', 'application/octet-stream'],
      ['content-length', '2']
    ])
  })
})
