/**
 * The one contract between renderer and main: every method the renderer may call, and the event stream.
 * Both transports (Electron IPC and the browser-mode bridge) are typed from this file.
 */
import type { ScenarioFolder, ScenarioProblem, ScenarioRef, ScenarioRunLog, ScenarioRunState, StepResult } from './scenarioSteps'

export type {
  ScenarioFileInfo,
  ScenarioFolder,
  ScenarioProblem,
  ScenarioRef,
  ScenarioRunConnection,
  ScenarioRunLog,
  ScenarioRunState
} from './scenarioSteps'
import type { ConnectionInfo, SockEvent } from './events'
import type { ConnectionOptions, OutgoingMessage } from './options'
import type { Environment, Profile, ProfilesDoc } from './profiles'
import type { FileResult, ImportSummary, ProfilesState, RecordingInfo, ReplayTiming } from './storeTypes'
import type { CallResult } from './wire'
import type { SavedTab } from './tabs'

export interface AppInfo {
  mode: 'desktop' | 'browser'
  version: string
  dataDir: string
  platform: string
}

export interface SyncState {
  connections: ConnectionInfo[]
  /** Held events of each connection after the `seq` the caller named (all held ones otherwise), oldest first. */
  events: SockEvent[]
  /** Per connection id: how many events after the named `seq` the host no longer holds (shown as a marker). */
  missed: Record<string, number>
  /** The page's tabs as it last saved them (`tabsSave`), or null for a new window. */
  tabs: SavedTab[] | null
}

/** Something the host wants every window to know that belongs to no connection (e.g. an internal error). */
export interface HostNotice {
  level: 'error' | 'warning'
  message: string
  ts: number
}

export interface PayloadRange {
  offset: number
  length: number
}

/** What the renderer may call. Every method is async on both transports. */
export interface SockscopeMethods {
  appInfo(): Promise<AppInfo>
  /**
   * Starts a connection. The caller may choose its id (a UUID) so it can route events that arrive before this
   * call returns: over Electron IPC a reply and an event sent after it are not ordered. `about.profile` names the
   * profile it was opened from, kept in its recording so the Recordings list can be searched and titled by it.
   */
  connect(options: ConnectionOptions, id?: string, about?: { profile?: string }): Promise<{ id: string }>
  send(id: string, message: OutgoingMessage): Promise<void>
  /** Control frames; payload is UTF-8 text, at most 125 bytes. */
  ping(id: string, payload: string): Promise<void>
  pong(id: string, payload: string): Promise<void>
  close(id: string, code?: number, reason?: string): Promise<void>
  terminate(id: string): Promise<void>
  cancelReconnect(id: string): Promise<boolean>
  /** Skips a scheduled reconnect's wait and tries at once; false when no retry was scheduled. */
  reconnectNow(id: string): Promise<boolean>
  /** Forget a connection (closing it first if needed). */
  remove(id: string): Promise<void>
  list(): Promise<ConnectionInfo[]>
  /**
   * After a renderer reload or a dropped bridge: the connections this window owns and their events after the
   * last `seq` the caller saw per connection (all held events when not named), with what could not be recovered.
   */
  sync(since?: Record<string, number>): Promise<SyncState>
  /**
   * The full payload behind a preview's `ref` (or a `RECORDED_REF`: one the page dropped, read back from the
   * recording), or null once it is no longer held. With a range, only that piece
   * (UTF-16 code units of a text, bytes of a binary payload; shorter at the end): a big payload fetched whole
   * arrives as one message that stalls the page while it is received.
   */
  fetchPayload(ref: string, range?: PayloadRange): Promise<string | Uint8Array | null>
  /** Keeps the page's tabs (settings, composer, profile link) for this window, in memory, for a reload. */
  tabsSave(tabs: SavedTab[]): Promise<void>

