/**
 * Runs one drawn scenario against the real service (engine, sessions, re-sync ring, payload store, recordings)
 * and a scripted server on loopback, with fake timers, and checks the lifecycle invariants after every step
 * and at the end. Throws with the step, the violations and the errors seen.
 */
import { vi } from 'vitest'
import { join } from 'node:path'
import type { ConnectionOptions } from '../../src/shared/options'
import type { ProtocolOptions } from '../../src/shared/protocols'
import type { SyncState } from '../../src/shared/api'
import type { SockEvent } from '../../src/shared/events'
import { parseNdjson } from '../../src/main/store/recordings'
import { RECENT_BYTES } from '../../src/main/service/session'
import { PAYLOAD_BYTES_PER_CONNECTION } from '../../src/main/core/payloadStore'
import { newTestService } from '../helpers/service'
import { sleepReal, until } from '../helpers/time'
import { recordingLines } from '../helpers/recordingFile'
import { startScriptedServer, type ScriptedServer } from './scriptedServer'
import { ModelPage } from './modelPage'
import { checkRecording } from './recordingChecks'
import type { Op, OptionsDraw, Scenario } from './arbitraries'
import { noteRecording, noteScenario } from './stats'

const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] as const
const LARGE = 'L'.repeat(300 * 1024)

/** Each protocol's keep-alive at a short interval, so it ticks within a run's waits. */
function protocolOptions(p: NonNullable<OptionsDraw['protocol']>): ProtocolOptions {
  return {
    kind: p.kind,
    keepAlive: p.keepAlive,
    ...(p.kind === 'stomp' ? { stomp: { heartBeatMs: 300 } } : {}),
    ...(p.kind === 'mqtt' ? { mqtt: { version: p.mqttVersion, keepAliveS: 1 } } : {}),
    ...(p.kind === 'signalr' ? { signalr: { keepAliveMs: 400 } } : {})
  }
}

function toOptions(base: string, d: OptionsDraw): ConnectionOptions {
  // Engine.IO is known by its path (and speaks first there); the others by their first frame.
  const url = d.protocol?.kind === 'socketio' ? `${base}socket.io/?EIO=4&transport=websocket` : base
  return {
    url,
    ...(d.protocol ? { protocol: protocolOptions(d.protocol) } : {}),
    heartbeat: { intervalSec: d.intervalSec, pongTimeoutMs: d.pongTimeoutMs },
    ...(d.reconnect ? { reconnect: { enabled: true, ...d.reconnect } } : {}),
    closeTimeoutMs: d.closeTimeoutMs,
    handshakeTimeoutMs: d.handshakeTimeoutMs,
    preamble: Array.from({ length: d.preamble }, (_, i) => ({ kind: 'text' as const, data: `hello-${i}` }))
  }
}

