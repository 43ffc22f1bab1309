/** Picks the transport: the preload's window.sockscope in the desktop app, the bridge in browser mode. */
import { METHOD_NAMES, type PreloadApi, type SockscopeApi, type SockscopeMethods } from '../../../shared/api'
import { unwrapResult, type CallResult } from '../../../shared/wire'
import { createBridgeClient } from './bridgeClient'

const TOKEN_KEY = 'sockscope.token'

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

let api: SockscopeApi | null = null

export function getApi(): SockscopeApi {
  if (!api) api = window.sockscope ? fromPreload(window.sockscope) : createBridgeClient(bridgeUrl())
  return api
}
