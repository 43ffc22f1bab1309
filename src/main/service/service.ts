/**
 * The contract's implementation, shared by the Electron IPC adapter and the browser-mode bridge.
 * Electron-free: transports hand it a session and raw arguments; it validates and routes events back.
 */
import { LocalEchoServer } from './echoServer'
import { RecordingMocks } from './mocks'
import { ScenarioFiles } from './scenarios'
import { ScenarioRuns } from './scenarioRuns'
import { profilesLookup } from '../../scenario/profileLookup'
import { scenarioProblems } from '../../scenario/problems'
import * as v from 'valibot'
import { parseRecordedRef, type AppInfo, type HostNotice, type MethodName, type RecordedRef, type SockscopeMethods } from '../../shared/api'
import { METHOD_ARGS } from '../../shared/methodSchemas'
import { ValidationError } from '../../shared/schema'
import type { SockEvent } from '../../shared/events'
import { ConnectionManager } from '../core/manager'
import { PayloadStore } from '../core/payloadStore'
import type { BatcherOptions } from '../core/batcher'
import type { ConnectionOptions } from '../../shared/options'
import { ClientSession, type SessionTransport } from './session'
import { dataMethods, type DataDeps } from './dataMethods'
import { replayPlan, runReplay } from './replay'
import { recordingFailedError } from '../store/recordingWriter'
import { argumentLabel } from '../../shared/fieldLabels'

export class ForbiddenError extends Error {
  readonly code = 'FORBIDDEN'
}

export interface ServiceOptions {
  appInfo: AppInfo
  batcher?: BatcherOptions
  /** Profiles, recordings and files. */
  data: DataDeps
  /** The reconnect backoff's jitter source (tests pin it; the app uses Math.random). */
  random?: () => number
}

export class SockscopeService {
  readonly payloads = new PayloadStore()
  readonly manager: ConnectionManager
  private readonly sessions = new Map<string, ClientSession>()
  /** The first-run echo server: started on request, stopped at shutdown. */
  private readonly echo = new LocalEchoServer()
  /** Recordings served as mocks ("Serve as mock…"): stopped at shutdown. */
  private readonly mocks = new RecordingMocks()
  /** The Scenarios panel's files (the data folder's scenarios/ and opened folders) and its runs, stopped at shutdown. */
  private readonly scenarios: ScenarioFiles
  private readonly scenarioRuns: ScenarioRuns
  private readonly owner = new Map<string, ClientSession>()
  /** One-shot observers of a connection's events (replay waits for the open). */
  private readonly watchers = new Map<string, (e: SockEvent) => void>()

  constructor(private readonly options: ServiceOptions) {
    this.manager = new ConnectionManager((e) => this.route(e), options.random)
    this.scenarios = new ScenarioFiles(options.appInfo.dataDir)
    this.scenarioRuns = new ScenarioRuns(() => ({
      profiles: profilesLookup("the app's saved profiles", () => options.data.profiles.state())
    }))
    options.data.recordings.onFailure = (id, f) => this.manager.report(id, recordingFailedError(f))
  }

  private route(e: SockEvent): void {
    // The session's push goes last: a batch it delivers can make the page's backlog pause reading, which emits a
    // throttle event right there; recorded first, `e` keeps its place before it in the file.
    this.options.data.recordings.recordOne(e)
    this.watchers.get(e.id)?.(e)
    this.owner.get(e.id)?.push(e)
  }

  /** Closes and forgets a connection, freeing everything held for it (ring, payloads, recording writer). */
  private forget(id: string): void {
    this.manager.remove(id)
    this.owner.get(id)?.disown(id)
    this.owner.delete(id)
    this.watchers.delete(id)
    this.payloads.drop(id)
    void this.options.data.recordings.endWhenClosed(id)
  }

  /** Bytes held on the main side for renderers: re-sync rings, pending batches and large payloads. */
  retainedBytes(): number {
    let n = this.payloads.heldBytes
    for (const s of this.sessions.values()) n += s.retainedBytes()
    return n
  }

  /** The session that owns a connection, if any. */
  ownerOf(connectionId: string): ClientSession | undefined {
    return this.owner.get(connectionId)
  }

