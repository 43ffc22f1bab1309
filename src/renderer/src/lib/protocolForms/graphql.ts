/** GraphQL's composer forms: subscribe (query, variables, operation name; an id per operation) and complete. */
import { completeMessage, subscribeMessage } from '../../../../shared/protocols/graphql'
import { jsonBody, type FormAction } from './form'

export const GRAPHQL_FORMS: FormAction[] = [
  {
    name: 'Subscribe',
    fields: [
      { key: 'operationName', label: 'Operation name', type: 'text', placeholder: 'optional' },
      { key: 'variables', label: 'Variables', type: 'text', placeholder: '{"symbol": "ETH"}' }
    ],
    body: { label: 'Query', json: false, placeholder: 'subscription OnTrade { trades { price } }' },
    build(v, body, ctx) {
      if (!body.trim()) return 'Write the query (a subscription, query or mutation).'
      const variables = jsonBody(String(v.variables), 'The variables')
      if (variables !== undefined && (typeof variables !== 'object' || variables === null || Array.isArray(variables)))
        return 'The variables must be a JSON object, e.g. {"symbol": "ETH"}.'
      const operationName = String(v.operationName).trim() || undefined
      // The operation's id is the composer's next: `complete` and the operations list name it.
      return {
        kind: 'text',
        data: subscribeMessage(
          { id: String(ctx.id), query: body, variables: variables as Record<string, unknown>, operationName },
          ctx.subprotocol
        )
      }
    },
    takesId: () => true
  },
  {
    name: 'Complete',
    fields: [{ key: 'id', label: 'Operation id', type: 'text', placeholder: '1' }],
    build: (v, _body, ctx) =>
      String(v.id).trim()
        ? { kind: 'text', data: completeMessage(String(v.id).trim(), ctx.subprotocol) }
        : 'Give the id of the operation to complete.'
  }
]
