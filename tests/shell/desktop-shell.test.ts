/**
 * The desktop shell without the Electron binary: the built main bundle is loaded with a mocked `electron`
 * module, and the window settings, guards and window lifecycle it installs are checked (its IPC contract:
 * desktop-ipc.test.ts).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { SockEvent } from '../../src/shared/events'
import { startWsServer } from '../helpers/servers'
import { until } from '../helpers/time'
import { recordingLines } from '../helpers/recordingFile'
import { FakeWebContents, recorded, type FakeWindow } from './electronMock'
import { loadShell } from './loadShell'

vi.mock('electron', async () => (await import('./electronMock')).electronModule())

const ROOT = resolve(__dirname, '..', '..')
const shell = loadShell('sockscope-shell-')
const { dataDir, trustedEvent } = shell
let win: FakeWindow
beforeAll(() => {
  win = shell.win
})

/** Calls a contract method through its IPC handler and unwraps the result. */
const h =
  (n: string) =>
  async (event: unknown, ...a: unknown[]): Promise<unknown> => {
    const r = (await recorded.handlers.get(`sockscope:${n}`)!(event, ...a)) as { ok: boolean; v?: unknown; e?: unknown }
    if (!r.ok) throw new Error(JSON.stringify(r.e))
    return r.v
  }

/** The numbered event batches a window's page was sent. */
const batchesOf = (w: FakeWindow) =>
  w.webContents.sent.filter(([c]) => c === 'sockscope:events').map(([, p]) => p as { n: number; batch: SockEvent[] })
const eventsOf = (w: FakeWindow): SockEvent[] => batchesOf(w).flatMap((b) => b.batch)

interface MenuItem {
  label?: string
  role?: string
  accelerator?: string
  click?: () => void
  submenu?: MenuItem[]
}
const menuItems = (): MenuItem[] => (recorded.menu as MenuItem[]).flatMap((m) => [m, ...(m.submenu ?? [])])