  /** Tells every attached window something that belongs to no connection. */
  notify(notice: Omit<HostNotice, 'ts'>): void {
    for (const s of this.sessions.values()) s.notice({ ...notice, ts: Date.now() })
  }

  get sessionCount(): number {
    return this.sessions.size
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
      // The message reaches the UI as it is: it names the field as the user sees it, never the contract's path.
      const label = argumentLabel(name, path ?? null)
      throw new ValidationError(label ? `${label}: ${issue.message}` : `This request was refused: ${issue.message}`, path ?? 'args')
    }
    const impl = this.methodsFor(session)
    return (impl[name] as (...a: unknown[]) => Promise<unknown>)(...(parsed.output as unknown[]))
  }

  /** The desktop app's folder dialog; browser mode has none, so its page sends a typed path. */
  private async pickFolder(): Promise<string | null> {
    const files = this.options.data.files
    if (!files?.pickFolder) throw new Error("This window cannot show a folder dialog: type the folder's full path instead.")
    return files.pickFolder()
  }

  private owned(session: ClientSession, id: string): string {
    if (!session.connections.has(id)) throw new ForbiddenError(`Connection ${id} does not belong to this window.`)
    return id
  }

  methodsFor(session: ClientSession): SockscopeMethods {
    const m = this.manager
    const enc = new TextEncoder()
    const data = dataMethods(this.options.data)
    return {
      appInfo: async () => this.options.appInfo,
      connect: async (options, id, about) => this.open(session, options, undefined, id, about?.profile),
      send: (id, message) => m.send(this.owned(session, id), message),
      ping: async (id, payload) => m.ping(this.owned(session, id), enc.encode(payload)),
      pong: async (id, payload) => m.pong(this.owned(session, id), enc.encode(payload)),
      close: async (id, code, reason) => m.close(this.owned(session, id), code, reason),
      terminate: async (id) => m.terminate(this.owned(session, id)),
      cancelReconnect: async (id) => m.cancelReconnect(this.owned(session, id)),
      reconnectNow: async (id) => m.reconnectNow(this.owned(session, id)),
      remove: async (id) => this.forget(this.owned(session, id)),
      list: async () => m.list().filter((c) => session.connections.has(c.id)),
      sync: async (since) => {
        const connections = m.list().filter((c) => session.connections.has(c.id))
        const lastSeq = (id: string): number => connections.find((c) => c.id === id)?.lastSeq ?? 0
        return { connections, ...session.resync(lastSeq, since), tabs: session.tabs }
      },
      tabsSave: async (tabs) => {
        session.tabs = tabs
      },
      fetchPayload: async (ref, range) => {
        const recorded = parseRecordedRef(ref)
        if (recorded) {
          const data = await this.recorded(session, recorded)
          return data === null || !range ? data : data.slice(range.offset, range.offset + range.length)
        }
        const owner = this.payloads.ownerOf(ref)
        if (owner === undefined) return null
        this.owned(session, owner)
        const data = this.payloads.get(ref)
        if (data === undefined || !range) return data ?? null
        // A copy of the piece: a view would carry the whole payload's buffer across IPC.
        return data.slice(range.offset, range.offset + range.length)
      },
      ...data,
      recordingRead: async (recordingId) => data.recordingRead(this.notLiveElsewhere(session, recordingId)),
      recordingExport: async (recordingId, format, decoded) =>
        data.recordingExport(this.notLiveElsewhere(session, recordingId), format, decoded),
      recordingDelete: async (recordingId) => this.options.data.recordings.delete(recordingId),
      recordingsDeleteAll: async () => this.options.data.recordings.deleteAll(),
      echoServerStart: async () => ({ url: await this.echo.url() }),
      mockStart: async (recordingId, settings) => this.mocks.start((await this.options.data.recordings.read(recordingId)).events, settings),
      mockStop: (id) => this.mocks.stop(id),
      mockLog: async (id, since) => this.mocks.log(id, since),
      scenariosList: () => this.scenarios.list(),
      scenarioFolderOpen: async (path) => {
        const folder = path ?? (await this.pickFolder())
        return folder === null ? null : this.scenarios.open(folder)
      },
      scenarioFolderClose: (path) => this.scenarios.close(path),
      scenarioRead: (file) => this.scenarios.read(file),
      scenarioSave: (file, text) => this.scenarios.save(file, text),
      scenarioCheck: async (text) => ({ problems: scenarioProblems(text, 'scenario', this.scenarioRuns.parseContext()) }),
      scenarioRun: async (file) => this.scenarioRuns.start(await this.scenarios.read(file), file.name),
      scenarioRunState: async (runId, since) => this.scenarioRuns.state(runId, since),
      scenarioRunStop: (runId) => this.scenarioRuns.stop(runId),
      scenarioRunLog: async (runId, connectionId) => this.scenarioRuns.log(runId, connectionId),
      replay: async (recordingId, options, timing, id) => {
        const plan = replayPlan((await this.options.data.recordings.read(this.notLiveElsewhere(session, recordingId))).events, timing)
        let opened: () => void = () => undefined
        const ready = new Promise<void>((r) => (opened = r))
        const conn = this.open(session, options, (e) => e.type === 'state' && e.state === 'open' && opened(), id)
        runReplay(plan, ready, (msg) => m.send(conn.id, msg))
        return { ...conn, total: plan.length }
      }
    }
  }

  /** A payload the page dropped from memory: from the payload store while it holds it, else from the recording. */
  private async recorded(session: ClientSession, r: RecordedRef): Promise<string | Uint8Array | null> {
    if (r.held && session.connections.has(r.connection) && this.payloads.ownerOf(r.held) === r.connection) {
      const held = this.payloads.get(r.held)
      if (held !== undefined) return held
    }
    const recordings = this.options.data.recordings
    const id = await recordings.recordingFor(r.connection)
    return id === undefined ? null : recordings.payloadAt(this.notLiveElsewhere(session, id), r.seq)
  }

  /** A recording another window's connection is still writing is that window's, live: refuse it. */
  private notLiveElsewhere(session: ClientSession, recordingId: string): string {
    const writer = this.options.data.recordings.liveConnectionOf(recordingId)
    if (writer !== undefined && !session.connections.has(writer)) {
      throw new ForbiddenError(
        `Recording ${recordingId} is still being written by a connection of another window; open it once that connection is closed.`
      )
    }
    return recordingId
  }

  /** Opens a connection owned by `session` (owned before its first event), recording it. */
  private open(
    session: ClientSession,
    options: unknown,
    watch?: (e: SockEvent) => void,
    chosenId?: string,
    profile?: string
  ): { id: string } {
    return this.manager.open(
      options,
      (id) => {
        session.own(id)
        this.owner.set(id, session)
        const url = this.manager.list().find((c) => c.id === id)?.url ?? ''
        // Recording is on unless the connection's settings turn it off (issue 15: the user controls it).
        const o = options as ConnectionOptions
        if (o.record !== false) this.options.data.recordings.start(id, url, o, profile)
        if (watch) this.watchers.set(id, watch)
      },
      chosenId
    )
  }

  /**
   * Closes every session and connection, then waits until the recordings and profiles are on disk, for at most
   * `boundMs` (quitting must not hang on a stuck disk). Resolves to what happened.
   */
  async shutdown(boundMs = 3000): Promise<'done' | 'timed-out'> {
    for (const key of [...this.sessions.keys()]) this.closeSession(key)
    this.manager.dispose()
    const work = Promise.all([
      this.options.data.recordings.endAll(),
      this.options.data.profiles.flush(),
      this.echo.close(),
      this.mocks.closeAll(),
      this.scenarioRuns.stopAll()
    ]).then(() => 'done' as const)
    let timer: NodeJS.Timeout | null = null
    const bound = new Promise<'timed-out'>((r) => (timer = setTimeout(() => r('timed-out'), boundMs)))
    try {
      return await Promise.race([work, bound])
    } finally {
      if (timer) clearTimeout(timer)
    }
  }

  /** As `shutdown`, without waiting. */
  dispose(): void {
    void this.shutdown()
  }
}
