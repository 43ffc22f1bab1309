/** Picks the transport: the preload's window.sockscope in the desktop app, the bridge in browser mode. */
import { METHOD_NAMES, type PreloadApi, type SockscopeApi, type SockscopeMethods } from '../../../shared/api'
import { unwrapResult, type CallResult } from '../../../shared/wire'
import { createBridgeClient } from './bridgeClient'

const TOKEN_KEY = 'sockscope.token'

/** The token from `?token=` is kept in sessionStorage: it survives a reload of this tab and nothing else. */
function bridgeUrl(): string {
  const fromUrl = new URLSearchParams(location.search).get('token')
  if (fromUrl) sessionStorage.setItem(TOKEN_KEY, fromUrl)
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? ''
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${proto}//${location.host}/bridge?token=${encodeURIComponent(token)}`
}

/** The desktop preload answers `{ ok, v } | { ok: false, e }`; unwrap it into the same ApiError the bridge throws. */
export function fromPreload(p: PreloadApi): SockscopeApi {
  const methods = Object.fromEntries(
    METHOD_NAMES.map((m) => [m, (...args: unknown[]) => (p[m] as (...a: unknown[]) => Promise<CallResult>)(...args).then(unwrapResult)])
  ) as unknown as SockscopeMethods
  return {
    ...methods,
    onEvents: (l) => p.onEvents(l),
    onCommand: (l) => p.onCommand(l),
    onNotice: (l) => p.onNotice(l),
    // The main process owns this window: if it goes, so does the page. The link is always up.
    onLink: () => () => undefined
  }
}

/**
 * Once the host accepted the token, take it out of the address bar and this tab's history (replaceState leaves no
 * entry behind), so it is not shown, bookmarked or shared by accident; a reload reads it from sessionStorage.
 * A refused token stays where the user can see it.
 */
function dropTokenFromAddress(): void {
  const u = new URL(location.href)
  if (!u.searchParams.has('token')) return
  u.searchParams.delete('token')
  history.replaceState(history.state, '', `${u.pathname}${u.search}${u.hash}`)
}

let api: SockscopeApi | null = null

export function getApi(): SockscopeApi {
  if (!api) {
    if (window.sockscope) api = fromPreload(window.sockscope)
    else {
      api = createBridgeClient(bridgeUrl())
      api.onLink((state) => {
        if (state === 'up') dropTokenFromAddress()
      })
    }
  }
  return api
}
