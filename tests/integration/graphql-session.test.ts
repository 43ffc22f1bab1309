/**
 * GraphQL over WebSocket through the engine against the two reference servers (tests/helpers/graphqlServer.ts).
 *
 * graphql-transport-ws (`graphql-ws`'s useServer): pinned GraphQL offers both subprotocols and the server picks
 * graphql-transport-ws; connection_init carries the params, a query and a `ticks` subscription answer with `next`s
 * then `complete`, named in their rows; a refused token is the server's close 4403; the `fails` subscription's
 * `error` comes out as an `app-protocol` error; without our connection_init the server closes with 4408.
 * Keep-alive: graphql-ws's own is RFC 6455 pings, answered by the connection (autoPong), not by the session: the link
 * outlives several of them, and with autoPong off the server terminates it. It sends no protocol pings, so the helper
 * adds them with a deadline: the session's pongs (taken by the server's onPong, payload echoed) keep the link, and
 * with `keepAlive: false` the server closes it.
 *
 * Legacy graphql-ws (subscriptions-transport-ws): connection_init with the params, `ka` rows muted and unanswered,
 * `start` → `data`s → `complete`; a refused token is connection_error (an `app-protocol` error) then close 1011; the
 * `fails` subscription's `error` an `app-protocol` error. Offered both subprotocols, its `ws` 7 server picks the
 * first, graphql-transport-ws, which it then refuses with 1002.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { recordingManager } from '../helpers/events'
import { FAILS_MESSAGE, startLegacyServer, startTransportWsServer, TOKEN, type RunningGraphqlServer } from '../helpers/graphqlServer'
import type { CloseEvent, ErrorEvent, HandshakeEvent, MessageEvent, SockEvent } from '../../src/shared/events'
import { describeFrame } from '../../src/shared/protocols'
import {
  completeMessage,
  graphqlCloseMeaning,
  parseGraphqlFrame,
  subscribeMessage,
  subscribedOperation
} from '../../src/shared/protocols/graphql'

const KEEPALIVE_MS = 200
const INIT_WAIT_MS = 300
const PROTOCOL_PING = { everyMs: 100, deadlineMs: 250 }
const KA_MS = 100
/** GraphQL pinned (offering both subprotocols) with the token in the connection params. */
const params = (token: string) => ({ kind: 'graphql' as const, graphql: { connectionParams: JSON.stringify({ token }) } })

let stops: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const stop of stops) await stop()
  stops = []
})
async function started(server: Promise<RunningGraphqlServer>): Promise<RunningGraphqlServer> {
  const s = await server
  stops.push(s.close)
  return s
}
const transport = (protocolPing?: typeof PROTOCOL_PING) =>
  started(startTransportWsServer({ keepAliveMs: KEEPALIVE_MS, initWaitMs: INIT_WAIT_MS, protocolPing }))
const legacy = () => started(startLegacyServer({ keepAliveMs: KA_MS }))

const texts = (events: SockEvent[], dir: 'in' | 'out'): string[] =>
  events.filter((e): e is MessageEvent => e.type === 'message' && e.dir === dir).map((e) => String(e.data))