  /** Profiles, folders and environments, secrets put back where held, and any problem to show. */
  profilesState(): Promise<ProfilesState>
  profileSave(profile: Profile): Promise<Profile>
  profileDelete(id: string): Promise<void>
  environmentSave(environment: Environment): Promise<Environment>
  environmentDelete(id: string): Promise<void>
  foldersSet(folders: string[]): Promise<void>
  settingsSet(settings: ProfilesDoc['settings']): Promise<void>
  /** Secrets typed in for this session (browser mode, or ones that could not be decrypted). Keys as in missingSecrets. */
  secretsProvide(entries: Record<string, string>): Promise<void>
  /** Sockscope JSON of the given profiles (all when null) and environments; secrets as placeholders unless included. */
  exportProfiles(ids: string[] | null, includeSecrets: boolean): Promise<FileResult>
  /** Desktop: null opens a file dialog. Browser: the renderer passes the uploaded file. */
  /**
   * `onDuplicate`: what a profile or environment does when one with its name is here but differs (an identical one
   * is always skipped); 'keep-both' by default.
   */
  importFile(file: { name: string; content: string } | null, onDuplicate?: 'keep-both' | 'replace' | 'skip'): Promise<ImportSummary>
  recordingsList(): Promise<RecordingInfo[]>
  /** A recording's events (at most 200,000), with notes on lines skipped and events not loaded. */
  recordingRead(id: string): Promise<{ url: string; events: SockEvent[]; notes: string[] }>
  /**
   * `decoded`: NDJSON and HAR add each message's decoded form beside its raw bytes, through the decode settings the
   * connection had when it was recorded (pinned chains, Protobuf schema), else as sniffed.
   */
  recordingExport(id: string, format: 'ndjson' | 'har' | 'csv', decoded?: boolean): Promise<FileResult>
  /** Deletes a finished recording (a live one is refused). */
  recordingDelete(id: string): Promise<void>
  /** Deletes every finished recording; live ones stay. */
  recordingsDeleteAll(): Promise<{ deleted: number; live: number }>
  /** Sends a recording's outgoing messages over a new connection (owned by this window). */
  /** `total`: how many messages the replay will send, so the page can show its progress as they go out. */
  replay(recordingId: string, options: ConnectionOptions, timing: ReplayTiming, id?: string): Promise<{ id: string; total: number }>
  /** Starts (once) the app's own echo server on 127.0.0.1, for a first try with no server at hand; its URL. */
  echoServerStart(): Promise<{ url: string }>
  /**
   * Serves the server side of a recording as a WebSocket server ("Serve as mock…", issue 18): on 127.0.0.1 unless
   * `host` says otherwise; it runs until stopped or the app quits.
   */
  mockStart(recordingId: string, options: MockSettings): Promise<{ id: string; url: string; notes: string[] }>
  mockStop(id: string): Promise<void>
  /** What clients did on a running mock, from entry `since` on (the log is the mock's latest 10,000 entries). */
  mockLog(id: string, since: number): Promise<{ entries: MockLogLine[]; next: number; running: boolean }>
  /** The Scenarios panel (issue 18): the data folder's `scenarios/` first, then each folder the user opened. */
  scenariosList(): Promise<ScenarioFolder[]>
  /**
   * Adds a folder to the panel (a repo, say): `path` in browser mode; null in the desktop app asks with the system's
   * folder dialog (null back when the user cancels). The panel's folders after it.
   */
  scenarioFolderOpen(path: string | null): Promise<ScenarioFolder[] | null>
  /** Takes an opened folder off the panel; its files stay where they are. */
  scenarioFolderClose(path: string): Promise<ScenarioFolder[]>
  scenarioRead(file: ScenarioRef): Promise<string>
  /** Writes the file (making its folder if needed); data-folder names are `[\w .-]+\.ya?ml`. */
  scenarioSave(file: ScenarioRef, text: string): Promise<void>
  /** Everything wrong with the text, in document order (see src/scenario/problems.ts); empty when it can run. */
  scenarioCheck(text: string): Promise<{ problems: ScenarioProblem[] }>
  /** Starts the saved file in the host; a file that does not parse is refused with its line and what is wrong. */
  scenarioRun(file: ScenarioRef): Promise<{ runId: string }>
  /** A run's steps from index `since` on, and its connections (the page polls); the latest 20 runs are kept. */
  scenarioRunState(runId: string, since: number): Promise<ScenarioRunState>
  /** Stops a run: the step under way fails saying so, the rest are skipped; resolves once its connections closed. */
  scenarioRunStop(runId: string): Promise<void>
  /** The events of one connection of a run, to show read-only (a step's rows); the latest 5 runs keep theirs. */
  scenarioRunLog(runId: string, connectionId: string): Promise<ScenarioRunLog>
}

/** A scenario step's result, as the runner reports it (the page's project does not build src/scenario). */
export type ScenarioStep = StepResult

export interface MockSettings {
  host?: string
  timing: 'original' | 'fast'
  match: 'order' | 'content'
}

export type MockLogKind = 'connected' | 'matched' | 'differs' | 'unmatched' | 'sent' | 'disconnected'

/** One line of a mock's log: client n connected, a message matched (or not), a reply sent, a client left. */
export interface MockLogLine {
  ts: number
  client: number
  kind: MockLogKind
  text: string
}

