/**
 * The smaller Electron modules, each to its documented behaviour: safeStorage (a real cipher), dialog (scripted
 * answers), shell (recorded), Menu (built and clickable), session (handlers kept and consulted), protocol, net.
 */
import { EventEmitter } from 'node:events'
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { strict } from './strict'

export type EncryptionMode = 'os' | 'basic_text' | 'unavailable'

/** One key per test run, kept across relaunches: the OS keyring outlives the app. */
const RUN_KEY = randomBytes(32)
/** Chromium's basic_text backend encrypts with a fixed, well-known password: no protection at rest. */
const BASIC_KEY = createHash('sha256').update('peanuts').digest()

/** https://www.electronjs.org/docs/latest/api/safe-storage */
export function fakeSafeStorage(mode: () => EncryptionMode) {
  const key = (): Buffer => (mode() === 'basic_text' ? BASIC_KEY : RUN_KEY)
  return strict('safeStorage', {
    isEncryptionAvailable: () => mode() !== 'unavailable',
    // Linux only in Electron; the app asks only on Linux.
    getSelectedStorageBackend: () => (mode() === 'basic_text' ? 'basic_text' : mode() === 'os' ? 'gnome_libsecret' : 'unknown'),
    encryptString(plain: string): Buffer {
      if (mode() === 'unavailable')
        throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.')
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', key(), iv)
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return Buffer.concat([Buffer.from('v10'), iv, c.getAuthTag(), body])
    },
    decryptString(cipher: Buffer): string {
      if (mode() === 'unavailable')
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.')
      try {
        const d = createDecipheriv('aes-256-gcm', key(), cipher.subarray(3, 15))
        d.setAuthTag(cipher.subarray(15, 31))
        return Buffer.concat([d.update(cipher.subarray(31)), d.final()]).toString('utf8')
      } catch {
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      }
    }
  })
}

export interface DialogCall {
  kind: 'save' | 'open' | 'message'
  /** The window the dialog was attached to (null for a free-standing one). */
  window: unknown
  options: Record<string, unknown>
}

/** https://www.electronjs.org/docs/latest/api/dialog: each call takes the next scripted answer of its kind; none is Cancel. */
export function fakeDialog(isWindow: (w: unknown) => boolean) {
  const calls: DialogCall[] = []
  const answers = { save: [] as Array<string | null>, open: [] as Array<string[] | null>, message: [] as number[] }
  const split = (a: unknown[]): [unknown, Record<string, unknown>] =>
    isWindow(a[0]) ? [a[0], a[1] as Record<string, unknown>] : [null, a[0] as Record<string, unknown>]
  const api = strict('dialog', {
    showSaveDialog: async (...a: unknown[]) => {
      const [window, options] = split(a)
      calls.push({ kind: 'save', window, options })
      const path = answers.save.shift() ?? null
      return path ? { canceled: false, filePath: path } : { canceled: true, filePath: '' }
    },
    showOpenDialog: async (...a: unknown[]) => {
      const [window, options] = split(a)
      calls.push({ kind: 'open', window, options })
      const paths = answers.open.shift() ?? null
      return paths ? { canceled: false, filePaths: paths } : { canceled: true, filePaths: [] }
    },
    showMessageBox: async (...a: unknown[]) => {
      const [window, options] = split(a)
      calls.push({ kind: 'message', window, options })
      const cancel = typeof options.cancelId === 'number' ? options.cancelId : 0
      return { response: answers.message.shift() ?? cancel, checkboxChecked: false }
    }
  })
  return { api, calls, answers }
}

export interface MenuItem {
  label?: string
  role?: string
  accelerator?: string
  type?: string
  click?: (item: unknown, window: unknown, event: unknown) => void
  submenu?: MenuItem[]
}

/** https://www.electronjs.org/docs/latest/api/menu: the template is kept; a test clicks an item by its label. */
export function fakeMenu() {
  const state = { application: null as MenuItem[] | null }
  const api = strict('Menu', {
    buildFromTemplate: (template: MenuItem[]) => strict('Menu instance', { items: template }),
    setApplicationMenu: (menu: { items: MenuItem[] } | null) => void (state.application = menu ? menu.items : null)
  })
  const find = (label: string): MenuItem | undefined => {
    const walk = (items: MenuItem[]): MenuItem | undefined => {
      for (const i of items) {
        if (i.label === label) return i
        const inner = i.submenu && walk(i.submenu)
        if (inner) return inner
      }
      return undefined
    }
    return walk(state.application ?? [])
  }
  return { api, state, find }
}

export interface SessionHandlers {
  permissionRequest: ((wc: unknown, permission: string, cb: (granted: boolean) => void, details: unknown) => void) | null
  permissionCheck: ((...a: unknown[]) => boolean) | null
  devicePermission: ((details: unknown) => boolean) | null
  displayMedia: ((request: unknown, cb: (streams: unknown) => void) => void) | null
}

/** https://www.electronjs.org/docs/latest/api/session: the handlers are kept and asked when a page requests. */
export function fakeSession() {
  const handlers: SessionHandlers = { permissionRequest: null, permissionCheck: null, devicePermission: null, displayMedia: null }
  const events = new EventEmitter()
  const defaultSession = strict('session.defaultSession', {
    setPermissionRequestHandler: (fn: SessionHandlers['permissionRequest']) => void (handlers.permissionRequest = fn),
    setPermissionCheckHandler: (fn: SessionHandlers['permissionCheck']) => void (handlers.permissionCheck = fn),
    setDevicePermissionHandler: (fn: SessionHandlers['devicePermission']) => void (handlers.devicePermission = fn),
    setDisplayMediaRequestHandler: (fn: SessionHandlers['displayMedia']) => void (handlers.displayMedia = fn),
    on: (event: string, fn: (...a: unknown[]) => void) => void events.on(event, fn)
  })
  return { api: strict('session', { defaultSession }), handlers, events }
}

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json'
}

/** https://www.electronjs.org/docs/latest/api/net#netfetchinput-init: only file: here (the harness never leaves the machine). */
export const fakeNet = strict('net', {
  async fetch(url: string): Promise<Response> {
    const u = new URL(url)
    if (u.protocol !== 'file:') throw new Error(`desktop harness: net.fetch of ${u.protocol} URLs is not implemented (only file:)`)
    try {
      const body = await readFile(fileURLToPath(u))
      // Chromium's file loader types a file by its extension; module scripts need it.
      return new Response(body, { status: 200, headers: { 'Content-Type': MIME[extname(u.pathname)] ?? 'application/octet-stream' } })
    } catch {
      throw new TypeError('Failed to fetch')
    }
  }
})

export interface SchemePrivileges {
  scheme: string
  privileges?: Record<string, boolean>
}

/** https://www.electronjs.org/docs/latest/api/protocol */
export function fakeProtocol(isReady: () => boolean) {
  const schemes: SchemePrivileges[] = []
  const handlers = new Map<string, (req: Request) => Response | Promise<Response>>()
  const api = strict('protocol', {
    registerSchemesAsPrivileged(list: SchemePrivileges[]) {
      if (isReady()) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready')
      schemes.push(...list)
    },
    handle(scheme: string, handler: (req: Request) => Response | Promise<Response>) {
      if (handlers.has(scheme)) throw new Error(`The scheme ${scheme} is already handled`)
      handlers.set(scheme, handler)
    }
  })
  return { api, schemes, handlers }
}
