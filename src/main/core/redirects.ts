/** Policy for a redirect `ws` is about to follow: only ws(s) targets, secrets dropped across origins. */
import type { ClientRequest } from 'node:http'
import type { RedirectInfo } from '../../shared/events'
import type { HandshakeCapture } from './handshakeCapture'

export function followRedirect(
  capture: HandshakeCapture,
  secretHeaders: Set<string>,
  wsUrl: string,
  req: ClientRequest,
  report: (r: RedirectInfo) => void
): void {
  const from = capture.url
  const status = capture.lastResponse?.status ?? 0
  const location = capture.lastResponse?.location ?? wsUrl
  let target: URL
  try {
    target = new URL(location, from)
  } catch {
    target = new URL(wsUrl)
  }
  // `ws` rewrites http(s) to ws(s) and would follow ws+unix; we judge the Location the server sent.
  if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
    report({ from, to: target.toString(), status, stripped: [] })
    const err = Object.assign(new Error(`Refused a redirect to ${target.toString()}: only ws:// and wss:// targets are followed.`), {
      code: 'SOCKSCOPE_REDIRECT_REFUSED'
    })
    req.destroy(err)
    return
  }
  const a = new URL(from)
  const b = new URL(wsUrl)
  const crossOrigin = a.host !== b.host || (a.protocol === 'wss:' && b.protocol !== 'wss:')
  const stripped: string[] = []
  if (crossOrigin) {
    for (const name of req.getHeaderNames()) {
      if (secretHeaders.has(name.toLowerCase())) {
        req.removeHeader(name)
        stripped.push(name)
      }
    }
  }
  const info = { from, to: wsUrl, status, stripped }
  capture.redirects.push(info)
  capture.url = wsUrl
  report(info)
}
