/** Sandboxed preload: exposes exactly the contract's methods on window.sockscope. Requires nothing but electron. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  IPC_ACK,
  IPC_COMMANDS,
  IPC_EVENTS,
  IPC_NOTICE,
  IPC_PREFIX,
  METHOD_NAMES,
  type EventListener,
  type HostNotice,
  type PreloadApi
} from '../shared/api'
import type { SockEvent } from '../shared/events'

// Each method resolves to the main side's `{ ok, v } | { ok: false, e }`; the page's api layer unwraps it.
const methods = Object.fromEntries(
  METHOD_NAMES.map((name) => [name, (...args: unknown[]) => ipcRenderer.invoke(IPC_PREFIX + name, ...args)])
) as unknown as Omit<PreloadApi, 'onEvents' | 'onCommand' | 'onNotice'>

// One IPC subscription feeds every page listener, then acknowledges the batch so main can keep sending.
const listeners = new Set<EventListener>()
ipcRenderer.on(IPC_EVENTS, (_e: IpcRendererEvent, msg: { n: number; batch: SockEvent[] }) => {
  for (const l of listeners) l(msg.batch)
  ipcRenderer.send(IPC_ACK, msg.n)
})

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const handler = (_e: IpcRendererEvent, value: T): void => listener(value)
  ipcRenderer.on(channel, handler)
  return () => ipcRenderer.removeListener(channel, handler)
}

const api: PreloadApi = {
  ...methods,
  onEvents(listener) {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
  onCommand: (listener) => subscribe<string>(IPC_COMMANDS, listener),
  onNotice: (listener) => subscribe<HostNotice>(IPC_NOTICE, listener)
}

contextBridge.exposeInMainWorld('sockscope', api)
