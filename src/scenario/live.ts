/**
 * The connections of one scenario run, on the app's own engine (src/main/core ConnectionManager): for each, the
 * messages not yet consumed by an expect, what was last seen (for failure reports), and how it closed. Steps wait on
 * a connection through `until`, which re-checks on each of its events.
 */
import { ConnectionManager } from '../main/core/manager'
import type { CloseEvent, ConnectionState, ControlEvent, ErrorEvent, MessageEvent, SockEvent } from '../shared/events'
import type { ConnectionOptions } from '../shared/options'
import { describeFrame, protocolOf, type ProtocolKind } from '../shared/protocols'
import { closeCodeMeaning } from '../shared/closeCodes'
import { messageLine } from './matchers'
import { StepFailure } from './variables'

/** How many lines of recent traffic a failure shows. */
const RECENT_LINES = 8

export class LiveConnection {
  state: ConnectionState | 'new' = 'new'
  /** Received messages no expect has consumed yet, oldest first. */
  readonly inbox: MessageEvent[] = []
  lastReceived?: MessageEvent
  /** The message the latest expect matched: what `extract` reads. */
  lastMatched?: MessageEvent
  lastSentSeq?: number
  closed?: CloseEvent
  lastError?: ErrorEvent
  readonly pongs: ControlEvent[] = []
  /** The last lines of traffic either way, newest last. */
  readonly recent: string[] = []
  protocol: ProtocolKind = 'raw'
  subprotocol: string | null = null
  readonly listeners = new Set<() => void>()

  constructor(
    readonly name: string,
    readonly id: string,
    readonly options: ConnectionOptions
  ) {}

  get isOpen(): boolean {
    return this.state === 'open'
  }

  /** Why this connection cannot be used, in words (`alice closed: the server closed it with 1001 (going away)`). */
  whyNotOpen(): string {
    if (this.closed) return `${this.name} is closed: ${closeWords(this.closed)}`
    if (this.lastError) return `${this.name} is not open: ${this.lastError.message}`
    return `${this.name} is ${this.state === 'new' ? 'not open yet' : this.state}`
  }

  receive(e: SockEvent): void {
    switch (e.type) {
      case 'state':
        this.state = e.state
        break
      case 'handshake':
        this.subprotocol = e.protocol || null
        this.protocol = protocolOf(e.url, this.options.protocol, this.subprotocol)
        break
      case 'message':
        if (e.dir === 'out') {
          this.lastSentSeq = e.seq
          this.note(messageLine('out', e))
        } else if (!this.isKeepAlive(e)) {
          this.inbox.push(e)
          this.lastReceived = e
          this.note(messageLine('in', e))
        }
        break
      case 'pong':
        if (e.dir === 'in') this.pongs.push(e)
        break
      case 'close':
        this.closed = e
        this.note(`✕ ${closeWords(e)}`)
        break
      case 'error':
        this.lastError = e
        break
    }
    for (const l of [...this.listeners]) l()
  }

  /** A protocol's own keep-alive (a Socket.IO ping, a STOMP heart-beat) is never a message a step waits for. */
  private isKeepAlive(e: MessageEvent): boolean {
    if (this.protocol === 'raw') return false
    try {
      return describeFrame(this.protocol, e.data, this.subprotocol)?.keepAlive ?? false
    } catch {
      return false
    }
  }

  private note(line: string): void {
    this.recent.push(line)
    if (this.recent.length > RECENT_LINES) this.recent.shift()
  }
}

export function closeWords(c: CloseEvent): string {
  const meaning = c.meaning || closeCodeMeaning(c.code)
  const who = c.initiator === 'local' ? 'we closed it' : c.initiator === 'remote' ? 'the server closed it' : 'it dropped'
  return `${who} with ${c.code}${meaning ? ` (${meaning})` : ''}${c.reason ? `, reason "${c.reason}"` : ''}`
}

