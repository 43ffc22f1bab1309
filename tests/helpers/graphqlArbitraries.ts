/** GraphQL over WebSocket messages as each dialect's PROTOCOL.md allows them (fast-check), for the parser and session tests. */
import fc from 'fast-check'

export const TRANSPORT = 'graphql-transport-ws'
export const LEGACY = 'graphql-ws'
export const URL = 'ws://127.0.0.1:1/graphql'

export const id = fc.string({ minLength: 1, maxLength: 8 })
export const object = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })
export const name = fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,8}$/)
const errors = fc.array(fc.record({ message: fc.string({ maxLength: 20 }) }), { minLength: 1, maxLength: 3 })

/** Messages each dialect's PROTOCOL.md allows, as the server or client writes them. */
export const transportMessage = fc.oneof(
  fc.record({ type: fc.constantFrom('connection_init', 'connection_ack', 'ping', 'pong'), payload: object }, { requiredKeys: ['type'] }),
  fc.record({
    id,
    type: fc.constant('subscribe'),
    payload: fc.record({ query: fc.string(), variables: object }, { requiredKeys: ['query'] })
  }),
  fc.record({ id, type: fc.constant('next'), payload: fc.record({ data: object }) }),
  fc.record({ id, type: fc.constant('error'), payload: errors }),
  fc.record({ id, type: fc.constant('complete') })
)
export const legacyMessage = fc.oneof(
  fc.record(
    { type: fc.constantFrom('connection_init', 'connection_ack', 'connection_error'), payload: object },
    { requiredKeys: ['type'] }
  ),
  fc.record({ type: fc.constantFrom('ka', 'connection_terminate') }),
  fc.record({
    id,
    type: fc.constant('start'),
    payload: fc.record({ query: fc.string(), operationName: name }, { requiredKeys: ['query'] })
  }),
  fc.record({ id, type: fc.constant('data'), payload: fc.record({ data: object }) }),
  fc.record({ id, type: fc.constant('error'), payload: fc.record({ message: fc.string({ maxLength: 20 }) }) }),
  fc.record({ id, type: fc.constantFrom('complete', 'stop') })
)
