/** One ipcMain handler per contract method: sender checked, arguments validated, events only to the owner window. */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { IPC_EVENTS, IPC_PREFIX, METHOD_NAMES } from '../../shared/api'
import { ForbiddenError, type SockscopeService } from '../service/service'
import type { ClientSession } from '../service/session'
import { isOwnOrigin } from '../externalLinks'

export function sessionKey(contents: WebContents): string {
  return `window-${contents.id}`
}

/** True when the call comes from the top frame of one of our windows showing our UI. */
export function isTrustedSender(event: IpcMainInvokeEvent, uiUrl: string, ownWindows: (c: WebContents) => boolean): boolean {
  const frame = event.senderFrame
  if (!frame || frame !== event.sender.mainFrame) return false
  return ownWindows(event.sender) && isOwnOrigin(frame.url, uiUrl)
}

export function registerIpc(ipc: IpcMain, service: SockscopeService, uiUrl: string, ownWindows: (c: WebContents) => boolean): void {
  const sessionFor = (contents: WebContents): ClientSession => {
    const key = sessionKey(contents)
    const existing = service.session(key)
    if (existing) return existing
    const s = service.openSession(key, (batch) => {
      if (!contents.isDestroyed()) contents.send(IPC_EVENTS, batch)
    })
    // Closing a window closes its connections; a reload keeps them (same webContents) for sync().
    contents.once('destroyed', () => service.closeSession(key))
    return s
  }
  for (const name of METHOD_NAMES) {
    ipc.handle(IPC_PREFIX + name, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event, uiUrl, ownWindows)) {
        throw new ForbiddenError(`Refused ${name}: the call did not come from the Sockscope window.`)
      }
      return service.call(sessionFor(event.sender), name, args)
    })
  }
}
