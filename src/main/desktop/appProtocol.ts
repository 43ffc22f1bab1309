/** The packaged UI loads from app://sockscope/, a custom protocol serving only the built renderer folder. */
import { net, protocol } from 'electron'
import { pathToFileURL } from 'node:url'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp'
import { resolveStatic } from '../web/staticFiles'

export const APP_SCHEME = 'app'
export const APP_ORIGIN = 'app://sockscope'

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])
}

/**
 * The app:// handler: only files whose real path is inside `rendererDir` (a symlink leading out is a 404, as in
 * browser mode), each with the CSP.
 */
export function rendererHandler(rendererDir: string): (req: Request) => Promise<Response> {
  return async (req) => {
    const url = new URL(req.url)
    const file = url.host === 'sockscope' ? resolveStatic(rendererDir, url.pathname) : null
    if (!file) return new Response('Not found', { status: 404 })
    const res = await net.fetch(pathToFileURL(file).toString())
    const headers = new Headers(res.headers)
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    headers.set('X-Content-Type-Options', 'nosniff')
    return new Response(res.body, { status: res.status, headers })
  }
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, rendererHandler(rendererDir))
}
