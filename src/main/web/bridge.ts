/**
 * The browser-mode bridge: one loopback WebSocket per page, speaking the contract. Sessions have one owner:
 * a page that names a session another live page holds (a duplicated tab copies sessionStorage) gets its own,
 * unless it asks to take over, and then the first page is told. Every frame is validated; none can end the host.
 */
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { WebSocket } from 'ws'
import { errorToWire, fromWire, parseClientFrame, toWire, type ServerFrame } from '../../shared/wire'
import { binaryEventFrame, eventFrame } from '../service/eventJson'
import { EventStreams } from './eventStream'
import type { SockscopeService } from '../service/service'
import type { ClientSession, SessionTransport } from '../service/session'

export interface BridgeOptions {
  /** How long a page's connections outlive its bridge socket (a reload re-attaches within it). */
  graceMs: number
  /** How long a page that holds a session has to answer a ping before another page may resume it. */
  probeMs?: number
  log: (line: string) => void
}

/** Close code for a bridge whose session another page took over (4000-4999: private use, RFC 6455 §7.4.2). */
export const TAKEN_OVER = 4001

/** Answers at least this long (characters) go down the event stream where the page has one. */
const BIG_ANSWER = 64 * 1024

export class Bridges {
  /** The socket currently attached to each session. */
  private readonly socketOf = new Map<ClientSession, WebSocket>()
  private readonly pendingClose = new Map<string, NodeJS.Timeout>()
  readonly streams = new EventStreams()

  constructor(
    private readonly service: SockscopeService,
    private readonly o: BridgeOptions
  ) {}

  accept(ws: WebSocket): void {
    let session: ClientSession | null = null
    let greeting: Promise<{ session: ClientSession; resumed: boolean }> | null = null
    let streamId: string | null = null
    const send = (f: ServerFrame | string): void => {
      if (ws.readyState === ws.OPEN) ws.send(typeof f === 'string' ? f : JSON.stringify(f))
    }
    const transport: SessionTransport = {
      deliver: (batch) => {
        // The stream takes binary frames (large payloads as bytes); the socket, JSON as a text frame, which is all
        // the page parses there.
        if (this.streams.attached(streamId)) this.streams.write(streamId, binaryEventFrame(batch))
        else if (ws.readyState === ws.OPEN) ws.send(eventFrame(batch).subarray(4), { binary: false })
      },
      // What the bridge socket and the event stream still hold for the page: the flow-control signal.
      pending: () => ws.bufferedAmount + this.streams.pending(streamId),
      notice: (n) => send({ t: 'notice', n })
    }
    ws.on('message', (raw) => {
      const parsed = parseClientFrame(raw.toString())
      if (!parsed.ok) {
        this.o.log(`sockscope web: refused a bridge frame: ${parsed.why}`)
        if (parsed.n !== undefined) send({ t: 'ret', n: parsed.n, ok: false, e: { message: `Bad request: ${parsed.why}` } })
        else send({ t: 'bad', why: parsed.why })
        return
      }
      const frame = parsed.frame
      if (frame.t === 'hello') {
        // One session per socket: a repeated hello gets the same answer, never a new session.
        greeting ??= this.hello(ws, transport, frame.session, frame.takeover === true)
        greeting.then(
          (r) => {
            session = r.session
            if (frame.stream) streamId ??= this.streams.offer(ws)
            send({ t: 'welcome', session: r.session.key, resumed: r.resumed, ...(streamId ? { stream: streamId } : {}) })
          },
          (err: unknown) => {
            this.o.log(`sockscope web: could not open a session: ${(err as Error).message}`)
            send({ t: 'bad', why: 'the host could not open a session' })
          }
        )
        return
      }
      // Calls that follow a hello wait for it (frames are handled in order); calls without one are refused.
      const ready = session ? Promise.resolve({ session }) : greeting
      void (ready ?? Promise.resolve({ session: null }))
        .then(({ session: current }) => {
          if (!current || !current.isTarget(transport)) {
            throw Object.assign(new Error('This page has no session on the host: reload the page.'), { code: 'NO_SESSION' })
          }
          return this.service.call(current, frame.m, fromWire(frame.a))
        })
        .then(
          (v) => {
            const text = JSON.stringify({ t: 'ret', n: frame.n, ok: true, v: toWire(v ?? null) } satisfies ServerFrame)
            // A big answer (a whole payload) takes the faster stream when there is one; order among answers is free.
            if (text.length < BIG_ANSWER || !this.streams.write(streamId, text)) send(text)
          },
          (err: unknown) => send({ t: 'ret', n: frame.n, ok: false, e: errorToWire(err) })
        )
        // Answering itself failed (a value JSON cannot carry, a stream that broke mid-write): the page is told, and
        // nothing is left to reject unhandled in the host.
        .catch((err: unknown) => {
          this.o.log(`sockscope web: could not answer ${frame.m}: ${(err as Error)?.message ?? String(err)}`)
          send({ t: 'ret', n: frame.n, ok: false, e: { message: 'The host could not send its answer; try again.' } })
        })
    })
    ws.on('close', () => {
      if (!session || !session.detach(transport)) return
      this.socketOf.delete(session)
      this.scheduleClose(session)
    })
    ws.on('error', () => undefined) // a broken page socket ends in 'close'
  }

