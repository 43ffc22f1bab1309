/**
 * One connection of `sockscope send` or `listen`, driven through the engine (src/main/core) exactly as the app
 * drives it: the same option handling, protocol handshakes, error classes and close meanings. It prints what
 * arrives (text lines, or one NDJSON event per line in the recording's own shape), says errors on stderr with the
 * engine's class, code and next step, and settles on the exit code: 0 when all went well, 1 when the connection
 * failed, closed abnormally or with an error code, or an error was reported on the way.
 */
import { ConnectionManager } from '../main/core/index'
import type { ConnectionState, ErrorEvent, MessageEvent, SockEvent } from '../shared/events'
import { DEFAULTS, type ConnectionOptions, type OutgoingMessage } from '../shared/options'
import { eventToWire } from '../shared/wire'

/** How a command talks to the world; `runCommand` (run.ts) takes the same first four. */
export interface CliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  isTTY: boolean
  cwd: string
  env?: NodeJS.ProcessEnv
  /** Lines to send when `send` gets no MESSAGE (only read when it is not a terminal). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean }
  /** Aborted on Ctrl+C (SIGINT) or SIGTERM: `listen` closes cleanly, `send` stops early. */
  interrupt?: AbortSignal
}

export interface SessionOptions {
  command: 'send' | 'listen'
  ndjson: boolean
  /** Say on stderr when the connection opens, closes or reconnects (listen), not only when something fails. */
  notes: boolean
  /** Close after this many messages arrived, and print no more than those (listen --count). */
  count?: number
}

/** Close codes that mean the server ended the conversation on purpose (RFC 6455 §7.4.1). */
const NORMAL_CLOSE = new Set([1000, 1001])

/** A message as one line of text output: text as it is, binary as its size and hex bytes. */
export function payloadLine(e: MessageEvent): string {
  if (typeof e.data === 'string') return e.data
  return `[binary, ${e.size} bytes] ${Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength).toString('hex')}`
}

/** The engine's next-step sentences speak of the app's TLS tab; here the flags do that job. */
export function commandLineNext(next: string): string {
  return next
    .replace(/allow invalid certificates( for this connection)?/g, 'pass --insecure')
    .replace(/(import (it|its CA|that CA)( as a CA)?) in the TLS tab/g, 'trust it with --ca FILE')
    .replace(/ in the TLS tab/g, ' (--ca FILE)')
}

export class CliSession {
  private readonly manager: ConnectionManager
  private id = ''
  private state: ConnectionState = 'connecting'
  private failed = false
  private errorThisAttempt = false
  private closing = false
  /** Our own messages in the preamble, watched for on the way out: once the last one went, the rest may follow. */
  private watched: OutgoingMessage[]
  private readonly readyPromise: Promise<boolean>
  private settleReady!: (ok: boolean) => void
  private readonly donePromise: Promise<number>
  private settleDone!: (code: number) => void
  private received = 0

  constructor(
    private readonly io: CliIo,
    private readonly opts: SessionOptions,
    private readonly options: ConnectionOptions,
    /** Messages of ours put at the end of the options' preamble: the engine sends them once a protocol's handshake is accepted. */
    preamble: OutgoingMessage[] = []
  ) {
    this.watched = [...preamble]
    this.options = { ...options, preamble: [...(options.preamble ?? []), ...preamble] }
    this.readyPromise = new Promise((r) => (this.settleReady = r))
    this.donePromise = new Promise((r) => (this.settleDone = r))
    this.manager = new ConnectionManager((e) => this.event(e))
  }

  start(): void {
    this.id = this.manager.open(this.options).id
  }

  /** True once our preamble went out (at once on open when there is none); false when the connection ended first. */
  ready(): Promise<boolean> {
    return this.readyPromise
  }

  /** The exit code, once the connection is closed for good. */
  done(): Promise<number> {
    return this.donePromise
  }

  get open(): boolean {
    return this.state === 'open'
  }

  async send(message: OutgoingMessage): Promise<boolean> {
    if (this.state !== 'open') return false
    try {
      await this.manager.send(this.id, message)
      return true
    } catch (e) {
      this.fail(`could not send: ${e instanceof Error ? e.message : String(e)}`)
      return false
    }
  }

  /** Our normal closure (1000); a second call (a second Ctrl+C) drops the socket without waiting. */
  close(): void {
    if (this.closing) {
      this.manager.terminate(this.id)
      this.finish()
      return
    }
    this.closing = true
    this.manager.close(this.id, 1000)
    // Closed already, or only waiting for a reconnect that close() just called off: nothing more will come.
    if (this.state === 'closed') this.finish()
  }