export async function runScenario(sc: Scenario): Promise<void> {
  const violations: string[] = []
  const errors: unknown[] = []
  const onError = (e: unknown): void => void errors.push(e)
  const listenersBefore = process.listenerCount('uncaughtException') + process.listenerCount('unhandledRejection')
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
  const socketsBefore = await stableSocketCount()
  vi.useFakeTimers({ toFake: [...FAKED] })
  let server: ScriptedServer | null = null
  const t = newTestService()
  let pageNo = 1
  let page = new ModelPage(`page-${pageNo}`, violations)
  const session = t.service.openSession('model', page.transport)
  const ids: string[] = []
  const removed = new Set<string>()
  const inFlight = new Set<Promise<unknown>>()
  const call = <T>(m: string, ...a: unknown[]): Promise<T> => t.service.call(session, m, a) as Promise<T>
  /** Calls that may fail cleanly (not open, not owned): a rejection is an answer, never a crash. */
  const attempt = (p: Promise<unknown>): void => {
    const settled = p.catch(() => undefined).finally(() => inFlight.delete(settled))
    inFlight.add(settled)
  }
  const advance = (ms: number): void => {
    try {
      vi.advanceTimersByTime(ms)
    } catch (err) {
      errors.push(err) // a timer callback threw: exactly what must never happen
    }
  }
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 4; i++) {
      advance(5)
      await sleepReal(1)
    }
  }
  const pick = (n: number): string | undefined => {
    const live = ids.filter((id) => !removed.has(id))
    return live.length ? live[n % live.length] : undefined
  }
  const reattach = async (keepView: boolean): Promise<void> => {
    const next = new ModelPage(`page-${++pageNo}`, violations)
    if (keepView) next.adopt(page)
    next.startSync()
    const old = page
    session.attach(next.transport)
    old.current = false
    page = next
    const s = await call<SyncState>('sync', ...(keepView ? [page.since()] : []))
    page.resync(s)
  }

  const step = async (op: Op): Promise<void> => {
    const id = 'conn' in op ? pick(op.conn) : undefined
    switch (op.op) {
      case 'open': {
        const r = await call<{ id: string }>('connect', toOptions(server!.url, op.options))
        ids.push(r.id)
        return
      }
      case 'send':
        if (id) attempt(call('send', id, { kind: 'text', data: op.size === 'large' ? LARGE : `small-${ids.indexOf(id)}` }))
        return
      case 'ping':
        if (id) attempt(call('ping', id, 'model'))
        return
      case 'close':
        if (id) attempt(call('close', id, op.code, 'model'))
        return
      case 'terminate':
        if (id) attempt(call('terminate', id))
        return
      case 'cancelReconnect':
        if (id) attempt(call('cancelReconnect', id))
        return
      case 'reconnectNow':
        if (id) attempt(call('reconnectNow', id))
        return
      case 'remove':
        if (!id) return
        removed.add(id)
        await call('remove', id)
        return
      case 'throttle':
        page.backlog = op.on ? 9 * 1024 * 1024 : 0
        return
      case 'detach':
        if (!page.current) return
        session.detach(page.transport)
        page.current = false
        return
      case 'reattach':
        if (page.current) return
        return reattach(op.keepView)
      case 'claim':
        if (page.current) return reattach(false)
        return
      case 'wait':
        for (let waited = 0; waited < op.ms; waited += 20) {
          advance(20)
          await sleepReal(0)
        }
        return
      case 'server':
        if (op.act === 'drop') server!.dropAll()
        else await server!.restart()
        return
    }
  }

  const check = (where: string): void => {
    for (const c of server!.conns) {
      if (c.afterClose) violations.push(`the server got ${c.afterClose} frame(s) after our close frame`)
      c.afterClose = 0
    }
    for (const c of t.service.manager.list()) {
      const timers = t.service.manager.pendingTimers(c.id)
      if (c.state === 'closed' && !c.reconnectPending && timers.length) {
        violations.push(`${c.id.slice(0, 8)} is closed with no reconnect pending but still has timers: ${timers.join(', ')}`)
      }
    }
    const live = ids.length - removed.size
    const bound = live * (RECENT_BYTES + PAYLOAD_BYTES_PER_CONNECTION) + 8 * 1024 * 1024
    if (t.service.retainedBytes() > bound) violations.push(`retained ${t.service.retainedBytes()} bytes > ${bound}`)
    if (errors.length || violations.length) {
      const what = [...errors.map((e) => `uncaught: ${(e as Error)?.stack ?? String(e)}`), ...violations]
      throw new Error(`${where}:\n  ${what.join('\n  ')}`)
    }
  }

  try {
    server = await startScriptedServer(sc.behaviours)
    for (const [i, op] of sc.ops.entries()) {
      await step(op)
      await settle()
      check(`after step ${i + 1} ${JSON.stringify(op)}`)
    }
    // The page comes back if it was away, and catches up with everything still held. Real I/O may still be
    // delivering (the clock is stopped, so no timer adds more): catch up until the recordings hold nothing newer.
    if (!page.current) await reattach(true)
    let recorded = new Map<string, SockEvent[]>()
    const names = new Map<string, string | undefined>()
    for (let round = 0; round < 20; round++) {
      await sleepReal(round ? 10 : 0)
      page.startSync()
      page.resync(await call<SyncState>('sync', page.since()))
      await t.recordings.settled()
      const listed = await t.recordings.list()
      for (const id of ids) names.set(id, t.recordings.recordingOf(id) ?? findRecording(t.recordings.dir, listed, id))
      recorded = new Map(ids.map((id) => [id, readRecording(t.recordings.dir, names.get(id))]))
      const behind = ids.some((id) => !removed.has(id) && (recorded.get(id)!.at(-1)?.seq ?? 0) > (page.views.get(id)?.lastSeq ?? 0))
      if (!behind) break
    }
    noteScenario(sc)
    for (const id of ids) {
      const events = recorded.get(id)!
      noteRecording(events)
      violations.push(...checkRecording(id, events))
      if (!removed.has(id)) violations.push(...comparePage(page, id, events))
    }
    check('at the end, comparing the page with the recordings')
    for (const id of ids) if (!removed.has(id)) await call('remove', id)
    await settle()
    if (t.service.retainedBytes() !== 0) violations.push(`after removing everything ${t.service.retainedBytes()} bytes are still held`)
    for (let i = 0; i < 50 && inFlight.size; i++) await settle()
    if (inFlight.size) violations.push(`${inFlight.size} call(s) never settled after their connections were removed`)
    // Nothing lost at the end either: once ended (as on quit), each recording closes with how its connection ended.
    let ended = false
    void t.recordings.endAll().then(() => (ended = true))
    for (let i = 0; i < 100 && !ended; i++) await settle()
    if (!ended) violations.push('the recordings had not ended 2 s (of the clock) after their connections were removed')
    for (const id of ids) {
      // Its last state is closed. After it only notes may come (a give-up, a reconnect scheduled), and a scheduled
      // reconnect must have been cancelled by the removal.
      const events = readRecording(t.recordings.dir, names.get(id))
      const at = events.findLastIndex((e) => e.type === 'state')
      const last = events[at]
      const end = events.at(-1)
      const notes = events.slice(at + 1).every((e) => e.type === 'reconnect' || e.type === 'error')
      if (last?.type !== 'state' || last.state !== 'closed' || !notes || (end?.type === 'reconnect' && !end.cancelled)) {
        const tail = events.slice(Math.max(0, at)).map((e) => e.type)
        violations.push(`${id.slice(0, 8)}: its recording does not end with its close: ${tail.join(', ') || 'it is empty'}`)
      }
    }
    t.service.closeSession('model')
    await server.close()
    await settle()
    // Every TCP socket of ours (client side) and of the server is gone: nothing leaked.
    await until(() => tcpSockets() <= socketsBefore, 'every TCP socket to be closed', 5000).catch(() =>
      violations.push(`${tcpSockets() - socketsBefore} TCP socket(s) still open after everything was closed`)
    )
    if (vi.getTimerCount() !== 0) violations.push(`${vi.getTimerCount()} timer(s) left after everything was closed`)
    check('after removing every connection')
  } finally {
    vi.useRealTimers()
    await server?.close()
    await t.dispose()
    process.off('uncaughtException', onError)
    process.off('unhandledRejection', onError)
  }
  const listenersAfter = process.listenerCount('uncaughtException') + process.listenerCount('unhandledRejection')
  if (listenersAfter !== listenersBefore) throw new Error(`process listeners leaked: ${listenersBefore} → ${listenersAfter}`)
}

const tcpSockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length

/** The socket count once sockets of an earlier scenario have finished closing. */
async function stableSocketCount(): Promise<number> {
  let last = tcpSockets()
  for (let i = 0; i < 100; i++) {
    await sleepReal(5)
    const now = tcpSockets()
    if (now === last) return now
    last = now
  }
  return last
}

function readRecording(dir: string, name: string | undefined): SockEvent[] {
  return name ? parseNdjson(recordingLines(join(dir, name)).lines.join('\n')).events : []
}

function findRecording(dir: string, list: Array<{ id: string }>, connectionId: string): string | undefined {
  for (const r of list) {
    const head = recordingLines(join(dir, r.id)).lines[0] ?? ''
    if (head.includes(connectionId)) return r.id
  }
  return undefined
}

/** The page shows exactly what the engine emitted (the recording), except ranges the host said it no longer had. */
function comparePage(page: ModelPage, id: string, recorded: SockEvent[]): string[] {
  const v = page.views.get(id)
  const shown = new Map((v?.events ?? []).map((e) => [e.seq, e]))
  const isMissed = (seq: number): boolean => (v?.missed ?? []).some(([first, n]) => seq >= first && seq < first + n)
  const out: string[] = []
  for (const e of recorded) {
    const s = shown.get(e.seq)
    if (!s && !isMissed(e.seq))
      out.push(`${id.slice(0, 8)}: seq ${e.seq} (${e.type}) is recorded but the page neither shows it nor marks it missed`)
    else if (s && s.type !== e.type) out.push(`${id.slice(0, 8)}: seq ${e.seq} is ${s.type} on the page but ${e.type} in the recording`)
    shown.delete(e.seq)
  }
  for (const extra of shown.keys()) out.push(`${id.slice(0, 8)}: the page shows seq ${extra}, which is not in the recording`)
  return out
}