/** The mark each kind of mock log line starts with, in the app's Mocks panel and in `sockscope mock`'s output. */
export const MOCK_LOG_MARK: Record<MockLogKind, string> = {
  connected: '+',
  matched: '✓',
  differs: '~',
  unmatched: '✗',
  sent: '→',
  disconnected: '-'
}

export type MethodName = keyof SockscopeMethods

/** The method names, in one list the preload and both hosts iterate. Kept in step with the interface by the type below. */
export const METHOD_NAMES = [
  'appInfo',
  'connect',
  'send',
  'ping',
  'pong',
  'close',
  'terminate',
  'cancelReconnect',
  'reconnectNow',
  'remove',
  'list',
  'sync',
  'fetchPayload',
  'tabsSave',
  'profilesState',
  'profileSave',
  'profileDelete',
  'environmentSave',
  'environmentDelete',
  'foldersSet',
  'settingsSet',
  'secretsProvide',
  'exportProfiles',
  'importFile',
  'recordingsList',
  'recordingRead',
  'recordingExport',
  'recordingDelete',
  'recordingsDeleteAll',
  'replay',
  'echoServerStart',
  'mockStart',
  'mockStop',
  'mockLog',
  'scenariosList',
  'scenarioFolderOpen',
  'scenarioFolderClose',
  'scenarioRead',
  'scenarioSave',
  'scenarioCheck',
  'scenarioRun',
  'scenarioRunState',
  'scenarioRunStop',
  'scenarioRunLog'
] as const satisfies readonly MethodName[]

// Fails to compile if a method is in the interface but not in the list.
type Missing = Exclude<MethodName, (typeof METHOD_NAMES)[number]>
const _allListed: Missing extends never ? true : Missing = true
void _allListed

export type EventListener = (batch: SockEvent[]) => void

/** The bridge to the host: up, lost (host gone or unreachable: state unknown), or taken over by another page. */
export type LinkState = 'up' | 'down' | 'taken'

/** What `window.sockscope` (desktop) and the bridge client (browser) both provide. */
export interface SockscopeApi extends SockscopeMethods {
  /** Subscribe to event batches; returns the unsubscribe function. */
  onEvents(listener: EventListener): () => void
  /** Menu commands (desktop only; browser mode handles the same shortcuts in the page). Returns the unsubscribe function. */
  onCommand(listener: (command: string) => void): () => void
  /** Host notices that belong to no connection. Returns the unsubscribe function. */
  onNotice(listener: (notice: HostNotice) => void): () => void
  /**
   * The link to the host (browser mode: the bridge socket; desktop: always up). After `down` → `up` the page
   * re-syncs by `seq`; `resumed` says whether the host still had this page's session.
   */
  onLink(listener: (state: LinkState, resumed: boolean) => void): () => void
}

/**
 * What the desktop preload exposes as `window.sockscope`: each method resolves to a `CallResult`, never rejects
 * with Electron's wrapped error, and the renderer's api layer unwraps it (see `renderer/src/api`).
 */
export type PreloadApi = {
  [K in MethodName]: (...args: Parameters<SockscopeMethods[K]>) => Promise<CallResult<Awaited<ReturnType<SockscopeMethods[K]>>>>
} & Pick<SockscopeApi, 'onEvents' | 'onCommand' | 'onNotice'>

export const IPC_PREFIX = 'sockscope:'
export const IPC_EVENTS = 'sockscope:events'
export const IPC_COMMANDS = 'sockscope:command'
/** Preload → main: the page has taken event batch n (flow control). */
export const IPC_ACK = 'sockscope:ack'
export const IPC_NOTICE = 'sockscope:notice'

/**
 * A reference to a payload the page dropped from memory to stay under its byte budget, passed to `fetchPayload`
 * like a payload store reference: the host reads the event back from the connection's recording.
 * `rec:<connection id>:<seq>`, plus `:<payload store ref>` when the host may still hold it in memory (faster).
 */
export const RECORDED_REF = /^rec:([\w.-]{1,100}):(\d{1,16})(?::([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))?$/i

export interface RecordedRef {
  connection: string
  seq: number
  held?: string
}

export function recordedRef(connection: string, seq: number, held?: string): string {
  return `rec:${connection}:${seq}${held ? `:${held}` : ''}`
}

export function parseRecordedRef(ref: string): RecordedRef | null {
  const m = RECORDED_REF.exec(ref)
  return m ? { connection: m[1], seq: Number(m[2]), ...(m[3] ? { held: m[3] } : {}) } : null
}