describe('desktop shell (built main bundle, mocked electron)', () => {
  it('creates a hardened window', () => {
    expect(recorded.windows).toHaveLength(1)
    const p = win.options.webPreferences as Record<string, unknown>
    expect(p).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false
    })
    expect(p.enableBlinkFeatures).toBeUndefined()
    expect(win.loadedUrl).toBe('app://sockscope/index.html')
  })

  it('uses a preload that exists in the build output and requires nothing but electron', () => {
    const preload = (win.options.webPreferences as { preload: string }).preload
    expect(preload).toBe(join(ROOT, 'out', 'preload', 'index.cjs'))
    expect(existsSync(preload)).toBe(true)
    const code = readFileSync(preload, 'utf8')
    const requires = [...code.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1])
    expect(new Set(requires)).toEqual(new Set(['electron']))
    expect(code).not.toMatch(/^\s*import\s/m)
    expect(code).not.toMatch(/\bimport\(/)
  })

  it('a valid call from our window works; its numbered event batches are acknowledged', async () => {
    expect(await h('list')(trustedEvent())).toEqual([])
    const info = (await h('appInfo')(trustedEvent())) as { mode: string; dataDir: string }
    expect(info).toMatchObject({ mode: 'desktop', dataDir })
    const echo = await startWsServer()
    try {
      const { id } = (await h('connect')(trustedEvent(), { url: echo.url })) as { id: string }
      await until(() => eventsOf(win).some((e) => e.type === 'state' && e.state === 'open'), 'open')
      const batches = batchesOf(win)
      // The preload acknowledges each numbered batch; acks from anywhere else are ignored without error.
      expect(batches.map((b) => b.n)).toEqual(batches.map((_, i) => i + 1))
      const ack = recorded.listeners.get('sockscope:ack')!
      for (const b of batches) ack(trustedEvent(), b.n)
      const foreign = new FakeWebContents('https://evil.example/')
      expect(() => ack({ sender: foreign, senderFrame: foreign.mainFrame }, 1)).not.toThrow()
      await h('remove')(trustedEvent(), id)
    } finally {
      await echo.close()
    }
  })

  it('File › New Window opens a second hardened window that is its own session: events go only to the owner', async () => {
    const item = menuItems().find((i) => i.label === 'New Window')!
    expect(item.accelerator).toBe('CmdOrCtrl+Shift+N')
    item.click!()
    expect(recorded.windows).toHaveLength(2)
    const other = recorded.windows[1]
    expect(other.options.webPreferences).toEqual(win.options.webPreferences)
    expect(other.options).toMatchObject({ x: 24, y: 24 }) // a step off the first window, not over it
    expect(other.loadedUrl).toBe('app://sockscope/index.html')
    expect(other.webContents.windowOpenHandler).not.toBeNull() // the navigation guards cover it too
    const a = trustedEvent()
    const b = { sender: other.webContents, senderFrame: other.webContents.mainFrame }
    const before = eventsOf(win).length // window A's events from the tests above
    const eventsOfA = (): SockEvent[] => eventsOf(win).slice(before)

    const echo = await startWsServer()
    try {
      const { id: idA } = (await h('connect')(a, { url: echo.url })) as { id: string }
      const { id: idB } = (await h('connect')(b, { url: echo.url })) as { id: string }
      const echoed = (events: SockEvent[], text: string): boolean =>
        events.some((e) => e.type === 'message' && e.dir === 'in' && e.data === text)
      const opened = (events: SockEvent[], id: string): boolean =>
        events.some((e) => e.id === id && e.type === 'state' && e.state === 'open')
      await until(() => opened(eventsOfA(), idA) && opened(eventsOf(other), idB), 'both connections open')
      await h('send')(a, idA, { kind: 'text', data: 'from A' })
      await h('send')(b, idB, { kind: 'text', data: 'from B' })
      await until(() => echoed(eventsOfA(), 'from A') && echoed(eventsOf(other), 'from B'), 'both echoes')
      expect(new Set(eventsOfA().map((e) => e.id))).toEqual(new Set([idA]))
      expect(new Set(eventsOf(other).map((e) => e.id))).toEqual(new Set([idB]))
      expect(((await h('list')(b)) as Array<{ id: string }>).map((c) => c.id)).toEqual([idB])

      // Window B cannot touch A's connection, whatever it calls.
      const calls: Array<[string, unknown[]]> = [
        ['send', [idA, { kind: 'text', data: 'from B' }]],
        ['ping', [idA, '']],
        ['close', [idA]],
        ['terminate', [idA]],
        ['cancelReconnect', [idA]],
        ['remove', [idA]]
      ]
      for (const [m, args] of calls) {
        expect(await recorded.handlers.get(`sockscope:${m}`)!(b, ...args), m).toMatchObject({
          ok: false,
          e: { code: 'FORBIDDEN', message: expect.stringMatching(/does not belong to this window/) }
        })
      }
      await h('send')(a, idA, { kind: 'text', data: 'still A' })
      await until(() => echoed(eventsOfA(), 'still A'), 'A still echoing')
      expect(new Set(eventsOf(other).map((e) => e.id))).toEqual(new Set([idB]))
      expect(
        eventsOfA()
          .filter((e) => e.type === 'message' && e.dir === 'out')
          .map((e) => (e as { data: string }).data)
      ).toEqual(['from A', 'still A'])
      expect(((await h('list')(a)) as Array<{ id: string; state: string }>).map((c) => [c.id, c.state])).toEqual([[idA, 'open']])

      // Closing window B closes its connection only.
      other.destroy()
      await until(() => echo.wss.clients.size === 1, 'the server to see B close')
      expect(((await h('list')(a)) as Array<{ id: string; state: string }>).map((c) => [c.id, c.state])).toEqual([[idA, 'open']])
      await h('remove')(a, idA)
    } finally {
      await echo.close()
    }
  })

  it('denies every permission request and check', () => {
    let answer: boolean | null = null
    recorded.permissionRequest!({}, 'media', (ok) => (answer = ok))
    expect(answer).toBe(false)
    expect(recorded.permissionCheck!({}, 'notifications')).toBe(false)
  })

  it('blocks foreign navigation, webviews and new windows; opens only http(s) links externally', async () => {
    const wc = win.webContents
    const nav = (url: string): boolean => {
      let prevented = false
      wc.emit('will-navigate', { preventDefault: () => (prevented = true) }, url)
      return prevented
    }
    expect(nav('https://evil.example/')).toBe(true)
    expect(nav('app://sockscope.evil/index.html')).toBe(true)
    expect(nav('app://sockscope/index.html#x')).toBe(false)
    let webview = false
    wc.emit('will-attach-webview', { preventDefault: () => (webview = true) })
    expect(webview).toBe(true)
    recorded.messageBoxResponse = 0 // the user confirms (desktop-security.test.ts covers the question itself)
    for (const url of ['https://docs.example/a', 'javascript:alert(1)', 'file:///etc/passwd', 'http://u:p@host/']) {
      expect(wc.windowOpenHandler!({ url })).toEqual({ action: 'deny' })
    }
    await until(() => recorded.openExternal.length > 0, 'the confirmed link')
    expect(recorded.openExternal).toEqual(['https://docs.example/a'])
  })

  it('serves the UI from the app:// scheme with the CSP, and nothing outside the renderer folder', async () => {
    expect(recorded.schemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }])
    const handler = recorded.protocolHandlers.get('app')!
    const ok = await handler(new Request('app://sockscope/index.html'))
    expect(ok.status).toBe(200)
    const csp = ok.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
    expect((await handler(new Request('app://sockscope/..%2f..%2fpackage.json'))).status).toBe(404)
    expect((await handler(new Request('app://other/index.html'))).status).toBe(404)
  })

  it('installs an application menu with the standard edit roles', () => {
    expect(menuItems().some((m) => m.role === 'editMenu')).toBe(true)
  })

  it('item 8: a reloaded window gets back the tabs its page saved (kept in memory for that window only)', async () => {
    const tabs = [
      {
        connId: null,
        draft: { url: 'ws://kept.example/' },
        composer: { mode: 'json', text: '{"a":1}', binaryEncoding: 'hex', history: [], saved: [] },
        profileId: null,
        title: 'Kept',
        recordingId: null,
        active: true
      }
    ]
    await h('tabsSave')(trustedEvent(), tabs)
    // A reload asks for a sync first (same webContents): the tabs come back with it.
    const synced = (await h('sync')(trustedEvent())) as { tabs: unknown }
    expect(synced.tabs).toEqual(tabs)
  })

  // Last: this quits the app.
  it('item 9: quitting holds the quit until every recording and profile is on disk, then quits', async () => {
    const echo = await startWsServer()
    try {
      const { id } = (await h('connect')(trustedEvent(), { url: echo.url })) as { id: string }
      await until(() => eventsOf(win).some((e) => e.id === id && e.type === 'state' && e.state === 'open'), 'open')
      for (let i = 0; i < 200; i++) await h('send')(trustedEvent(), id, { kind: 'text', data: `before quit ${i}` })
      let prevented = 0
      const quitsBefore = recorded.quits
      for (const fn of recorded.appEvents.get('before-quit') ?? []) fn({ preventDefault: () => void prevented++ })
      // Electron would have quit as soon as the handler returned; it must have been held.
      expect(prevented).toBe(1)
      expect(recorded.quits).toBe(quitsBefore)
      await until(() => recorded.quits === quitsBefore + 1, 'the real quit once everything is written')
      const dir = join(dataDir, 'recordings')
      const file = readdirSync(dir).find((f) => readFileSync(join(dir, f), 'utf8').includes(id))!
      const { lines } = recordingLines(join(dir, file))
      // Before the fix the last buffered lines (up to 50 ms of them) were lost to the quit.
      expect(lines.filter((l) => l.includes('"dir":"out"') && l.includes('before quit')).length).toBe(200)
      expect(existsSync(join(dataDir, 'sockscope.lock'))).toBe(false) // released for the next process
    } finally {
      await echo.close()
    }
  })
})
