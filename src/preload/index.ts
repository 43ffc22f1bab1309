/** Sandboxed preload: exposes exactly the contract's methods on window.sockscope. Requires nothing but electron. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  IPC_ACK,
  IPC_COMMANDS,
  IPC_EVENTS,
  IPC_PREFIX,
  METHOD_NAMES,
  type EventListener,
  type SockscopeApi,
  type SockscopeMethods
} from '../shared/api'
import type { SockEvent } from '../shared/events'

const methods = Object.fromEntries(
  METHOD_NAMES.map((name) => [name, (...args: unknown[]) => ipcRenderer.invoke(IPC_PREFIX + name, ...args)])
) as unknown as SockscopeMethods

// One IPC subscription feeds every page listener, then acknowledges the batch so main can keep sending.
const listeners = new Set<EventListener>()
ipcRenderer.on(IPC_EVENTS, (_e: IpcRendererEvent, msg: { n: number; batch: SockEvent[] }) => {
  for (const l of listeners) l(msg.batch)
  ipcRenderer.send(IPC_ACK, msg.n)
})

const api: SockscopeApi = {
  ...methods,
  onEvents(listener) {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
  onCommand(listener) {
    const handler = (_e: IpcRendererEvent, command: string): void => listener(command)
    ipcRenderer.on(IPC_COMMANDS, handler)
    return () => ipcRenderer.removeListener(IPC_COMMANDS, handler)
  }
}

contextBridge.exposeInMainWorld('sockscope', api)
