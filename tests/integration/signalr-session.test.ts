/**
 * SignalR (JSON hub protocol) through the engine against the reference hub of tests/helpers/signalrServer.ts, with
 * the official client (`@microsoft/signalr`'s HubConnection) as a second member of the hub: the session sends the
 * handshake, an invocation gets its result, a broadcast reaches both, a stream brings its items then its Completion,
 * a method that throws shows its error Completion as an error row without a connection problem, and every frame
 * either side sent reads the same through the official JsonHubProtocol. With our pings every 100 ms the link outlives
 * several of the hub's 300 ms client timeouts; with the keep-alive off the hub closes it with an error, said as
 * SIGNALR_CLOSED; a hub that speaks only MessagePack refuses the handshake, said as SIGNALR_HANDSHAKE_ERROR.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { HttpTransportType, HubConnectionBuilder, JsonHubProtocol, LogLevel, NullLogger } from '@microsoft/signalr'
import { recordingManager } from '../helpers/events'
import { startSignalrServer, type RunningSignalrServer } from '../helpers/signalrServer'
import type { CloseEvent, ErrorEvent, MessageEvent, SockEvent } from '../../src/shared/events'
import { describeFrame } from '../../src/shared/protocols'
import { handshakeRequest, invocation, ping, streamInvocation } from '../../src/shared/protocols/signalr'

const RS = '\x1e'
const CLIENT_TIMEOUT = 400
const KEEPALIVE = 100

let server: RunningSignalrServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const texts = (msgs: MessageEvent[], dir: 'in' | 'out'): string[] =>
  msgs.filter((m) => m.dir === dir && typeof m.data === 'string').map((m) => m.data as string)
const incoming = (data: string) => (e: SockEvent) => e.type === 'message' && e.dir === 'in' && e.data === data
const record = (o: object) => JSON.stringify(o) + RS

describe('SignalR session in the engine (reference hub)', () => {
  it('handshakes, gets a result, a broadcast, a stream and an error completion, all read alike by the official protocol', async () => {
    server = await startSignalrServer({ clientTimeoutMs: 5_000, pingIntervalMs: 100 })
    // The official client joins the hub too: it proves the hub speaks SignalR, and hears the broadcast.
    const heard: unknown[][] = []
    const other = new HubConnectionBuilder()
      .withUrl(server.url.replace('ws:', 'http:'), { skipNegotiation: true, transport: HttpTransportType.WebSockets })
      .configureLogging(LogLevel.None)
      .build()
    other.on('ReceiveMessage', (...args: unknown[]) => {
      heard.push(args)
    })
    await other.start()

    const { manager, waitFor, of } = recordingManager()
    // Picked from the URL (/chathub): no protocol option.
    const { id } = manager.open({ url: server.url })
    await waitFor(incoming(`{}${RS}`))
    expect(texts(of('message'), 'out')[0]).toBe(handshakeRequest())

    await manager.send(id, { kind: 'text', data: invocation('Echo', [{ n: 1 }], '1') })
    await waitFor(incoming(record({ type: 3, invocationId: '1', result: { n: 1 } })))

    await manager.send(id, { kind: 'text', data: invocation('SendMessage', ['ann', 'hi'], '2') })
    await waitFor(incoming(record({ type: 1, target: 'ReceiveMessage', arguments: ['ann', 'hi'] })))
    await waitFor(incoming(record({ type: 3, invocationId: '2' })))
    await expect.poll(() => heard).toEqual([['ann', 'hi']])

    await manager.send(id, { kind: 'text', data: streamInvocation('Counter', [3], '3') })
    await waitFor(incoming(record({ type: 3, invocationId: '3' })))
    const streamed = texts(of('message'), 'in').filter((f) => f.includes('"invocationId":"3"'))
    expect(streamed.map((f) => describeFrame('signalr', f, null)!.kind)).toEqual([
      'StreamItem #3',
      'StreamItem #3',
      'StreamItem #3',
      'Completion #3'
    ])
    expect(streamed.map((f) => describeFrame('signalr', f, null)!.text)).toEqual(['0', '1', '2', ''])

    await manager.send(id, { kind: 'text', data: invocation('Fail', [], '4') })
    const failed = await waitFor<MessageEvent>(
      (e) => e.type === 'message' && e.dir === 'in' && String(e.data).includes('"invocationId":"4"')
    )
    expect(describeFrame('signalr', failed.data, null)).toEqual({
      kind: 'Completion #4 error',
      text: "An unexpected error occurred invoking 'Fail' on the server. It failed on purpose.",
      keepAlive: false,
      error: true
    })
    // One invocation failed, not the link: no connection problem, and it stays open.
    expect(of('error')).toEqual([])
    expect(of('close')).toEqual([])
    // The hub's pings are muted rows.
    const hubPing = await waitFor<MessageEvent>(incoming(ping()))
    expect(describeFrame('signalr', hubPing.data, null)).toMatchObject({ kind: 'Ping', keepAlive: true })

    // Every frame after the handshake, both ways, reads the same through the official JsonHubProtocol.
    const official = new JsonHubProtocol()
    const all = of('message').filter((m) => typeof m.data === 'string' && m.data !== `{}${RS}` && m.data !== handshakeRequest())
    for (const m of all) {
      const theirs = official.parseMessages(m.data as string, NullLogger.instance)
      const view = describeFrame('signalr', m.data, null)!
      expect(view.kind).not.toBe('invalid')
      // The official client skips what a client never receives (our StreamInvocation): the rest must match.
      if (m.dir === 'in' || !view.kind.startsWith('StreamInvocation')) expect(theirs).toHaveLength(1)
    }
    // The hub heard our frames as SignalR too: the handshake first, each call with its id.
    const hubHeard = server.clients[1].received
    expect(hubHeard[0]).toEqual({ protocol: 'json', version: 1 })
    expect(hubHeard.filter((r) => r.type === 1 || r.type === 4).map((r) => r.invocationId)).toEqual(['1', '2', '3', '4'])

    manager.close(id, 1000, 'bye')
    await waitFor<CloseEvent>((e) => e.type === 'close')
    manager.dispose()
    await other.stop()
  })

  it('outlives several of the hub’s client timeouts thanks to our pings', async () => {
    server = await startSignalrServer({ clientTimeoutMs: CLIENT_TIMEOUT, pingIntervalMs: 100 })
    const { manager, waitFor, of } = recordingManager()
    const { id } = manager.open({ url: server.url, protocol: { signalr: { keepAliveMs: KEEPALIVE } } })
    await waitFor(incoming(`{}${RS}`))
    await new Promise((r) => setTimeout(r, 3 * CLIENT_TIMEOUT))
    expect(of('close')).toEqual([])
    expect(of('error')).toEqual([])
    expect(server.clients.map((c) => [c.open, c.closedWith])).toEqual([[true, undefined]])
    // About one every KEEPALIVE ms; half as many still shows the ticks run while the user is idle.
    expect(texts(of('message'), 'out').filter((f) => f === ping()).length).toBeGreaterThanOrEqual((3 * CLIENT_TIMEOUT) / KEEPALIVE / 2)
    manager.close(id, 1000, 'bye')
    await waitFor<CloseEvent>((e) => e.type === 'close')
    manager.dispose()
  })

  it('with the keep-alive off, sends no ping and the hub closes the link at its client timeout, said as SIGNALR_CLOSED', async () => {
    server = await startSignalrServer({ clientTimeoutMs: CLIENT_TIMEOUT, pingIntervalMs: 100 })
    const { manager, waitFor, of } = recordingManager()
    const opened = Date.now()
    manager.open({ url: server.url, protocol: { keepAlive: false, signalr: { keepAliveMs: KEEPALIVE } } })
    const problem = await waitFor<ErrorEvent>((e) => e.type === 'error', 5_000)
    expect(problem).toMatchObject({
      class: 'app-protocol',
      code: 'SIGNALR_CLOSED',
      message: 'The SignalR hub closed the connection: Server timeout elapsed without receiving a message from the client.'
    })
    const close = await waitFor<CloseEvent>((e) => e.type === 'close', 5_000)
    expect(close.initiator).toBe('remote')
    expect(Date.now() - opened).toBeGreaterThanOrEqual(CLIENT_TIMEOUT)
    expect(texts(of('message'), 'out')).toEqual([handshakeRequest()])
    const closeFrame = texts(of('message'), 'in').at(-1)!
    expect(describeFrame('signalr', closeFrame, null)).toMatchObject({ kind: 'Close', error: true })
    manager.dispose()
  })

  it('says a refused handshake as SIGNALR_HANDSHAKE_ERROR (a hub that speaks only MessagePack)', async () => {
    server = await startSignalrServer({ clientTimeoutMs: 5_000, pingIntervalMs: 100, protocols: ['messagepack'] })
    const { manager, waitFor, of } = recordingManager()
    manager.open({ url: server.url, protocol: { signalr: { keepAliveMs: KEEPALIVE } } })
    const problem = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(problem).toMatchObject({
      class: 'app-protocol',
      code: 'SIGNALR_HANDSHAKE_ERROR',
      message: "The SignalR hub refused the handshake: Requested protocol 'json' is not available."
    })
    await waitFor<CloseEvent>((e) => e.type === 'close')
    expect(describeFrame('signalr', texts(of('message'), 'in')[0], null)).toMatchObject({ kind: 'handshake error', error: true })
    expect(server.clients[0].joined).toBe(false)
    manager.dispose()
  })
})