const typed = (type: string, id?: string) => (e: SockEvent) =>
  e.type === 'message' &&
  e.dir === 'in' &&
  parseGraphqlFrame(e.data).type === type &&
  (id === undefined || JSON.parse(String(e.data)).id === id)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('GraphQL session in the engine (graphql-ws, graphql-transport-ws)', () => {
  it('sends the params in connection_init, and a query and a subscription answer with nexts then complete', async () => {
    const server = await transport()
    const { manager, waitFor, events, of } = recordingManager()
    const { id } = manager.open({ url: server.url, protocol: params(TOKEN) })
    await waitFor(typed('connection_ack'))
    expect(of('handshake')[0]).toMatchObject<Partial<HandshakeEvent>>({ protocol: 'graphql-transport-ws' })
    // The server checked the real token (it acknowledged); the log and the recording keep its mask.
    expect(JSON.parse(texts(events, 'out')[0])).toEqual({ type: 'connection_init', payload: '••••••' })
    expect(JSON.stringify(events)).not.toContain(TOKEN)

    const sub = 'graphql-transport-ws'
    await manager.send(id, { kind: 'text', data: subscribeMessage({ id: 'q', query: 'query Hello { hello }' }, sub) })
    await waitFor(typed('complete', 'q'))
    await manager.send(id, {
      kind: 'text',
      data: subscribeMessage({ id: '1', query: 'subscription ($n: Int!) { ticks(count: $n) }', variables: { n: 3 } }, sub)
    })
    await waitFor(typed('complete', '1'))
    const operations = new Map(
      texts(events, 'out')
        .map((f) => subscribedOperation(f, sub))
        .filter((o) => o !== null)
        .map((o) => [o.id, o.name])
    )
    expect(Object.fromEntries(operations)).toEqual({ q: 'Hello', '1': 'ticks' })
    const rows = texts(events, 'in').map((f) => describeFrame('graphql', f, sub, { operations }))
    expect(rows).toEqual([
      { kind: 'connection_ack', text: '', keepAlive: false },
      { kind: 'next Hello #q', text: '{"data":{"hello":"world"}}', keepAlive: false },
      { kind: 'complete Hello #q', text: '', keepAlive: false },
      ...[1, 2, 3].map((n) => ({ kind: 'next ticks #1', text: `{"data":{"ticks":${n}}}`, keepAlive: false })),
      { kind: 'complete ticks #1', text: '', keepAlive: false }
    ])
    expect(of('error')).toEqual([])
    manager.dispose()
  })

  it('holds the preamble until connection_ack: a subscribe in it runs instead of closing the link (4401)', async () => {
    const server = await transport()
    const { manager, waitFor, events, of } = recordingManager()
    const subscribe = subscribeMessage({ id: 'p', query: 'subscription { ticks(count: 2) }' }, 'graphql-transport-ws')
    manager.open({ url: server.url, protocol: params(TOKEN), preamble: [{ kind: 'text', data: subscribe }] })
    await waitFor(typed('complete', 'p'))
    const out = texts(events, 'out').map((f) => JSON.parse(f).type)
    const ackAt = events.findIndex(typed('connection_ack'))
    const subscribeAt = events.findIndex((e) => e.type === 'message' && e.dir === 'out' && e.data === subscribe)
    expect(out.slice(0, 2)).toEqual(['connection_init', 'subscribe'])
    expect(subscribeAt).toBeGreaterThan(ackAt)
    expect(of('close')).toEqual([])
    manager.dispose()
  })

  it('a refused token is the server’s close 4403 (Forbidden)', async () => {
    const server = await transport()
    const { manager, waitFor } = recordingManager()
    manager.open({ url: server.url, protocol: params('wrong') })
    const close = await waitFor<CloseEvent>((e) => e.type === 'close')
    expect([close.code, close.reason, close.initiator]).toEqual([4403, 'Forbidden', 'remote'])
    expect(graphqlCloseMeaning(close.code)).toMatch(/refused connection_init/)
    manager.dispose()
  })

  it('an operation’s error is an app-protocol error that names the operation, and the link stays up', async () => {
    const server = await transport()
    const { manager, waitFor, of } = recordingManager()
    const { id } = manager.open({ url: server.url, protocol: params(TOKEN) })
    await waitFor(typed('connection_ack'))
    await manager.send(id, { kind: 'text', data: subscribeMessage({ id: '7', query: 'subscription Boom { fails }' }) })
    const error = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(error).toMatchObject({
      class: 'app-protocol',
      code: 'GRAPHQL_ERROR',
      message: `GraphQL operation Boom #7 failed: ${FAILS_MESSAGE}`
    })
    const row = describeFrame('graphql', texts(of('message'), 'in').at(-1)!, 'graphql-transport-ws')
    expect(row).toEqual({ kind: 'error #7', text: FAILS_MESSAGE, keepAlive: false, error: true })
    // The id is free again ("Complete"/"Error" end the operation): a new subscribe with it runs.
    await manager.send(id, { kind: 'text', data: subscribeMessage({ id: '7', query: 'subscription { ticks(count: 1) }' }) })
    await waitFor(typed('complete', '7'))
    expect(of('close')).toEqual([])
    manager.dispose()
  })

  it('without the session’s connection_init the server closes at its connectionInitWaitTimeout (4408)', async () => {
    const server = await transport()
    const { manager, waitFor, events } = recordingManager()
    manager.open({ url: server.url, subprotocols: ['graphql-transport-ws'], protocol: { kind: 'raw' } })
    const close = await waitFor<CloseEvent>((e) => e.type === 'close', 3_000)
    expect(close.code).toBe(4408)
    expect(texts(events, 'out')).toEqual([])
    manager.dispose()
  })

  it('graphql-ws keeps the link with RFC 6455 pings: answered by autoPong it outlives them, without it the server terminates it', async () => {
    const server = await transport()
    const kept = recordingManager()
    const dropped = recordingManager()
    kept.manager.open({ url: server.url, protocol: params(TOKEN) })
    dropped.manager.open({ url: server.url, protocol: params(TOKEN), heartbeat: { intervalSec: 0, autoPong: false } })
    await kept.waitFor(typed('connection_ack'))
    const close = await dropped.waitFor<CloseEvent>((e) => e.type === 'close', 3_000)
    // terminate(): no close frame, after a ping the connection left unanswered.
    expect(close).toMatchObject({ code: 1006, initiator: 'abnormal' })
    expect([dropped.of('ping').length > 0, dropped.of('pong')]).toEqual([true, []])
    await sleep(4 * KEEPALIVE_MS)
    expect(kept.of('close')).toEqual([])
    expect(kept.of('ping').length).toBeGreaterThanOrEqual(3)
    // No protocol pings from graphql-ws itself, so nothing for the session to answer.
    expect(texts(kept.events, 'in').filter((f) => parseGraphqlFrame(f).type === 'ping')).toEqual([])
    kept.manager.dispose()
    dropped.manager.dispose()
  })

  it('answers protocol pings with pongs (payload echoed), so the link outlives the ping deadline; with keepAlive off the server closes it', async () => {
    const server = await transport(PROTOCOL_PING)
    const on = recordingManager()
    const off = recordingManager()
    on.manager.open({ url: server.url, protocol: params(TOKEN) })
    off.manager.open({ url: server.url, protocol: { ...params(TOKEN), keepAlive: false } })
    const close = await off.waitFor<CloseEvent>((e) => e.type === 'close', 3_000)
    expect([close.code, close.reason]).toEqual([4000, 'no pong within the deadline'])
    expect(texts(off.events, 'out').map((f) => parseGraphqlFrame(f).type)).toEqual(['connection_init'])
    // By now the link has lived three of the server's deadlines.
    await sleep(2 * PROTOCOL_PING.deadlineMs)
    expect(on.of('close')).toEqual([])
    const pings = texts(on.events, 'in').filter((f) => parseGraphqlFrame(f).type === 'ping')
    expect(pings.length).toBeGreaterThanOrEqual(4)
    expect(describeFrame('graphql', pings[0], 'graphql-transport-ws')).toEqual({ kind: 'ping', text: '{"seq":1}', keepAlive: true })
    // Every pong the server took carries its ping's payload back.
    expect(server.pongs.slice(0, 4)).toEqual([1, 2, 3, 4].map((seq) => ({ seq })))
    on.manager.dispose()
    off.manager.dispose()
  })
})

