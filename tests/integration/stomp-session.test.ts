/**
 * STOMP through the engine against two reference servers on 127.0.0.1 (tests/helpers/stompServer.ts).
 *
 * `stomp-broker-js` (STOMP 1.1), asking for a client heart-beat every 250 ms with a 450 ms margin (so it closes a
 * silent client 750 ms after CONNECT): the session's CONNECT carries every version, the host, the login and the
 * heart-beat; a SUBSCRIBE from one connection gets the MESSAGE of a SEND from another; the session's EOLs keep the
 * link well past the broker's deadline, while with `keepAlive: false` the broker closes it; a refused login comes
 * back as an ERROR, said as an `app-protocol` error.
 *
 * The minimal STOMP 1.2 server (for what the broker lacks): CONNECTED 1.2 split across two WebSocket frames still
 * starts the heart-beat, an escaped destination reads back unescaped, a MESSAGE and its RECEIPT in one WebSocket
 * frame show as one row `+1 more`, an ACK built from the MESSAGE's `ack` header is taken, and an ERROR split across
 * two WebSocket frames is said once.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { recordingManager } from '../helpers/events'
import { startMiniStomp12, startStompBroker, type RunningMiniStomp, type RunningStompBroker } from '../helpers/stompServer'
import type { CloseEvent, ErrorEvent, MessageEvent, SockEvent } from '../../src/shared/events'
import { describeFrame } from '../../src/shared/protocols'
import { parseStompFrames, stompHeader } from '../../src/shared/protocols/stomp'
import { stompAck, stompAckIdOf, stompSend, stompSubscribe } from '../../src/shared/protocols/stompBuild'

const HEART_BEAT = 250
const MARGIN = 450
const LOGIN = { login: 'guest', passcode: 's3cret' }

let stops: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const stop of stops) await stop()
  stops = []
})

async function broker(): Promise<RunningStompBroker> {
  const b = await startStompBroker({ heartBeatMs: HEART_BEAT, marginMs: MARGIN, ...LOGIN })
  stops.push(b.close)
  return b
}

async function mini(): Promise<RunningMiniStomp> {
  const m = await startMiniStomp12({ ...LOGIN, heartBeatMs: 100 })
  stops.push(m.close)
  return m
}

const isMessage = (id: string, dir: 'in' | 'out') => (e: SockEvent) => e.type === 'message' && e.id === id && e.dir === dir
const startsWith = (id: string, dir: 'in' | 'out', prefix: string) => (e: SockEvent) =>
  isMessage(id, dir)(e) && String((e as MessageEvent).data).startsWith(prefix)

describe('STOMP session in the engine (stomp-broker-js, STOMP 1.1)', () => {
  it('connects with every version, the host and the login, and a SUBSCRIBE gets the MESSAGE of another connection’s SEND', async () => {
    const b = await broker()
    const { manager, waitFor, of } = recordingManager()
    const stomp = { ...LOGIN, heartBeatMs: HEART_BEAT }
    const reader = manager.open({ url: b.url, protocol: { stomp } }).id
    const writer = manager.open({ url: b.url, protocol: { stomp } }).id
    const connected = await waitFor<MessageEvent>(startsWith(reader, 'in', 'CONNECTED'))
    await waitFor(startsWith(writer, 'in', 'CONNECTED'))
    expect(describeFrame('stomp', connected.data, null)).toMatchObject({ kind: 'CONNECTED 1.1', keepAlive: false })

    const connect = parseStompFrames(of('message').find(isMessage(reader, 'out'))!.data).frames[0]
    expect(connect.command).toBe('CONNECT')
    expect(Object.fromEntries(connect.headers)).toEqual({
      'accept-version': '1.0,1.1,1.2',
      host: '127.0.0.1',
      login: 'guest',
      // The broker checked the real passcode (it answered CONNECTED); the log and the recording keep its mask.
      passcode: '••••••',
      'heart-beat': `${HEART_BEAT},${HEART_BEAT}`
    })
    expect(JSON.stringify(of('message'))).not.toContain('s3cret')

    await manager.send(reader, { kind: 'text', data: stompSubscribe({ id: 'sub-0', destination: '/topic/prices' }, '1.1') })
    await b.subscribed('/topic/prices')
    await manager.send(writer, { kind: 'text', data: stompSend({ destination: '/topic/prices', body: 'EUR 1.08' }, '1.1') as string })
    const message = await waitFor<MessageEvent>(startsWith(reader, 'in', 'MESSAGE'))
    expect(describeFrame('stomp', message.data, null)).toEqual({ kind: 'MESSAGE /topic/prices', text: 'EUR 1.08', keepAlive: false })
    const [frame] = parseStompFrames(message.data, '1.1').frames
    expect(stompHeader(frame, 'subscription')).toBe('sub-0')
    expect(of('error')).toEqual([])
    manager.dispose()
  })

  it('sends a heart-beat every agreed interval, so the link outlives the broker’s deadline several times over', async () => {
    const b = await broker()
    const { manager, waitFor, of } = recordingManager()
    const { id } = manager.open({ url: b.url, protocol: { stomp: { ...LOGIN, heartBeatMs: HEART_BEAT } } })
    const connected = await waitFor<MessageEvent>(startsWith(id, 'in', 'CONNECTED'))
    // The broker wants a beat every max(250, 250) ms and closes a silent client 3 × 250 ms after CONNECT.
    expect(parseStompFrames(connected.data).frames.map((f) => stompHeader(f, 'heart-beat'))).toEqual([`0,${HEART_BEAT}`])
    await new Promise((r) => setTimeout(r, 8 * HEART_BEAT))
    expect(of('close')).toEqual([])
    expect(b.disconnected).toEqual([])
    const beats = of('message').filter((m) => m.dir === 'out' && m.data === '\n')
    expect(beats.length).toBeGreaterThanOrEqual(6)
    expect(describeFrame('stomp', beats[0].data, null)).toEqual({ kind: 'heart-beat', text: '', keepAlive: true })
    manager.dispose()
  })

  it('with keepAlive false sends no heart-beat, and the broker closes the link at its deadline', async () => {
    const b = await broker()
    const { manager, waitFor, of } = recordingManager()
    const started = Date.now()
    manager.open({ url: b.url, protocol: { keepAlive: false, stomp: { ...LOGIN, heartBeatMs: HEART_BEAT } } })
    const close = await waitFor<CloseEvent>((e) => e.type === 'close', 5_000)
    expect(close.initiator).toBe('remote')
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * HEART_BEAT)
    await expect.poll(() => b.disconnected).toHaveLength(1)
    expect(
      of('message')
        .filter((m) => m.dir === 'out')
        .map((m) => String(m.data).split('\n')[0])
    ).toEqual(['CONNECT'])
    manager.dispose()
  })

  it('says a refused login (the broker’s ERROR frame) as an app-protocol error', async () => {
    const b = await broker()
    const { manager, waitFor } = recordingManager()
    manager.open({ url: b.url, protocol: { stomp: { login: 'guest', passcode: 'wrong', heartBeatMs: 0 } } })
    const error = await waitFor<ErrorEvent>((e) => e.type === 'error')
    expect(error).toMatchObject({
      class: 'app-protocol',
      code: 'STOMP_ERROR',
      message: 'The STOMP server sent an ERROR: CONNECTION ERROR — CONNECTION ERROR.',
      next: 'Check the login, passcode and host in the Protocol settings, then reconnect.'
    })
    const frame = await waitFor<MessageEvent>((e) => e.type === 'message' && e.dir === 'in')
    expect(describeFrame('stomp', frame.data, null)).toMatchObject({ kind: 'ERROR', error: true })
    expect(b.connected).toEqual([])
    manager.dispose()
  })
})

describe('STOMP session in the engine (minimal STOMP 1.2 server)', () => {
  it('joins a split CONNECTED, reads 1.2 escapes, shows several frames in one row, and ACKs by the `ack` header', async () => {
    const m = await mini()
    const { manager, waitFor, of } = recordingManager()
    const { id } = manager.open({ url: m.url, protocol: { kind: 'stomp', stomp: { ...LOGIN, heartBeatMs: 100 } } })
    // The second half of CONNECTED is the first incoming frame that ends with the NULL octet.
    await waitFor((e) => isMessage(id, 'in')(e) && String((e as MessageEvent).data).endsWith('\0'))
    const halves = of('message').filter((e) => e.dir === 'in')
    expect(halves.map((h) => describeFrame('stomp', h.data, 'v12.stomp')?.kind)).toEqual(['CONNECTED (continues)', 'continued'])

    const destination = '/queue/a:b'
    await manager.send(id, { kind: 'text', data: stompSubscribe({ id: 'sub-0', destination, ack: 'client-individual' }) })
    await manager.send(id, { kind: 'text', data: stompSend({ destination, body: 'hello', receipt: 'r-1' }) as string })
    const both = await waitFor<MessageEvent>(startsWith(id, 'in', 'MESSAGE'))
    expect(String(both.data)).toContain('destination:/queue/a\\cb')
    expect(describeFrame('stomp', both.data, 'v12.stomp')).toEqual({ kind: 'MESSAGE /queue/a:b +1 more', text: 'hello', keepAlive: false })
    const [message, receipt] = parseStompFrames(both.data, '1.2').frames
    expect([stompHeader(message, 'destination'), stompHeader(receipt, 'receipt-id')]).toEqual([destination, 'r-1'])

    await manager.send(id, { kind: 'text', data: stompAck({ ...stompAckIdOf(message, '1.2'), receipt: 'r-2' }) })
    const acked = await waitFor<MessageEvent>((e) => startsWith(id, 'in', 'RECEIPT')(e) && String((e as MessageEvent).data).includes('r-2'))
    expect(describeFrame('stomp', acked.data, 'v12.stomp')?.kind).toBe('RECEIPT r-2')
    // The heart-beat the split CONNECTED agreed (every max(100, 100) ms) is going out.
    await new Promise((r) => setTimeout(r, 350))
    expect(m.received.filter((c) => c === 'EOL').length).toBeGreaterThanOrEqual(2)
    expect(m.received.filter((c) => c !== 'EOL')).toEqual(['CONNECT', 'SUBSCRIBE', 'SEND', 'ACK'])
    expect(of('error')).toEqual([])
    manager.dispose()
  })

  it('says an ERROR split across two WebSocket frames once, with its message and body', async () => {
    const m = await mini()
    const { manager, waitFor, of } = recordingManager()
    manager.open({ url: m.url, protocol: { kind: 'stomp', stomp: { login: 'guest', passcode: 'nope', heartBeatMs: 100 } } })
    await waitFor<CloseEvent>((e) => e.type === 'close')
    expect(of('message').filter((e) => e.dir === 'in')).toHaveLength(2)
    expect(of('error')).toMatchObject([
      {
        class: 'app-protocol',
        code: 'STOMP_ERROR',
        message: 'The STOMP server sent an ERROR: bad credentials — login or passcode is wrong.'
      }
    ])
    expect(m.received).toEqual(['CONNECT'])
    manager.dispose()
  })
})
