/**
 * The GraphQL over WebSocket reference servers on 127.0.0.1 port 0, path /graphql, for the protocol tests. Both run
 * one real `graphql` (v16) schema:
 * - `Query.hello`: "world";
 * - `Subscription.ticks(count)`: 1..count, one every TICK_MS, then the stream completes;
 * - `Subscription.fails`: its event stream throws, so the server sends the operation's `error`.
 * Both take a client whose connection params carry `token: "s3cret"`.
 *
 * - `startTransportWsServer`: `graphql-ws`'s `useServer` (subprotocol graphql-transport-ws) on a `ws` server. Its
 *   keep-alive is RFC 6455 pings every `keepAliveMs`, and it terminates a socket that does not pong by the next one
 *   (graphql-ws/use/ws); it never sends a protocol `ping` itself. With `protocolPing` the helper adds what some
 *   servers do: a protocol `ping` every `everyMs` (payload `{seq}`), closing with 4000 when no `pong` came within
 *   `deadlineMs`. A refused token is graphql-ws's close 4403.
 * - `startLegacyServer`: `subscriptions-transport-ws`'s SubscriptionServer (subprotocol graphql-ws, on its own `ws`
 *   7 server), sending `ka` every `keepAliveMs`; a refused token is a connection_error then close 1011.
 */
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type * as GraphqlModule from 'graphql'
import { useServer, type Extra } from 'graphql-ws/use/ws'
import { SubscriptionServer } from 'subscriptions-transport-ws'
import { WebSocketServer } from 'ws'

export const TOKEN = 's3cret'
export const TICK_MS = 5
export const FAILS_MESSAGE = 'the fails subscription always fails'

async function* ticks(count: number): AsyncGenerator<number> {
  for (let n = 1; n <= count; n++) {
    await new Promise((r) => setTimeout(r, TICK_MS))
    yield n
  }
}

/** An event stream whose first event is an error. */
const failing = (): AsyncIterable<number> => ({
  [Symbol.asyncIterator]: () => ({
    next: () => Promise.reject(new Error(FAILS_MESSAGE)),
    return: () => Promise.resolve({ done: true, value: 0 })
  })
})

/**
 * The `graphql` both servers load at run time: its CommonJS build (graphql 16 has no `exports` map, so Node gives
 * graphql-ws's `import` the `main` file too). The ES module Vite would give this file is another copy, whose schema
 * graphql refuses as "from another module or realm".
 */
const g = createRequire(import.meta.url)('graphql') as typeof GraphqlModule

const schema = new g.GraphQLSchema({
  query: new g.GraphQLObjectType({ name: 'Query', fields: { hello: { type: g.GraphQLString, resolve: () => 'world' } } }),
  subscription: new g.GraphQLObjectType({
    name: 'Subscription',
    fields: {
      ticks: {
        type: new g.GraphQLNonNull(g.GraphQLInt),
        args: { count: { type: new g.GraphQLNonNull(g.GraphQLInt) } },
        subscribe: (_root: unknown, args: { count: number }) => ticks(args.count),
        resolve: (n: unknown) => n
      },
      fails: { type: g.GraphQLInt, subscribe: failing, resolve: (n: unknown) => n }
    }
  })
})

const tokenOf = (params: unknown): unknown => (params as { token?: unknown } | null | undefined)?.token

export interface RunningGraphqlServer {
  url: string
  /** graphql-transport-ws: the payloads of the protocol pongs the server took (its onPong hook), in order. */
  pongs: unknown[]
  close(): Promise<void>
}

export interface TransportWsTiming {
  /** useServer's keep-alive: RFC 6455 pings this often (ms), terminating a socket that missed one. */
  keepAliveMs: number
  /** connectionInitWaitTimeout (ms): no connection_init by then closes with 4408. */
  initWaitMs: number
  protocolPing?: { everyMs: number; deadlineMs: number }
}

export async function startTransportWsServer(timing: TransportWsTiming): Promise<RunningGraphqlServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/graphql' })
  await new Promise<void>((r) => wss.once('listening', r))
  const pongs: unknown[] = []
  // Per connection: what a pong settles (the pending deadline).
  const settle = new WeakMap<object, () => void>()
  const server = useServer(
    {
      schema,
      connectionInitWaitTimeout: timing.initWaitMs,
      onConnect: (ctx) => {
        if (tokenOf(ctx.connectionParams) !== TOKEN) return false
        if (timing.protocolPing) pingProtocolLevel(ctx.extra.socket, timing.protocolPing, (fn) => settle.set(ctx, fn))
        return true
      },
      onPong: (ctx, payload) => {
        pongs.push(payload)
        settle.get(ctx)?.()
      }
    },
    wss,
    timing.keepAliveMs
  )
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql`,
    pongs,
    close: async () => {
      await server.dispose()
    }
  }
}

/** A protocol `ping` every `everyMs`; the socket closes (4000) when its `pong` is not in within `deadlineMs`. */
function pingProtocolLevel(
  socket: Extra['socket'],
  t: { everyMs: number; deadlineMs: number },
  onPong: (settle: () => void) => void
): void {
  let seq = 0
  let deadline: NodeJS.Timeout | null = null
  onPong(() => {
    if (deadline) clearTimeout(deadline)
    deadline = null
  })
  const timer = setInterval(() => {
    if (deadline || socket.readyState !== socket.OPEN) return
    socket.send(JSON.stringify({ type: 'ping', payload: { seq: ++seq } }))
    deadline = setTimeout(() => socket.close(4000, 'no pong within the deadline'), t.deadlineMs)
  }, t.everyMs)
  socket.once('close', () => {
    clearInterval(timer)
    if (deadline) clearTimeout(deadline)
  })
}

export async function startLegacyServer(timing: { keepAliveMs: number }): Promise<RunningGraphqlServer> {
  const server = SubscriptionServer.create(
    {
      schema,
      execute: g.execute,
      subscribe: g.subscribe,
      keepAlive: timing.keepAliveMs,
      onConnect: (params: unknown) => {
        if (tokenOf(params) !== TOKEN) throw new Error('bad token')
        return { user: 'tester' }
      }
    },
    { host: '127.0.0.1', port: 0, path: '/graphql' }
  )
  const wss = server.server as unknown as { once(e: 'listening', f: () => void): void; address(): AddressInfo }
  await new Promise<void>((r) => wss.once('listening', r))
  return {
    url: `ws://127.0.0.1:${wss.address().port}/graphql`,
    pongs: [],
    // ws 7's close terminates the clients of the server it made.
    close: () => new Promise<void>((r) => (server.close(), setTimeout(r, 0)))
  }
}
