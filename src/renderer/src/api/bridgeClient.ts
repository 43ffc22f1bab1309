/** Browser mode's transport: the contract over the loopback WebSocket bridge, reconnecting across host restarts. */
import { METHOD_NAMES, type EventListener, type SockscopeApi, type SockscopeMethods } from '../../../shared/api'
import { eventsFromWire, fromWire, toWire, type ClientFrame, type ServerFrame, type WireError } from '../../../shared/wire'

export class BridgeError extends Error {
  field?: string
  code?: string
  constructor(e: WireError) {
    super(e.message)
    this.name = e.name ?? 'BridgeError'
    this.field = e.field
    this.code = e.code
  }
}

const SESSION_KEY = 'sockscope.bridgeSession'

export function createBridgeClient(bridgeUrl: string): SockscopeApi {
  const listeners = new Set<EventListener>()
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let next = 1
  let ready: Promise<WebSocket> | null = null

  const connect = (): Promise<WebSocket> => {
    if (ready) return ready
    ready = new Promise<WebSocket>((resolve, reject) => {
      const sock = new WebSocket(bridgeUrl)

      sock.onopen = () => {
        const hello: ClientFrame = { t: 'hello', session: sessionStorage.getItem(SESSION_KEY) ?? undefined }
        sock.send(JSON.stringify(hello))
      }
      sock.onmessage = (ev) => {
        const f = JSON.parse(ev.data as string) as ServerFrame
        if (f.t === 'welcome') {
          sessionStorage.setItem(SESSION_KEY, f.session)
          resolve(sock)
        } else if (f.t === 'ev') {
          const batch = eventsFromWire(f.b)
          for (const l of listeners) l(batch)
        } else if (f.t === 'ret') {
          const p = pending.get(f.n)
          pending.delete(f.n)
          if (!p) return
          if (f.ok) p.resolve(fromWire(f.v))
          else p.reject(new BridgeError(f.e))
        }
      }
      sock.onclose = () => {
        ready = null
        for (const p of pending.values()) p.reject(new Error('The connection to the Sockscope host was lost; retrying.'))
        pending.clear()
        reject(new Error('The Sockscope host refused or closed the bridge.'))
        setTimeout(() => void connect().catch(() => undefined), 1000)
      }
    })
    return ready
  }

  const call = async (m: keyof SockscopeMethods, args: unknown[]): Promise<unknown> => {
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
  return {
    ...methods,
    onEvents(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    onCommand() {
      return () => undefined
    }
  }
}