/**
 * The failure of the step under way when the run is stopped: the signal's reason says by whom (`stopped from the
 * Scenarios panel`); without one it was Ctrl+C at the command line.
 */
export const interrupted = (signal?: AbortSignal): StepFailure =>
  new StepFailure('the run to go on', `it was ${typeof signal?.reason === 'string' ? signal.reason : 'interrupted (Ctrl+C)'}`)

/** Sees every event of a run's connections, with the connection's `as:` name (the app keeps them as the run's log). */
export type RunEventObserver = (connection: string, e: SockEvent) => void

export class ConnectionPool {
  private readonly byId = new Map<string, LiveConnection>()
  private readonly byName = new Map<string, LiveConnection>()
  private readonly manager = new ConnectionManager((e) => {
    const conn = this.byId.get(e.id)
    if (!conn) return
    this.observe?.(conn.name, e)
    conn.receive(e)
  })

  /** `interrupt`: Ctrl+C or the panel's Stop; a step waiting then fails at once, saying so. */
  constructor(
    private readonly interrupt?: AbortSignal,
    private readonly observe?: RunEventObserver
  ) {}

  get(name: string): LiveConnection | undefined {
    return this.byName.get(name)
  }

  /** Starts connecting (the manager validates the options and throws a ValidationError naming the field). */
  open(name: string, options: ConnectionOptions): LiveConnection {
    let conn: LiveConnection | undefined
    this.manager.open(options, (id) => {
      conn = new LiveConnection(name, id, options)
      this.byId.set(id, conn)
    })
    const old = this.byName.get(name)
    if (old) this.manager.remove(old.id)
    this.byName.set(name, conn!)
    return conn!
  }

  send(conn: LiveConnection, ...args: Parameters<ConnectionManager['send']> extends [string, ...infer R] ? R : never): Promise<void> {
    return this.manager.send(conn.id, ...args)
  }

  ping(conn: LiveConnection, payload: Uint8Array): void {
    this.manager.ping(conn.id, payload)
  }

  close(conn: LiveConnection, code?: number, reason?: string): void {
    this.manager.close(conn.id, code, reason)
  }

  /**
   * Resolves with what `check` finds, re-checking on each event of the connection, or with 'timeout' after `ms`.
   * The check runs once at once: what already arrived counts.
   */
  until<T>(conn: LiveConnection, ms: number, check: () => T | undefined, interruptible = true): Promise<T | 'timeout'> {
    const first = check()
    if (first !== undefined) return Promise.resolve(first)
    const interrupt = interruptible ? this.interrupt : undefined
    if (interrupt?.aborted) return Promise.reject(interrupted(interrupt))
    return new Promise((resolve, reject) => {
      const done = (v: T | 'timeout' | StepFailure): void => {
        clearTimeout(timer)
        conn.listeners.delete(listener)
        interrupt?.removeEventListener('abort', onAbort)
        if (v instanceof StepFailure) reject(v)
        else resolve(v)
      }
      const listener = (): void => {
        const v = check()
        if (v !== undefined) done(v)
      }
      const onAbort = (): void => done(interrupted(interrupt))
      const timer = setTimeout(() => done('timeout'), ms)
      conn.listeners.add(listener)
      interrupt?.addEventListener('abort', onAbort)
    })
  }

  /** Closes what is still open (1000), waits a little for each close handshake, then ends everything. */
  async shutdown(graceMs = 1000): Promise<void> {
    const closing = [...this.byName.values()].filter((c) => c.state === 'open' || c.state === 'connecting')
    for (const c of closing) {
      try {
        if (c.state === 'open') this.manager.close(c.id, 1000, '')
      } catch {
        // already going away
      }
    }
    // Not interruptible: after Ctrl+C the close handshakes still get their (short) time.
    await Promise.all(closing.map((c) => this.until(c, graceMs, () => (c.state === 'closed' ? true : undefined), false)))
    this.manager.dispose()
  }
}
