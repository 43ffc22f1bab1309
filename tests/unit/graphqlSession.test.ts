/**
 * The GraphQL session over random frame sequences, both dialects (fast-check): it sends connection_init once at open,
 * a pong for each ping (none with the keep-alive off, none in the legacy dialect), and a problem for each error and
 * connection_error, naming the operation the user started.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { protocolSession } from '../../src/main/core/protocols'
import { parseGraphqlFrame, subscribeMessage } from '../../src/shared/protocols/graphql'
import { LEGACY, TRANSPORT, URL, id, legacyMessage, name, object, transportMessage } from '../helpers/graphqlArbitraries'

describe('the GraphQL session', () => {
  const ping = fc.option(object, { nil: undefined }).map((payload) => JSON.stringify({ type: 'ping', payload }))
  const serverFrame = (sub: string) =>
    fc.oneof(
      ping,
      (sub === TRANSPORT ? transportMessage.filter((m) => m.type !== 'ping') : legacyMessage).map((m) => JSON.stringify(m)),
      fc.string(),
      fc.uint8Array({ maxLength: 8 })
    )

  const dialectAndFrames = fc
    .constantFrom(TRANSPORT, LEGACY)
    .chain((sub) => fc.tuple(fc.constant(sub), fc.array(serverFrame(sub), { maxLength: 30 })))

  it('answers each ping with a pong carrying its payload (graphql-transport-ws only), and says each error, over any sequence', () => {
    fc.assert(
      fc.property(dialectAndFrames, fc.boolean(), fc.array(fc.tuple(id, name), { maxLength: 3 }), ([sub, frames], keepAlive, started) => {
        const session = protocolSession(URL, { url: URL, protocol: { keepAlive, graphql: { connectionParams: '{"token":"t"}' } } }, sub)!
        // The params go out as given; the log and the recording keep their mask.
        expect(session.opened()).toEqual({
          send: [
            {
              kind: 'text',
              data: '{"type":"connection_init","payload":{"token":"t"}}',
              logged: { kind: 'text', data: '{"type":"connection_init","payload":"••••••"}' }
            }
          ]
        })
        const names = new Map<string, string>()
        for (const [opId, opName] of started) {
          expect(session.sent!(subscribeMessage({ id: opId, query: `subscription ${opName} { x }` }, sub))).toEqual({})
          names.set(opId, opName)
        }
        for (const f of frames) {
          const r = session.received(f)
          const m = parseGraphqlFrame(f, sub)
          expect((r.send ?? []).map((x) => x.data)).toEqual(
            m.type === 'ping' && keepAlive
              ? [JSON.stringify(m.payload === undefined ? { type: 'pong' } : { type: 'pong', payload: m.payload })]
              : []
          )
          if (m.type === 'error') {
            expect(r.problems).toHaveLength(1)
            expect(r.problems![0].code).toBe('GRAPHQL_ERROR')
            if (m.id !== undefined)
              expect(r.problems![0].message).toContain(`${names.has(m.id) ? `${names.get(m.id)} ` : ''}#${m.id} failed: `)
          } else if (m.type === 'connection_error') expect(r.problems?.map((p) => p.code)).toEqual(['GRAPHQL_CONNECTION_ERROR'])
          else expect(r.problems ?? []).toEqual([])
        }
      }),
      { numRuns: 200 }
    )
  })

  it('says a refused connection and a message the legacy server could not read apart', () => {
    const s = protocolSession(URL, { url: URL }, LEGACY)!
    expect(s.received('{"type":"connection_error","payload":{"message":"bad token"}}').problems![0]).toEqual({
      code: 'GRAPHQL_CONNECTION_ERROR',
      message: 'The GraphQL server refused the connection: bad token',
      next: 'Check the connection params (the token) in the Protocol settings, then reconnect.'
    })
    // The ack lets the held preamble go.
    expect(s.received('{"type":"connection_ack"}')).toEqual({ ready: true })
    expect(s.received('{"type":"connection_error","payload":{"message":"Unexpected token"}}').problems![0].message).toBe(
      'The GraphQL server could not read a message: Unexpected token'
    )
  })

  it('sends connection_init without a payload when the params are blank, and says params that are no JSON object', () => {
    expect(protocolSession(URL, { url: URL, protocol: { graphql: { connectionParams: '  ' } } })!.opened()).toEqual({
      send: [{ kind: 'text', data: '{"type":"connection_init"}' }]
    })
    const bad = protocolSession(URL, { url: URL, protocol: { graphql: { connectionParams: '[1]' } } })!.opened()
    expect(bad.send).toEqual([{ kind: 'text', data: '{"type":"connection_init"}' }])
    expect(bad.problems?.map((p) => p.code)).toEqual(['GRAPHQL_CONNECTION_PARAMS'])
    expect(protocolSession(URL, { url: URL, protocol: { kind: 'raw' } })).toBeNull()
  })
})