  private async hello(
    ws: WebSocket,
    transport: SessionTransport,
    key: string | undefined,
    takeover: boolean
  ): Promise<{ session: ClientSession; resumed: boolean }> {
    const existing = key ? this.service.session(key) : undefined
    if (existing) {
      const holder = this.socketOf.get(existing)
      const free = !existing.attached || !holder || (!takeover && !(await this.alive(holder)))
      if (free || takeover) {
        if (holder && holder !== ws) this.release(holder, existing, takeover)
        clearTimeout(this.pendingClose.get(existing.key))
        this.pendingClose.delete(existing.key)
        existing.attach(transport)
        this.socketOf.set(existing, ws)
        return { session: existing, resumed: true }
      }
    }
    const session = this.service.openSession(randomUUID(), transport)
    this.socketOf.set(session, ws)
    return { session, resumed: false }
  }

  /** The page holding a session is still there if its socket answers a ping (a reloading page's does not). */
  private alive(holder: WebSocket): Promise<boolean> {
    if (holder.readyState !== holder.OPEN) return Promise.resolve(false)
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer)
        holder.off('pong', onPong)
        resolve(ok)
      }
      const onPong = (): void => done(true)
      const timer = setTimeout(() => done(false), this.o.probeMs ?? 1000)
      holder.on('pong', onPong)
      holder.ping()
    })
  }

  /** The old page loses the session: told first when it is a take-over, then its socket is closed. */
  private release(holder: WebSocket, session: ClientSession, told: boolean): void {
    this.socketOf.delete(session)
    if (told && holder.readyState === holder.OPEN) holder.send(JSON.stringify({ t: 'taken' } satisfies ServerFrame))
    holder.close(TAKEN_OVER, 'session taken over by another page')
  }

  private scheduleClose(session: ClientSession): void {
    // A page without connections has nothing to come back for.
    if (session.connections.size === 0) return this.service.closeSession(session.key)
    this.pendingClose.set(
      session.key,
      setTimeout(() => {
        this.pendingClose.delete(session.key)
        if (!session.attached) this.service.closeSession(session.key)
      }, this.o.graceMs)
    )
  }

  /** The page's request for its event stream (see eventStream.ts); false when the id names no waiting bridge. */
  attachStream(id: string, res: ServerResponse, headers: Record<string, string>): boolean {
    const ws = this.streams.socketOf(id)
    return this.streams.attach(id, res, headers, () => {
      if (ws && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'streamed' } satisfies ServerFrame))
    })
  }

  dispose(): void {
    this.streams.dispose()
    for (const t of this.pendingClose.values()) clearTimeout(t)
    this.pendingClose.clear()
  }
}
