/** Sandboxed preload: exposes exactly the contract's methods on window.sockscope. Requires nothing but electron. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { IPC_COMMANDS, IPC_EVENTS, IPC_PREFIX, METHOD_NAMES, type SockscopeApi, type SockscopeMethods } from '../shared/api'
import type { SockEvent } from '../shared/events'

const methods = Object.fromEntries(
  METHOD_NAMES.map((name) => [name, (...args: unknown[]) => ipcRenderer.invoke(IPC_PREFIX + name, ...args)])
) as unknown as SockscopeMethods

const api: SockscopeApi = {
  ...methods,
  onEvents(listener) {
    const handler = (_e: IpcRendererEvent, batch: SockEvent[]): void => listener(batch)
    ipcRenderer.on(IPC_EVENTS, handler)
    return () => ipcRenderer.removeListener(IPC_EVENTS, handler)
  },
  onCommand(listener) {
    const handler = (_e: IpcRendererEvent, command: string): void => listener(command)
    ipcRenderer.on(IPC_COMMANDS, handler)
    return () => ipcRenderer.removeListener(IPC_COMMANDS, handler)
  }
}

contextBridge.exposeInMainWorld('sockscope', api)
