/** One ipcMain handler per contract method: sender checked, arguments validated, events only to the owner window. */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { IPC_ACK, IPC_EVENTS, IPC_NOTICE, IPC_PREFIX, METHOD_NAMES } from '../../shared/api'
import { errorToWire, type CallResult } from '../../shared/wire'
import { createIpcTransport, type IpcTransport } from './ipcTransport'
import { ForbiddenError, type SockscopeService } from '../service/service'
import type { ClientSession } from '../service/session'
import { isOwnOrigin } from '../../shared/urls'

export function sessionKey(contents: WebContents): string {
  return `window-${contents.id}`
}

/** True when the call comes from the top frame of one of our windows showing our UI. */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  uiUrl: string,
  ownWindows: (c: WebContents) => boolean
): boolean {
  const frame = event.senderFrame
  if (!frame || frame !== event.sender.mainFrame) return false
  return ownWindows(event.sender) && isOwnOrigin(frame.url, uiUrl)
}

export function registerIpc(ipc: IpcMain, service: SockscopeService, uiUrl: string, ownWindows: (c: WebContents) => boolean): void {
  const transports = new Map<number, IpcTransport>()
  const transportFor = (contents: WebContents): IpcTransport => {
    // A fresh transport per page load: batches sent to a page that went away are never acked.
    // Only to our UI: a window led to another page (a main-process bug, a redirect) must not receive its
    // connections' traffic. Batches withheld stay unacked, so capture slows, and the UI re-syncs when it is back.
    const showsOurUi = (): boolean => {
      try {
        return !contents.isDestroyed() && isOwnOrigin(contents.mainFrame.url, uiUrl)
      } catch {
        // A frame disposed mid-navigation throws on access (WebFrameMain): nothing to send to, and no throw into main.
        return false
      }
    }
    const t = createIpcTransport(
      (payload) => {
        if (showsOurUi()) contents.send(IPC_EVENTS, payload)
      },
      (notice) => {
        if (showsOurUi()) contents.send(IPC_NOTICE, notice)
      }
    )
    transports.set(contents.id, t)
    return t
  }
  const sessionFor = (contents: WebContents): ClientSession => {
    const key = sessionKey(contents)
    const existing = service.session(key)
    if (existing) return existing
    const s = service.openSession(key, transportFor(contents))
    // Closing a window closes its connections; a reload keeps them (same webContents) for sync().
    contents.once('destroyed', () => {
      transports.delete(contents.id)
      service.closeSession(key)
    })
    return s
  }
  ipc.on(IPC_ACK, (event, n: unknown) => {
    if (!isTrustedSender(event, uiUrl, ownWindows) || typeof n !== 'number') return
    transports.get(event.sender.id)?.ack(n)
  })
  // Every handler resolves to one result shape, as the bridge does: an error thrown from `ipcMain.handle` reaches
  // the renderer wrapped by Electron ("Error invoking remote method …") without its field and code.
  for (const name of METHOD_NAMES) {
    ipc.handle(IPC_PREFIX + name, async (event, ...args: unknown[]): Promise<CallResult> => {
      try {
        if (!isTrustedSender(event, uiUrl, ownWindows)) {
          throw new ForbiddenError(`Refused ${name}: the call did not come from the Sockscope window.`)
        }
        const session = sessionFor(event.sender)
        // The page (re)loaded: it asks for a sync first, so start its flow-control count afresh.
        if (name === 'sync') session.attach(transportFor(event.sender))
        return { ok: true, v: await service.call(session, name, args) }
      } catch (err) {
        return { ok: false, e: errorToWire(err) }
      }
    })
  }
}
