/**
 * The contract's implementation, shared by the Electron IPC adapter and the browser-mode bridge.
 * Electron-free: transports hand it a session and raw arguments; it validates and routes events back.
 */
import * as v from 'valibot'
import type { AppInfo, MethodName, SockscopeMethods } from '../../shared/api'
import { METHOD_ARGS } from '../../shared/methodSchemas'
import { ValidationError } from '../../shared/schema'
import type { SockEvent } from '../../shared/events'
import { ConnectionManager } from '../core/manager'
import { PayloadStore } from '../core/payloadStore'
import type { BatcherOptions } from '../core/batcher'
import { ClientSession, type SessionTransport } from './session'
import { dataMethods, type DataDeps } from './dataMethods'
import { replayPlan, runReplay } from './replay'

export class ForbiddenError extends Error {
  readonly code = 'FORBIDDEN'
}

export interface ServiceOptions {
  appInfo: AppInfo
  batcher?: BatcherOptions
  /** Profiles, recordings and files. */
  data: DataDeps
}

export class SockscopeService {
  readonly payloads = new PayloadStore()
  readonly manager: ConnectionManager
  private readonly sessions = new Map<string, ClientSession>()
  private readonly owner = new Map<string, ClientSession>()
  /** One-shot observers of a connection's events (replay waits for the open). */
  private readonly watchers = new Map<string, (e: SockEvent) => void>()

  constructor(private readonly options: ServiceOptions) {
    this.manager = new ConnectionManager((e) => this.route(e))
  }

  private route(e: SockEvent): void {
    this.owner.get(e.id)?.push(e)
    this.options.data.recordings.recordOne(e)
    this.watchers.get(e.id)?.(e)
  }

  private forget(id: string): void {
    this.manager.remove(id)
    this.owner.delete(id)
    this.watchers.delete(id)
    void this.options.data.recordings.end(id)
  }

  openSession(key: string, target: SessionTransport | ((batch: SockEvent[]) => void)): ClientSession {
    const s = new ClientSession(key, this.payloads, target, this.options.batcher)
    s.onCongestion = (paused) => {
      for (const id of s.connections) this.manager.setFlowPaused(id, paused)
    }
    this.sessions.set(key, s)
    return s
  }

  session(key: string): ClientSession | undefined {
    return this.sessions.get(key)
  }

  /** A window closed or a browser tab went away for good: its connections close with it. */
  closeSession(key: string): void {
    const s = this.sessions.get(key)
    if (!s) return
    for (const id of [...s.connections]) this.forget(id)
    s.dispose()
    this.sessions.delete(key)
  }

  /** Validates the raw arguments against the contract, then runs the method for this session. */
  async call(session: ClientSession, method: string, rawArgs: unknown): Promise<unknown> {
    if (!Object.prototype.hasOwnProperty.call(METHOD_ARGS, method)) {
      throw new ValidationError(`Unknown method "${method}"`, 'method')
    }
    const name = method as MethodName
    const parsed = v.safeParse(METHOD_ARGS[name], rawArgs)
    if (!parsed.success) {
      const issue = parsed.issues[0]
      const path = v.getDotPath(issue)
      throw new ValidationError(
        path ? `${name}: argument ${path}: ${issue.message}` : `${name}: arguments: ${issue.message}`,
        path ?? 'args'
      )
    }
    const impl = this.methodsFor(session)
    return (impl[name] as (...a: unknown[]) => Promise<unknown>)(...(parsed.output as unknown[]))
  }

  private owned(session: ClientSession, id: string): string {
    if (!session.connections.has(id)) throw new ForbiddenError(`Connection ${id} does not belong to this window.`)
    return id
  }

  methodsFor(session: ClientSession): SockscopeMethods {
    const m = this.manager
    const enc = new TextEncoder()
    return {
      appInfo: async () => this.options.appInfo,
      connect: async (options) => this.open(session, options),
      send: (id, message) => m.send(this.owned(session, id), message),
      ping: async (id, payload) => m.ping(this.owned(session, id), enc.encode(payload)),
      pong: async (id, payload) => m.pong(this.owned(session, id), enc.encode(payload)),
      close: async (id, code, reason) => m.close(this.owned(session, id), code, reason),
      terminate: async (id) => m.terminate(this.owned(session, id)),
      cancelReconnect: async (id) => m.cancelReconnect(this.owned(session, id)),
      remove: async (id) => {
        this.forget(this.owned(session, id))
        session.disown(id)
      },
      list: async () => m.list().filter((c) => session.connections.has(c.id)),
      sync: async () => ({ connections: m.list().filter((c) => session.connections.has(c.id)), events: session.recentEvents() }),
      fetchPayload: async (ref) => this.payloads.get(ref) ?? null,
      ...dataMethods(this.options.data),
      replay: async (recordingId, options, timing) => {
        const data = this.options.data
        const plan = replayPlan((await data.recordings.read(recordingId)).events, timing)
        let opened: () => void = () => undefined
        const ready = new Promise<void>((r) => (opened = r))
        const conn = this.open(session, options, (e) => e.type === 'state' && e.state === 'open' && opened())
        runReplay(plan, ready, (msg) => m.send(conn.id, msg))
        return conn
      }
    }
  }

  /** Opens a connection owned by `session` (owned before its first event), recording it. */
  private open(session: ClientSession, options: unknown, watch?: (e: SockEvent) => void): { id: string } {
    return this.manager.open(options, (id) => {
      session.own(id)
      this.owner.set(id, session)
      const url = this.manager.list().find((c) => c.id === id)?.url ?? ''
      this.options.data.recordings.start(id, url)
      if (watch) this.watchers.set(id, watch)
    })
  }

  dispose(): void {
    for (const key of [...this.sessions.keys()]) this.closeSession(key)
    this.manager.dispose()
    void this.options.data.recordings.endAll()
    void this.options.data.profiles.flush()
  }
}
