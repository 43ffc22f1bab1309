/** Browser mode: serves the built renderer and speaks the contract over a loopback WebSocket bridge. No Electron. */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer } from 'ws'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp'
import { SockscopeService } from '../service/service'
import { Bridges } from './bridge'
import { Downloads } from './downloads'
import { checkBridgeRequest, checkStreamRequest, hostAllowed, type GuardConfig } from './guard'
import { resolveStatic, sendFile } from './staticFiles'
import { join } from 'node:path'
import { ProfileStore } from '../store/profileStore'
import { RecordingStore } from '../store/recordings'
import { NO_ENCRYPTION } from '../store/secrets'
import { DataLock, lockedMessage } from '../store/dataLock'

export interface WebHostOptions {
  port: number
  host: string
  rendererDir: string
  dataDir: string
  version: string
  /** Binding beyond loopback must be asked for by name. */
  allowRemote?: boolean
  /** How long a tab's connections outlive its bridge socket (a reload reattaches within it). */
  reattachGraceMs?: number
  log?: (line: string) => void
}

export interface WebHost {
  url: string
  port: number
  token: string
  service: SockscopeService
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store'
}

export async function startWebHost(o: WebHostOptions): Promise<WebHost> {
  if (!LOOPBACK.has(o.host) && !o.allowRemote) {
    throw new Error(
      `Refusing to bind ${o.host}: browser mode serves loopback only. Pass --allow-remote to bind another address on purpose.`
    )
  }
  const log = o.log ?? ((l: string) => console.warn(l))
  const token = randomBytes(16).toString('hex')
  // Browser mode has no OS keychain: secrets stay in memory (see SecretsStore).
  const lock = new DataLock(o.dataDir, 'browser')
  const holder = lock.acquire()
  if (holder) log(`sockscope web: ${lockedMessage(o.dataDir, holder)}`)
  const profiles = new ProfileStore(o.dataDir, NO_ENCRYPTION, 'browser', undefined, lock)
  profiles.load()
  const recordings = new RecordingStore(join(o.dataDir, 'recordings'))
  recordings.mayPrune = () => lock.isHeld
  const downloads = new Downloads(join(o.dataDir, 'exports'))
  const service = new SockscopeService({
    appInfo: { mode: 'browser', version: o.version, dataDir: o.dataDir, platform: process.platform },
    data: { profiles, recordings, downloads, version: o.version }
  })
  const cfg: GuardConfig = { port: 0, token, extraHosts: o.allowRemote ? [o.host] : [] }
  const bridges = new Bridges(service, { graceMs: o.reattachGraceMs ?? 30_000, log })

  const server: Server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, cfg)) {
      log(
        `sockscope web: refused HTTP ${req.method} ${req.url?.split('?')[0]}: foreign Host header ${JSON.stringify(req.headers.host ?? '')}`
      )
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Forbidden: unexpected Host header')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    const url = new URL(req.url ?? '/', 'http://x')
    const pathname = url.pathname
    if (pathname === '/bridge/events') {
      // The token as on the bridge; the stream id was given only over that authenticated socket.
      const verdict = checkStreamRequest(req, cfg)
      if (!verdict.ok) log(`sockscope web: refused an event stream (${verdict.status}): ${verdict.why}`)
      else if (bridges.attachStream(url.searchParams.get('stream') ?? '', res, SECURITY_HEADERS)) return
      if (!res.headersSent) res.writeHead(verdict.ok ? 404 : verdict.status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain' })
      res.end('No such event stream')
      return
    }
    if (downloads.serve(pathname, res, SECURITY_HEADERS)) return
    const file = resolveStatic(o.rendererDir, pathname)
    if (!file) {
      res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain' }).end('Not found')
      return
    }
    sendFile(res, file, SECURITY_HEADERS)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024 })
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const verdict = path === '/bridge' ? checkBridgeRequest(req, cfg) : ({ ok: false, status: 403, why: `unknown path ${path}` } as const)
    if (!verdict.ok) {
      log(`sockscope web: refused bridge request (${verdict.status}): ${verdict.why}`)
      socket.end(
        `HTTP/1.1 ${verdict.status} ${verdict.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridges.accept(ws))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port, o.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  cfg.port = port
  const shownHost = o.host === '::1' ? '[::1]' : o.host
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    service,
    close: async () => {
      bridges.dispose()
      downloads.dispose()
      await service.shutdown()
      lock.release()
      for (const c of wss.clients) c.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    }
  }
}
