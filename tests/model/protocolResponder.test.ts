/**
 * The lifecycle model's server speaks each protocol far enough for core: against it, core's handshake completes and
 * both sides' keep-alives tick, or a refusal comes back as the protocol's own error. A model whose server did not
 * (it once answered no subprotocol, so three protocols never got past the upgrade) would test the protocols little.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startScriptedServer, type Behaviour, type ScriptedServer } from './scriptedServer'
import { recordingManager } from '../helpers/events'
import { sleepReal } from '../helpers/time'
import type { ProtocolBehaviour } from './protocolResponder'
import type { ProtocolOptions } from '../../src/shared/protocols'
import type { SockEvent } from '../../src/shared/events'

const polite = (protocol: ProtocolBehaviour): Behaviour => ({
  handshake: 'accept',
  messages: 'ignore',
  reads: true,
  close: 'answer',
  pings: 'answer',
  flood: null,
  dropAfterMs: null,
  closeThenSendMs: null,
  pingBurst: 0,
  protocol
})

const KINDS = ['socketio', 'graphql', 'stomp', 'mqtt', 'signalr'] as const
type Kind = (typeof KINDS)[number]
const OPTIONS: Record<Kind, ProtocolOptions> = {
  socketio: { kind: 'socketio' },
  graphql: { kind: 'graphql' },
  stomp: { kind: 'stomp', stomp: { heartBeatMs: 300 } },
  mqtt: { kind: 'mqtt', mqtt: { keepAliveS: 1 } },
  signalr: { kind: 'signalr', signalr: { keepAliveMs: 400 } }
}

let accepting: ScriptedServer
let refusing: ScriptedServer
beforeAll(async () => {
  accepting = await startScriptedServer([polite({ handshake: 'accept', serverPingMs: 200, answersPings: true })])
  refusing = await startScriptedServer([polite({ handshake: 'refuse', serverPingMs: null, answersPings: true })])
})
afterAll(async () => {
  await accepting.close()
  await refusing.close()
})

/** Each protocol's events over `ms` of real time against `server`, all five at once. */
async function talk(server: ScriptedServer, ms: number): Promise<Record<Kind, SockEvent[]>> {
  const runs = KINDS.map((kind) => {
    const r = recordingManager()
    const url = kind === 'socketio' ? `${server.url}socket.io/?EIO=4&transport=websocket` : server.url
    r.manager.open({ url, protocol: OPTIONS[kind] })
    return r
  })
  await sleepReal(ms)
  for (const r of runs) r.manager.dispose()
  return Object.fromEntries(KINDS.map((k, i) => [k, runs[i].events])) as Record<Kind, SockEvent[]>
}

const frames = (events: SockEvent[], dir: 'in' | 'out'): string[] =>
  events.flatMap((e) =>
    e.type === 'message' && e.dir === dir ? [typeof e.data === 'string' ? e.data : Buffer.from(e.data).toString('hex')] : []
  )

describe("the lifecycle model's protocol server", () => {
  it('completes each handshake and keeps both keep-alives going', async () => {
    const events = await talk(accepting, 1300)
    const keepAlive: Record<Kind, { ours: string; theirs: string }> = {
      socketio: { theirs: '2', ours: '3' },
      graphql: { theirs: '{"type":"ping"}', ours: '{"type":"pong"}' },
      stomp: { theirs: '\n', ours: '\n' },
      mqtt: { theirs: 'd000', ours: 'c000' },
      signalr: { theirs: '{"type":6}\u001e', ours: '{"type":6}\u001e' }
    }
    for (const kind of KINDS) {
      const e = events[kind]
      expect(
        e.filter((x) => x.type === 'error'),
        kind
      ).toEqual([])
      expect(frames(e, 'in'), `${kind}: the server's keep-alive`).toContain(keepAlive[kind].theirs)
      expect(frames(e, 'out'), `${kind}: ours`).toContain(keepAlive[kind].ours)
    }
  })

  it('refuses each handshake the way the protocol does, which core reports', async () => {
    const events = await talk(refusing, 400)
    const said = (kind: Kind): string[] =>
      events[kind].flatMap((e) => (e.type === 'error' ? [e.code ?? ''] : e.type === 'close' ? [`close ${e.code}`] : []))
    expect(said('socketio')).toContain('SOCKETIO_CONNECT_ERROR')
    expect(said('graphql')).toContain('close 4403')
    expect(said('stomp')).toContain('STOMP_ERROR')
    expect(said('mqtt')).toContain('MQTT_CONNACK_REFUSED')
    expect(said('signalr')).toContain('SIGNALR_HANDSHAKE_ERROR')
  })
})
