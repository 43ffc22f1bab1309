/** Picks the transport: the preload's window.sockscope in the desktop app, the bridge in browser mode. */
import type { SockscopeApi } from '../../../shared/api'
import { createBridgeClient } from './bridgeClient'

const TOKEN_KEY = 'sockscope.token'

function bridgeUrl(): string {
  const fromUrl = new URLSearchParams(location.search).get('token')
  if (fromUrl) sessionStorage.setItem(TOKEN_KEY, fromUrl)
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? ''
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${proto}//${location.host}/bridge?token=${encodeURIComponent(token)}`
}

let api: SockscopeApi | null = null

export function getApi(): SockscopeApi {
  if (!api) api = window.sockscope ?? createBridgeClient(bridgeUrl())
  return api
}
