/**
 * GraphQL over WebSocket's session, in the negotiated dialect (shared/protocols/graphql.ts): connection_init with
 * the connection params at open, graphql-transport-ws pings answered with a pong, and an operation's `error` and
 * a legacy `connection_error` said in words. No tick: no server needs our pings. The `graphql-ws` package's server
 * sends no protocol pings; it keeps the link with RFC 6455 pings, which the connection's autoPong answers. A server
 * that does send protocol pings gets our pongs, and the legacy server's `ka` needs no answer.
 */
import { SECRET_MASK } from '../../../shared/secrets'
import { connectionInit, errorMessages, parseGraphqlFrame, pongMessage, subscribedOperation } from '../../../shared/protocols/graphql'
import { text, withSecret, type ProtocolProblem, type ProtocolReaction, type ProtocolSession, type SessionFactory } from './session'

/** The connection_init payload: the params' JSON object, undefined when blank, or why it cannot be sent. */
function connectionParams(raw: unknown): { payload?: Record<string, unknown>; problem?: ProtocolProblem } {
  // Read defensively: the schema checks the text is a JSON object, but a stored profile may predate it.
  if (typeof raw !== 'string' || raw.trim() === '') return {}
  try {
    const payload: unknown = JSON.parse(raw)
    if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) return { payload: payload as Record<string, unknown> }
  } catch {
    // Said below.
  }
  return {
    problem: {
      code: 'GRAPHQL_CONNECTION_PARAMS',
      message: 'The GraphQL connection params are not a JSON object, so connection_init went out without them.',
      next: 'Write the connection params as a JSON object (e.g. {"token":"…"}) in the Protocol settings, then reconnect.'
    }
  }
}

export const graphqlSession: SessionFactory = ({ options, subprotocol, answerKeepAlive }): ProtocolSession => {
  const params = connectionParams(options.protocol?.graphql?.connectionParams)
  // Operation names by id, from the user's subscribe / start frames, so a problem names the operation.
  const names = new Map<string, string>()
  let acknowledged = false
  const problem = (code: string, message: string, next: string): ProtocolReaction => ({ problems: [{ code, message, next }] })
  return {
    // graphql-transport-ws "Subscribe": only after connection_ack, else the server closes with 4401.
    holdsPreamble: true,
    // graphql-transport-ws "ConnectionInit": sent at once, or the server closes with 4408 after its
    // connectionInitWaitTimeout; legacy GQL_CONNECTION_INIT likewise opens the session.
    opened: (): ProtocolReaction => ({
      // The params are a secret (a token): the log and the recording keep their mask.
      send: [
        params.payload === undefined
          ? text(connectionInit(undefined, subprotocol))
          : withSecret(text(connectionInit(params.payload, subprotocol)), text(connectionInit(SECRET_MASK, subprotocol)))
      ],
      ...(params.problem ? { problems: [params.problem] } : {})
    }),
    sent(frame) {
      const started = subscribedOperation(frame, subprotocol)
      if (started) names.set(started.id, started.name)
      return {}
    },
    received(frame) {
      const m = parseGraphqlFrame(frame, subprotocol)
      switch (m.type) {
        case 'connection_ack':
          acknowledged = true
          return { ready: true }
        // "Ping": a Pong must be sent in response as soon as possible; it may carry the ping's payload back.
        case 'ping':
          return answerKeepAlive ? { send: [text(pongMessage(m.payload as Record<string, unknown> | null | undefined))] } : {}
        case 'error': {
          const said = m.messages[0] ?? 'the server gave no message'
          // Legacy servers answer a message they cannot take with an error without an id.
          if (m.id === undefined)
            return problem(
              'GRAPHQL_ERROR',
              `The GraphQL server rejected a message: ${said}`,
              'Check the last message you sent against the protocol.'
            )
          // "Error" (legacy GQL_ERROR): the operation failed and ends there; the link stays up.
          const name = names.get(m.id)
          return problem(
            'GRAPHQL_ERROR',
            `GraphQL operation ${name ? `${name} ` : ''}#${m.id} failed: ${said}`,
            'Read the error row in the log (it lists every error), fix the operation, then send it again.'
          )
        }
        // Legacy GQL_CONNECTION_ERROR: before the ack the server refused connection_init (and closes the socket),
        // after it the server could not parse a message (and keeps the link).
        case 'connection_error': {
          const said = errorMessages(m.payload)[0] ?? 'no reason given'
          return acknowledged
            ? problem(
                'GRAPHQL_CONNECTION_ERROR',
                `The GraphQL server could not read a message: ${said}`,
                'Check that the last message you sent is JSON with a type.'
              )
            : problem(
                'GRAPHQL_CONNECTION_ERROR',
                `The GraphQL server refused the connection: ${said}`,
                'Check the connection params (the token) in the Protocol settings, then reconnect.'
              )
        }
        default:
          return {}
      }
    }
  }
}
