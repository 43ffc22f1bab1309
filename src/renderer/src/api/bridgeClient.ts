/**
 * Browser mode's transport: the contract over the loopback WebSocket bridge. When the bridge drops (the host
 * restarted or died) it says so at once (`onLink('down')`), retries, and on re-attach reports whether the host
 * still had this page's session, so the page can re-sync by `seq`.
 */
import {
  METHOD_NAMES,
  type EventListener,
  type HostNotice,
  type LinkState,
  type SockscopeApi,
  type SockscopeMethods
} from '../../../shared/api'
import { ApiError, eventsFromBinaryFrame, eventsFromWire, fromWire, toWire, type ClientFrame, type ServerFrame } from '../../../shared/wire'
import type { SockEvent } from '../../../shared/events'
import { readFrames } from '../../../shared/streamFrames'

const SESSION_KEY = 'sockscope.bridgeSession'
const RETRY_MS = 1000
/** A stream whose answer has not started by then waits behind the browser's connection limit: stay on the socket. */
const STREAM_START_MS = 3000

/** The event stream's address: the bridge's, over HTTP, with the id the welcome gave. */
function streamUrl(bridgeUrl: string, id: string): string {
  const u = new URL(bridgeUrl)
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:'
  u.pathname = '/bridge/events'
  u.searchParams.set('stream', id)
  return u.href
}

type LinkListener = (state: LinkState, resumed: boolean) => void

export function createBridgeClient(bridgeUrl: string): SockscopeApi {
  const listeners = new Set<EventListener>()
  const notices = new Set<(n: HostNotice) => void>()
  const links = new Set<LinkListener>()
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let next = 1
  let ready: Promise<WebSocket> | null = null
  let link: LinkState | null = null
  let taken = false

  const setLink = (state: LinkState, resumed = false): void => {
    if (state === link && state !== 'up') return
    link = state
    for (const l of links) l(state, resumed)
  }

  const connect = (): Promise<WebSocket> => {
    if (ready) return ready
    ready = new Promise<WebSocket>((resolve, reject) => {
      const sock = new WebSocket(bridgeUrl)
      const deliver = (batch: SockEvent[]): void => {
        for (const l of listeners) l(batch)
      }
      // A call's answer: on the socket, or on the stream when it is big.
      const answer = (f: Extract<ServerFrame, { t: 'ret' }>): void => {
        const p = pending.get(f.n)
        pending.delete(f.n)
        if (!p) return
        if (f.ok) p.resolve(fromWire(f.v))
        else p.reject(new ApiError(f.e))
      }
      // Batches the stream brought before the socket said `streamed` (the socket's own earlier ones come first).
      let streamed = false
      let early: SockEvent[][] = []
      const openStream = (id: string): void => {
        const abort = new AbortController()
        const slow = setTimeout(() => abort.abort(), STREAM_START_MS)
        sock.addEventListener('close', () => abort.abort())
        let attached = false
        fetch(streamUrl(bridgeUrl, id), { signal: abort.signal, cache: 'no-store' })
          .then((res) => {
            clearTimeout(slow)
            if (!res.ok || !res.body) return
            attached = true
            return readFrames(res.body, (frame) => {
              // Once the socket is gone, frames still buffered in the stream are stale: the page re-syncs by `seq`
              // on its next socket, and applying them after that re-sync would put rows out of order.
              if (sock.readyState !== WebSocket.OPEN) return
              if (typeof frame !== 'string') {
                const batch = eventsFromBinaryFrame(frame)
                if (streamed) deliver(batch)
                else early.push(batch)
                return
              }
              const f = JSON.parse(frame) as ServerFrame
              if (f.t === 'ret') answer(f)
              else if (f.t === 'ev' && streamed) deliver(eventsFromWire(f.b))
              else if (f.t === 'ev') early.push(eventsFromWire(f.b))
            })
          })
          .catch(() => undefined)
          // A stream that ends while the socket lives may have lost batches in flight: re-attach and re-sync.
          .finally(() => {
            clearTimeout(slow)
            if (attached && sock.readyState === WebSocket.OPEN) sock.close()
          })
      }
      sock.onopen = () => {
        const hello: ClientFrame = { t: 'hello', session: sessionStorage.getItem(SESSION_KEY) ?? undefined, stream: true }
        sock.send(JSON.stringify(hello))
      }
      sock.onmessage = (ev) => {
        const f = JSON.parse(ev.data as string) as ServerFrame
        if (f.t === 'welcome') {
          sessionStorage.setItem(SESSION_KEY, f.session)
          if (f.stream) openStream(f.stream)
          resolve(sock)
          setLink('up', f.resumed)
        } else if (f.t === 'ev') {
          deliver(eventsFromWire(f.b))
        } else if (f.t === 'streamed') {
          streamed = true
          for (const b of early) deliver(b)
          early = []
        } else if (f.t === 'ret') {
          answer(f)
        } else if (f.t === 'notice') {
          for (const l of notices) l(f.n)
        } else if (f.t === 'taken') {
          taken = true
          setLink('taken')
        } else if (f.t === 'bad') {
          console.warn(`Sockscope host refused a bridge frame: ${f.why}`)
        }
      }
      sock.onclose = () => {
        ready = null
        for (const p of pending.values()) p.reject(new Error('The connection to the Sockscope host was lost; retrying.'))
        pending.clear()
        reject(new Error('The Sockscope host refused or closed the bridge.'))
        if (taken) return // another page holds this session now: do not fight it for the session
        setLink('down')
        setTimeout(() => void connect().catch(() => undefined), RETRY_MS)
      }
    })
    return ready
  }

  const call = async (m: keyof SockscopeMethods, args: unknown[]): Promise<unknown> => {
    if (taken) throw new Error('Another tab took over this window’s session: reload the page to start a new one.')
    const sock = await connect()
    const n = next++
    // JSON turns a trailing `undefined` into null, which the schema rightly refuses: leave them off.
    while (args.length && args[args.length - 1] === undefined) args = args.slice(0, -1)
    return new Promise((resolve, reject) => {
      pending.set(n, { resolve, reject })
      const frame: ClientFrame = { t: 'call', n, m, a: toWire(args) as unknown[] }
      sock.send(JSON.stringify(frame))
    })
  }

  const methods = Object.fromEntries(METHOD_NAMES.map((m) => [m, (...args: unknown[]) => call(m, args)])) as unknown as SockscopeMethods
  void connect().catch(() => undefined)
  const subscribe =
    <T>(set: Set<T>) =>
    (l: T): (() => void) => {
      set.add(l)
      return () => set.delete(l)
    }
  return {
    ...methods,
    onEvents: subscribe(listeners),
    onCommand: () => () => undefined,
    onNotice: subscribe(notices),
    onLink: subscribe(links)
  }
}