describe('GraphQL session in the engine (subscriptions-transport-ws, legacy graphql-ws)', () => {
  it('sends the params, shows ka rows muted and leaves them unanswered, and a start answers with data then complete', async () => {
    const server = await legacy()
    const { manager, waitFor, events, of } = recordingManager()
    // Automatic: the negotiated subprotocol names GraphQL.
    const { id } = manager.open({ url: server.url, subprotocols: ['graphql-ws'], protocol: { graphql: params(TOKEN).graphql } })
    await waitFor(typed('connection_ack'))
    await manager.send(id, {
      kind: 'text',
      data: subscribeMessage({ id: '1', query: 'subscription Ticks { ticks(count: 3) }' }, 'graphql-ws')
    })
    await waitFor(typed('complete', '1'))
    await sleep(3.5 * KA_MS)
    const out = texts(events, 'out').map((f) => JSON.parse(f))
    expect(out).toEqual([
      { type: 'connection_init', payload: '••••••' }, // the real token went out; the log keeps its mask
      { id: '1', type: 'start', payload: { query: 'subscription Ticks { ticks(count: 3) }' } }
    ])
    const rows = texts(events, 'in').map((f) => describeFrame('graphql', f, 'graphql-ws', { operations: new Map([['1', 'Ticks']]) })!)
    const kas = rows.filter((r) => r.kind === 'ka')
    expect(kas.length).toBeGreaterThanOrEqual(3)
    expect(kas.every((r) => r.keepAlive)).toBe(true)
    expect(rows.filter((r) => !r.keepAlive)).toEqual([
      { kind: 'connection_ack', text: '', keepAlive: false },
      ...[1, 2, 3].map((n) => ({ kind: 'data Ticks #1', text: `{"data":{"ticks":${n}}}`, keepAlive: false })),
      { kind: 'complete Ticks #1', text: '', keepAlive: false }
    ])
    expect([of('error'), of('close')]).toEqual([[], []])
    // `stop` for a running one: the server ends it without another frame.
    await manager.send(id, {
      kind: 'text',
      data: subscribeMessage({ id: '2', query: 'subscription { ticks(count: 1000) }' }, 'graphql-ws')
    })
    await waitFor(typed('data', '2'))
    await manager.send(id, { kind: 'text', data: completeMessage('2', 'graphql-ws') })
    expect(JSON.parse(texts(events, 'out').at(-1)!)).toEqual({ id: '2', type: 'stop' })
    await sleep(50)
    const count = texts(events, 'in').filter((f) => parseGraphqlFrame(f).type === 'data').length
    await sleep(50)
    expect(texts(events, 'in').filter((f) => parseGraphqlFrame(f).type === 'data').length).toBe(count)
    manager.dispose()
  })

  it('a refused token is connection_error, said as an app-protocol error, then the server closes with 1011', async () => {
    const server = await legacy()
    const { manager, waitFor } = recordingManager()
    manager.open({ url: server.url, subprotocols: ['graphql-ws'], protocol: params('wrong') })
    const error = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(error).toMatchObject({
      class: 'app-protocol',
      code: 'GRAPHQL_CONNECTION_ERROR',
      message: 'The GraphQL server refused the connection: bad token'
    })
    const close = await waitFor<CloseEvent>((e) => e.type === 'close')
    expect(close.code).toBe(1011)
    manager.dispose()
  })

  it('an operation’s error is an app-protocol error', async () => {
    const server = await legacy()
    const { manager, waitFor, of } = recordingManager()
    const { id } = manager.open({ url: server.url, subprotocols: ['graphql-ws'], protocol: params(TOKEN) })
    await waitFor(typed('connection_ack'))
    await manager.send(id, { kind: 'text', data: subscribeMessage({ id: '5', query: 'subscription { fails }' }, 'graphql-ws') })
    const error = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(error).toMatchObject({
      class: 'app-protocol',
      code: 'GRAPHQL_ERROR',
      message: `GraphQL operation fails #5 failed: ${FAILS_MESSAGE}`
    })
    expect(
      describeFrame(
        'graphql',
        texts(of('message'), 'in').find((f) => parseGraphqlFrame(f).type === 'error')!,
        'graphql-ws'
      )
    ).toEqual({
      kind: 'error #5',
      text: FAILS_MESSAGE,
      keepAlive: false,
      error: true
    })
    manager.dispose()
  })

  it('offered both subprotocols (GraphQL pinned, none listed), its ws 7 server picks the first, then refuses it with 1002', async () => {
    const server = await legacy()
    const { manager, waitFor, of } = recordingManager()
    manager.open({ url: server.url, protocol: params(TOKEN) })
    const close = await waitFor<CloseEvent>((e) => e.type === 'close')
    expect(of('handshake')[0]?.protocol).toBe('graphql-transport-ws')
    expect(close.code).toBe(1002)
    manager.dispose()
  })
})
