/**
 * Opening the browser without handing the token to another process's command line, where any local user can read
 * it (`ps`, /proc/<pid>/cmdline) for as long as that browser runs. The opener gets a one-time link instead, served
 * by a short-lived server on loopback: its first GET is answered with a redirect to the real address (token
 * included), every later one with 410 and a warning in the terminal, since a second use means someone else may have
 * read the link. The link is worthless once used or after `ttlMs`; the page then drops the token from its address
 * bar (src/renderer/src/api). The printed URL line is unchanged: that is for the user, in their own terminal.
 */
import { createServer, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { hostAllowed } from './guard'

export interface OneTimeLink {
  /** What to hand to xdg-open / open / explorer: carries a nonce, never the token. */
  url: string
  close(): Promise<void>
}

const LOOPBACK_BIND: Record<string, string> = { '127.0.0.1': '127.0.0.1', localhost: '127.0.0.1', '[::1]': '::1' }

const HEADERS = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' }

export async function startOneTimeLink(target: string, opts: { ttlMs?: number; log?: (line: string) => void } = {}): Promise<OneTimeLink> {
  const log = opts.log ?? ((l: string) => console.warn(l))
  const nonce = randomBytes(16).toString('hex')
  const path = `/open/${nonce}`
  let used = false
  const cfg = { port: 0, token: '' }
  const server: Server = createServer((req, res) => {
    // The same DNS-rebinding guard as the host: a page elsewhere cannot fetch the redirect through a name of its own.
    if (!hostAllowed(req.headers.host, cfg)) {
      res.writeHead(403, { ...HEADERS, 'Content-Type': 'text/plain' }).end('Forbidden: unexpected Host header')
      return
    }
    if (new URL(req.url ?? '/', 'http://x').pathname !== path) {
      res.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain' }).end('Not found')
      return
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { ...HEADERS, Allow: 'GET' }).end()
      return
    }
    if (used) {
      log(
        'sockscope web: the one-time browser link was opened a second time. If that was not you, another program on ' +
          'this machine may have read it: stop browser mode (Ctrl+C) and start it again.'
      )
      res
        .writeHead(410, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
        .end('This one-time link was already used. Open the address printed in the terminal by `npm run web` instead.')
      return
    }
    used = true
    res.writeHead(303, { ...HEADERS, Location: target }).end()
  })
  const bind = LOOPBACK_BIND[new URL(target).hostname] ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, bind, () => resolve())
  })
  cfg.port = (server.address() as AddressInfo).port
  const close = (): Promise<void> =>
    new Promise<void>((r) => {
      clearTimeout(timer)
      server.closeAllConnections()
      server.close(() => r())
    })
  // Long enough for a cold browser start; after it the link answers nothing at all.
  const timer = setTimeout(() => void close(), opts.ttlMs ?? 60_000)
  timer.unref()
  const shown = bind === '::1' ? '[::1]' : bind
  return { url: `http://${shown}:${cfg.port}${path}`, close }
}