  /** Marks the run failed with a sentence on stderr. */
  fail(message: string): void {
    this.failed = true
    this.io.stderr(`sockscope ${this.opts.command}: ${message}\n`)
  }

  private note(text: string): void {
    if (this.opts.notes) this.io.stderr(`${text}\n`)
  }

  private event(e: SockEvent): void {
    const incoming = e.type === 'message' && e.dir === 'in'
    if (this.opts.ndjson && !incoming) this.printJson(e)
    switch (e.type) {
      case 'state':
        this.state = e.state
        if (e.state === 'connecting') this.errorThisAttempt = false
        if (e.state === 'open' && !this.watched.length) this.settleReady(true)
        if (e.state === 'open' && this.watched.length) this.guardHandshake()
        if (e.state === 'closed') {
          this.settleReady(false)
          // A reconnect is scheduled right after `closed`, in the same turn: look once it had its chance.
          setImmediate(() => {
            const info = this.manager.list().find((c) => c.id === this.id)
            if (!info?.reconnectPending) this.finish()
          })
        }
        break
      case 'handshake':
        this.note(`Connected to ${e.url}${e.protocol ? ` (subprotocol ${e.protocol})` : ''}.`)
        break
      case 'message':
        if (e.dir === 'in') this.incoming(e)
        else this.watchOutgoing(e)
        break
      case 'error':
        this.reportError(e)
        break
      case 'close':
        this.closed(e.code, e.reason, e.meaning, e.initiator)
        break
      case 'reconnect':
        if (!e.cancelled) this.note(`Reconnecting in ${Math.round(e.delayMs)} ms (attempt ${e.attempt}).`)
        break
    }
  }

  /** A protocol's server that never accepts the handshake would hold our messages forever: give up as the app does. */
  private guardHandshake(): void {
    const ms = this.options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs
    const timer = setTimeout(() => {
      if (!this.watched.length || this.state !== 'open') return
      this.fail(`the server did not accept the protocol's handshake within ${ms} ms, so nothing was sent.`)
      this.close()
    }, ms)
    void this.readyPromise.then(() => clearTimeout(timer))
  }

  /** One event as a line of a Sockscope NDJSON recording (bytes as `{"$b": base64}`). */
  private printJson(e: SockEvent): void {
    this.io.stdout(`${JSON.stringify(eventToWire(e))}\n`)
  }

  private incoming(e: MessageEvent): void {
    const max = this.opts.count ?? Infinity
    if (this.received >= max) return // what arrives while our close is under way is past the count
    this.received++
    if (this.opts.ndjson) this.printJson(e)
    else this.io.stdout(`${payloadLine(e)}\n`)
    if (this.received === max) this.close()
  }

  private watchOutgoing(e: MessageEvent): void {
    const next = this.watched[0]
    if (!next || e.error) return
    const data = typeof e.data === 'string' ? e.data : Buffer.from(e.data).toString(next.kind === 'binary' ? next.encoding : 'hex')
    if (next.data === data || (next.kind === 'binary' && next.encoding === 'hex' && next.data.toLowerCase() === data)) this.watched.shift()
    if (!this.watched.length) this.settleReady(true)
  }

  private reportError(e: ErrorEvent): void {
    this.errorThisAttempt = true
    const tag = [e.class, e.code].filter(Boolean).join(', ')
    this.fail(`${e.message} (${tag})\n  ${commandLineNext(e.next)}`)
  }

  private closed(code: number, reason: string, meaning: string, initiator: 'local' | 'remote' | 'abnormal'): void {
    const what = `${code} ${meaning}${reason ? `: ${reason}` : ''}`
    if (initiator === 'abnormal') {
      // The error that caused it was said already; a drop with no error gets its own sentence.
      if (!this.errorThisAttempt) this.fail(`the connection dropped without a close frame (${what}).`)
      else this.failed = true
    } else if (initiator === 'remote' && !NORMAL_CLOSE.has(code)) {
      this.fail(`the server closed the connection with ${what}.`)
    } else this.note(initiator === 'remote' ? `The server closed the connection (${what}).` : `Closed (${what}).`)
  }

  private finish(): void {
    this.manager.dispose()
    this.settleDone(this.failed ? 1 : 0)
  }
}
