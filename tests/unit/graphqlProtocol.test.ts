/**
 * GraphQL over WebSocket, both dialects, without a socket (fast-check): the parser gives back every field a message
 * of either dialect was written with, refuses the other dialect's types and anything that is not a message (never
 * throwing), the builders write what the parser reads, the first operation's name is found past comments, strings
 * and fragments, and rows read as the log shows them. The session is in graphqlSession.test.ts.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { offeredSubprotocols, protocolOf } from '../../src/shared/protocols'
import {
  completeMessage,
  connectionInit,
  connectionTerminate,
  describeGraphqlFrame,
  endedOperation,
  graphqlModule,
  operationNameOf,
  parseGraphqlFrame,
  pingMessage,
  pongMessage,
  subscribedOperation,
  subscribeMessage
} from '../../src/shared/protocols/graphql'

import { LEGACY, TRANSPORT, id, legacyMessage, name, object, transportMessage } from '../helpers/graphqlArbitraries'

describe('reading GraphQL over WebSocket frames', () => {
  it('gives back the fields each dialect’s message was written with, as text or UTF-8 bytes', () => {
    const roundTrip = (subprotocol: string) => (m: Record<string, unknown>, asBytes: boolean) => {
      const text = JSON.stringify(m)
      const got = parseGraphqlFrame(asBytes ? new TextEncoder().encode(text) : text, subprotocol)
      expect(got).toMatchObject(JSON.parse(text))
      if (m.type === 'error')
        expect((got as { messages: string[] }).messages[0]).toBe(
          (m.payload as { message: string }[])[0]?.message ?? (m.payload as { message: string }).message
        )
    }
    fc.assert(fc.property(transportMessage, fc.boolean(), roundTrip(TRANSPORT)), { numRuns: 300 })
    fc.assert(fc.property(legacyMessage, fc.boolean(), roundTrip(LEGACY)), { numRuns: 300 })
  })

  it('never throws, and says in words why a frame is no message of the negotiated dialect', () => {
    const frame = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            type: fc.oneof(fc.string(), fc.constantFrom('ka', 'start', 'ping', 'subscribe', 'next', 'data')),
            id: fc.jsonValue(),
            payload: fc.jsonValue()
          },
          { requiredKeys: [] }
        )
        .map((o) => JSON.stringify(o)),
      fc.uint8Array({ maxLength: 12 })
    )
    fc.assert(
      fc.property(frame, fc.constantFrom(TRANSPORT, LEGACY, null), (f, sub) => {
        const parsed = parseGraphqlFrame(f, sub)
        const row = describeGraphqlFrame(parsed)
        if (parsed.type === 'invalid') {
          expect(row.kind).toBe('invalid')
          expect(row.text).toMatch(/^not GraphQL over WebSocket: ./)
        } else expect(row.kind.startsWith(parsed.type)).toBe(true)
      }),
      { numRuns: 500 }
    )
    const d = (f: string | Uint8Array, sub: string | null) => describeGraphqlFrame(parseGraphqlFrame(f, sub)).text
    expect(d('{"type":"ka"}', TRANSPORT)).toBe(
      'not GraphQL over WebSocket: "ka" is a message of the legacy graphql-ws subprotocol, but graphql-transport-ws was negotiated'
    )
    expect(d('{"type":"ping"}', LEGACY)).toBe(
      'not GraphQL over WebSocket: "ping" is a message of graphql-transport-ws, but the legacy graphql-ws subprotocol was negotiated'
    )
    expect(d('{"type":"hello"}', null)).toBe(
      'not GraphQL over WebSocket: "hello" is not a message type of graphql-transport-ws or graphql-ws'
    )
    expect(d('{"type":"next","payload":{}}', TRANSPORT)).toBe('not GraphQL over WebSocket: a next without an id')
    expect(d('{"type":"error","id":"1","payload":{"message":"x"}}', TRANSPORT)).toBe(
      'not GraphQL over WebSocket: an error whose payload is not a list of GraphQL errors'
    )
    expect(d('[1]', null)).toBe('not GraphQL over WebSocket: the frame is not a JSON object')
    expect(d('{"type":', null)).toMatch(/^not GraphQL over WebSocket: the frame is not JSON \(/)
    expect(d(new Uint8Array([0xff, 0xfe]), null)).toBe('not GraphQL over WebSocket: a binary frame of 2 bytes that is not UTF-8 JSON')
  })

  it('reads what the builders write, in each dialect', () => {
    fc.assert(
      fc.property(
        id,
        fc.string(),
        fc.option(object, { nil: undefined }),
        fc.option(name, { nil: undefined }),
        (opId, query, variables, operationName) => {
          for (const sub of [TRANSPORT, LEGACY]) {
            const sent = parseGraphqlFrame(subscribeMessage({ id: opId, query, variables, operationName }, sub), sub)
            const type = sub === TRANSPORT ? 'subscribe' : 'start'
            expect(sent).toEqual({ type, id: opId, payload: JSON.parse(JSON.stringify({ query, variables, operationName })) })
            expect(parseGraphqlFrame(completeMessage(opId, sub), sub)).toEqual({ type: sub === TRANSPORT ? 'complete' : 'stop', id: opId })
            expect(graphqlModule.stopFrame!(opId, sub)).toBe(completeMessage(opId, sub))
            expect(endedOperation(completeMessage(opId, sub), sub)).toBe(opId)
            expect(subscribedOperation(subscribeMessage({ id: opId, query: 'subscription X { y }', operationName }, sub), sub)).toEqual({
              id: opId,
              name: operationName || 'X'
            })
          }
        }
      ),
      { numRuns: 200 }
    )
    expect(parseGraphqlFrame(connectionInit({ token: 't' }, LEGACY), LEGACY)).toEqual({ type: 'connection_init', payload: { token: 't' } })
    expect(connectionInit(undefined)).toBe('{"type":"connection_init"}')
    expect(parseGraphqlFrame(pingMessage({ n: 1 }), TRANSPORT)).toEqual({ type: 'ping', payload: { n: 1 } })
    expect(pongMessage()).toBe('{"type":"pong"}')
    expect(parseGraphqlFrame(connectionTerminate(), LEGACY)).toEqual({ type: 'connection_terminate' })
    // With no subprotocol negotiated (the URL picked GraphQL), frames are graphql-transport-ws's.
    expect(JSON.parse(subscribeMessage({ id: '1', query: '{ a }' })).type).toBe('subscribe')
    expect(endedOperation('{"type":"error","id":"4","payload":[{"message":"m"}]}', TRANSPORT)).toBe('4')
    expect(endedOperation('{"id":"4","type":"next","payload":{}}', TRANSPORT)).toBeNull()
  })
})

describe('the name of a query’s first operation', () => {
  const comment = fc.constantFrom('', '# query Nope { x }\n', '  \n\t', ',')
  const fragment = fc.constantFrom('', 'fragment F on T { a { b } query } ')
  const field = fc.tuple(fc.option(name, { nil: undefined }), name)
  const selection = ([alias, f]: [string | undefined, string]) => `${alias ? `${alias}: ` : ''}${f}(s: "query Nope {", n: 1) { x }`
  const vars = fc.constantFrom('', '($a: String = "subscription Nope")', '($id: ID!) @live')

  it('is its name, else its first root field (past an alias), past comments, strings and fragments (fast-check)', () => {
    fc.assert(
      fc.property(
        comment,
        fragment,
        fc.constantFrom('query', 'mutation', 'subscription'),
        fc.option(name, { nil: undefined }),
        vars,
        field,
        (c, frag, kw, opName, v, f) => {
          const q = `${c}${frag}${kw}${opName ? ` ${opName}` : ''} ${v} {${c} ${selection(f)} other }`
          expect(operationNameOf(q)).toBe(opName ?? f[1])
        }
      ),
      { numRuns: 300 }
    )
  })

  it('reads the shorthand query, a leading spread, and text that is no operation', () => {
    expect(operationNameOf('{ hello }')).toBe('hello')
    expect(operationNameOf('"""block "" \\""" query X"""\nquery Real { a }')).toBe('Real')
    expect(operationNameOf('subscription { ...F }')).toBe('subscription')
    expect(operationNameOf('hello world')).toBeNull()
    expect(operationNameOf('')).toBeNull()
  })
})

describe('GraphQL rows in the log', () => {
  const d = (f: string, sub: string | null, ops?: Record<string, string>) =>
    graphqlModule.describe(f, sub, ops ? { operations: new Map(Object.entries(ops)) } : undefined)

  it('name the operation from the frame or from the operations started, and mute the keep-alive', () => {
    expect(
      d(subscribeMessage({ id: '3', query: 'subscription onTrade {\n  trades(sym: $s) { price }\n}', variables: { s: 'X' } }), TRANSPORT)
    ).toEqual({
      kind: 'subscribe onTrade #3',
      text: 'subscription onTrade { trades(sym: $s) { price } } | variables {"s":"X"}',
      keepAlive: false
    })
    expect(d('{"id":"3","type":"next","payload":{"data":{"trades":{"price":1}}}}', TRANSPORT, { 3: 'onTrade' })).toEqual({
      kind: 'next onTrade #3',
      text: '{"data":{"trades":{"price":1}}}',
      keepAlive: false
    })
    expect(d('{"id":"3","type":"complete"}', TRANSPORT)).toEqual({ kind: 'complete #3', text: '', keepAlive: false })
    expect(d('{"id":"3","type":"error","payload":[{"message":"a"},{"message":"b"}]}', TRANSPORT)).toEqual({
      kind: 'error #3',
      text: 'a; b',
      keepAlive: false,
      error: true
    })
    expect(d('{"type":"connection_ack"}', TRANSPORT)).toEqual({ kind: 'connection_ack', text: '', keepAlive: false })
    expect(d('{"type":"ping","payload":{"t":1}}', TRANSPORT)).toEqual({ kind: 'ping', text: '{"t":1}', keepAlive: true })
    expect(d('{"type":"ka"}', LEGACY)).toEqual({ kind: 'ka', text: '', keepAlive: true })
    expect(d('{"type":"connection_error","payload":{"message":"bad token"}}', LEGACY)).toEqual({
      kind: 'connection_error',
      text: 'bad token',
      keepAlive: false,
      error: true
    })
    expect(d('{"type":"error","payload":{"message":"Invalid message type!"}}', LEGACY)).toEqual({
      kind: 'error',
      text: 'Invalid message type!',
      keepAlive: false,
      error: true
    })
    expect(d('{"id":"1","type":"data","payload":{"data":{"ticks":1}}}', LEGACY, { 1: 'ticks' })).toMatchObject({ kind: 'data ticks #1' })
  })

  it('shorten a long payload to one line', () => {
    const row = d(JSON.stringify({ id: '1', type: 'next', payload: { data: { blob: 'x'.repeat(5000) } } }), TRANSPORT)
    expect(row.text.length).toBe(300)
    expect(row.text.endsWith('…')).toBe(true)
  })

  it('pick GraphQL by either subprotocol or a /graphql path, and offer both subprotocols in order when pinned', () => {
    expect([protocolOf('ws://h/x', undefined, TRANSPORT), protocolOf('ws://h/x', undefined, LEGACY)]).toEqual(['graphql', 'graphql'])
    expect([
      protocolOf('ws://h/api/graphql', undefined),
      protocolOf('wss://h/GraphQL/', undefined),
      protocolOf('ws://h/graphqlx', undefined)
    ]).toEqual(['graphql', 'graphql', 'raw'])
    expect(offeredSubprotocols(undefined, { kind: 'graphql' })).toEqual([TRANSPORT, LEGACY])
  })
})
