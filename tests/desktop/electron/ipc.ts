/**
 * ipcMain and the page's calls into it, with Electron's semantics
 * (https://www.electronjs.org/docs/latest/api/ipc-main): one handler per channel, structured-clone results, an error
 * thrown by a handler reaching the page as its `toString()` only, `event.sender`/`event.senderFrame` set per page.
 */
import { EventEmitter } from 'node:events'
import { CloneError, decode, encodeClone } from './codec'
import { strict } from './strict'

type Handler = (event: unknown, ...args: unknown[]) => unknown

export class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>()
  handle(channel: string, fn: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, fn)
  }
  handleOnce(channel: string, fn: Handler): void {
    this.handle(channel, (e, ...a) => {
      this.handlers.delete(channel)
      return fn(e, ...a)
    })
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
}

/** What a page's call carries: see tests/desktop/page/inPage.js. */
export type PageMessage =
  | { t: 'invoke'; channel: string; args: unknown }
  | { t: 'send'; channel: string; args: unknown }
  | { t: 'permission'; permission: string }
  | { t: 'displayMedia' }

export interface Sender {
  webContents: { send(channel: string, ...args: unknown[]): void; processId: number }
  frame: unknown
}

export async function invoke(
  ipc: FakeIpcMain,
  from: Sender,
  channel: string,
  args: unknown
): Promise<{ result?: unknown; error?: string }> {
  const handler = ipc.handlers.get(channel)
  if (!handler) return { error: `Error: No handler registered for '${channel}'` }
  const event = strict('IpcMainInvokeEvent', {
    sender: from.webContents,
    senderFrame: from.frame,
    frameId: 1,
    processId: from.webContents.processId,
    type: 'frame'
  })
  let value: unknown
  try {
    value = await handler(event, ...decode(args))
  } catch (err) {
    // Electron replies with `error.toString()`; the page rebuilds an Error from that text alone.
    return { error: String(err) }
  }
  try {
    return { result: encodeClone([value]) }
  } catch (err) {
    // A result that cannot be cloned fails the call rather than the main process (harness choice: the page sees
    // Electron's clone message, as for arguments).
    if (err instanceof CloneError) return { error: 'Error: An object could not be cloned.' }
    throw err
  }
}

export function send(ipc: FakeIpcMain, from: Sender, channel: string, args: unknown): void {
  const event = strict('IpcMainEvent', {
    sender: from.webContents,
    senderFrame: from.frame,
    frameId: 1,
    processId: from.webContents.processId,
    type: 'frame',
    ports: [],
    returnValue: undefined,
    reply: (ch: string, ...a: unknown[]) => from.webContents.send(ch, ...a)
  })
  try {
    ipc.emit(channel, event, ...decode(args))
  } catch (err) {
    // A listener that throws is an uncaught exception in Electron's main process: raise it as one here too.
    setImmediate(() => {
      throw err
    })
  }
}
