/** A stand-in for the `electron` module, recording what the built main bundle does with it. */
import { EventEmitter } from 'node:events'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

export const recorded = {
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  listeners: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
  windows: [] as FakeWindow[],
  appEvents: new Map<string, Array<(...a: unknown[]) => void>>(),
  permissionRequest: null as null | ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void),
  permissionCheck: null as null | ((...a: unknown[]) => boolean),
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  openExternal: [] as string[],
  quits: 0,
  menu: null as unknown,
  devicePermission: null as null | ((details: unknown) => boolean),
  displayMediaRequest: null as null | ((request: unknown, cb: (streams: unknown) => void) => void),
  sessionEvents: new Map<string, (...a: unknown[]) => void>(),
  /** Every dialog.showMessageBox call: the window it was parented to (or null) and its options. */
  messageBoxes: [] as Array<{ window: FakeWindow | null; options: Record<string, unknown> }>,
  /** The button index the next message boxes answer with (1 = Cancel in Sockscope's link confirmation). */
  messageBoxResponse: 1
}

let nextId = 1

export class FakeWebContents extends EventEmitter {
  id = nextId++
  sent: Array<[string, unknown]> = []
  destroyed = false
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null
  mainFrame: { url: string }
  constructor(url = 'app://sockscope/index.html') {
    super()
    this.mainFrame = { url }
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload])
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  setWindowOpenHandler(fn: (d: { url: string }) => { action: string }): void {
    this.windowOpenHandler = fn
  }
  reloads = 0
  /** Reloading: a new page, as after a crash; `did-finish-load` is left for the test to emit. */
  reload(): void {
    this.reloads++
  }
}

export class FakeWindow extends EventEmitter {
  webContents = new FakeWebContents()
  loadedUrl = ''
  constructor(public options: Record<string, unknown>) {
    super()
    recorded.windows.push(this)
    const created = recorded.appEvents.get('web-contents-created') ?? []
    for (const fn of created) fn({}, this.webContents)
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url
    this.webContents.mainFrame.url = url
    return Promise.resolve()
  }
  show(): void {}
  /** Closing a window: its page goes away, as Electron reports it. */
  destroy(): void {
    recorded.windows.splice(recorded.windows.indexOf(this), 1)
    this.webContents.destroyed = true
    this.webContents.emit('destroyed')
  }
  maximize(): void {}
  isMaximized(): boolean {
    return false
  }
  getNormalBounds(): object {
    return { x: 0, y: 0, width: 1280, height: 820 }
  }
  isDestroyed(): boolean {
    return this.webContents.destroyed
  }
  static fromWebContents(wc: unknown): FakeWindow | null {
    return recorded.windows.find((w) => w.webContents === wc) ?? null
  }
  static getAllWindows(): FakeWindow[] {
    return recorded.windows
  }
  static getFocusedWindow(): FakeWindow | null {
    return recorded.windows[0] ?? null
  }
}

export function electronModule(): Record<string, unknown> {
  return {
    app: {
      isPackaged: true,
      setPath: () => undefined,
      getPath: () => process.env.SOCKSCOPE_DATA_DIR,
      getVersion: () => '0.0.0-test',
      requestSingleInstanceLock: () => true,
      quit: () => void recorded.quits++,
      whenReady: () => Promise.resolve(),
      on: (event: string, fn: (...a: unknown[]) => void) => {
        recorded.appEvents.set(event, [...(recorded.appEvents.get(event) ?? []), fn])
      }
    },
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => recorded.handlers.set(channel, fn),
      on: (channel: string, fn: (event: unknown, ...args: unknown[]) => void) => recorded.listeners.set(channel, fn)
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof recorded.permissionRequest) => (recorded.permissionRequest = fn),
        setPermissionCheckHandler: (fn: typeof recorded.permissionCheck) => (recorded.permissionCheck = fn),
        setDevicePermissionHandler: (fn: typeof recorded.devicePermission) => (recorded.devicePermission = fn),
        setDisplayMediaRequestHandler: (fn: typeof recorded.displayMediaRequest) => (recorded.displayMediaRequest = fn),
        on: (event: string, fn: (...a: unknown[]) => void) => recorded.sessionEvents.set(event, fn)
      }
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => recorded.schemes.push(...s),
      handle: (scheme: string, fn: (req: Request) => Promise<Response>) => recorded.protocolHandlers.set(scheme, fn)
    },
    net: { fetch: async (url: string) => new Response(await readFile(fileURLToPath(url))) },
    shell: { openExternal: (url: string) => (recorded.openExternal.push(url), Promise.resolve()) },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(`enc:${s}`),
      decryptString: (b: Buffer) => b.toString().slice(4)
    },
    dialog: {
      showSaveDialog: async () => ({ canceled: true }),
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showMessageBox: async (...a: unknown[]) => {
        const [window, options] = a[0] instanceof FakeWindow ? [a[0], a[1]] : [null, a[0]]
        recorded.messageBoxes.push({ window, options: options as Record<string, unknown> })
        return { response: recorded.messageBoxResponse, checkboxChecked: false }
      }
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => (recorded.menu = m) }
  }
}
