/**
 * Issue 11, Electron checklist gaps, on the built main bundle with a mocked `electron` (as desktop-shell.test.ts):
 * DevTools in packaged builds, device and screen-capture requests, confirmation before a link leaves the app, a
 * crashed page, app:// and symlinks, and the fuses electron-builder will flip.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { SockEvent } from '../../src/shared/events'
import { startWsServer } from '../helpers/servers'
import { until } from '../helpers/time'
import { ESCAPING_PATHS, OUTSIDE_SECRET, plantSymlinkTrap } from '../helpers/symlinkTrap'
import { recorded, type FakeWindow } from './electronMock'
import { loadShell } from './loadShell'

vi.mock('electron', async () => (await import('./electronMock')).electronModule())

const ROOT = resolve(__dirname, '..', '..')
const shell = loadShell('sockscope-shell-sec-')
const { trustedEvent } = shell
const trapDir = mkdtempSync(join(tmpdir(), 'sockscope-shell-trap-'))
let win: FakeWindow

beforeAll(() => {
  win = shell.win
})
afterAll(() => rmSync(trapDir, { recursive: true, force: true }))

const call = async (n: string, ...a: unknown[]): Promise<unknown> => {
  const r = (await recorded.handlers.get(`sockscope:${n}`)!(trustedEvent(), ...a)) as { ok: boolean; v?: unknown; e?: unknown }
  if (!r.ok) throw new Error(JSON.stringify(r.e))
  return r.v
}
const eventsOf = (w: FakeWindow): SockEvent[] =>
  w.webContents.sent.filter(([c]) => c === 'sockscope:events').flatMap(([, p]) => (p as { batch: SockEvent[] }).batch)
interface MenuItem {
  label?: string
  click?: () => void
  submenu?: MenuItem[]
}
const menuItem = (label: string): MenuItem =>
  (recorded.menu as MenuItem[]).flatMap((m) => [m, ...(m.submenu ?? [])]).find((i) => i.label === label)!

describe('desktop security (built main bundle, mocked electron)', () => {
  it('finding 4: DevTools are off in a packaged build unless SOCKSCOPE_DEVTOOLS=1 is set', () => {
    expect((win.options.webPreferences as { devTools?: boolean }).devTools).toBe(false)
    process.env.SOCKSCOPE_DEVTOOLS = '1'
    try {
      menuItem('New Window').click!()
      const other = recorded.windows[recorded.windows.length - 1]
      expect(other).not.toBe(win)
      expect((other.options.webPreferences as { devTools?: boolean }).devTools).toBe(true)
      other.destroy()
    } finally {
      delete process.env.SOCKSCOPE_DEVTOOLS
    }
  })

  it('finding 4: device permissions, device choosers and screen capture are all refused', () => {
    expect(recorded.devicePermission!({ deviceType: 'hid', origin: 'app://sockscope', device: {} })).toBe(false)
    expect(recorded.devicePermission!({ deviceType: 'usb', origin: 'app://sockscope', device: {} })).toBe(false)
    const answers: unknown[][] = []
    recorded.displayMediaRequest!({ videoRequested: true, audioRequested: false }, (...a) => answers.push(a))
    expect(answers).toEqual([[null]]) // Electron's explicit denial
    for (const [event, args] of [
      ['select-hid-device', [{ deviceList: [{ deviceId: 'h1' }] }]],
      ['select-usb-device', [{ deviceList: [{ deviceId: 'u1' }] }]],
      ['select-serial-port', [[{ portId: 's1' }], win.webContents]]
    ] as const) {
      let prevented = false
      const picked: unknown[][] = []
      recorded.sessionEvents.get(event)!({ preventDefault: () => (prevented = true) }, ...args, (...a: unknown[]) => picked.push(a))
      expect(prevented, event).toBe(true)
      expect(
        picked.flat().filter((x) => x),
        event
      ).toEqual([]) // cancelled: no device chosen
      expect(picked, event).toHaveLength(1)
    }
  })

  it('finding 4: a link from the page goes to the browser only after the user confirms it', async () => {
    const ask = (url: string) => win.webContents.windowOpenHandler!({ url })
    recorded.messageBoxResponse = 1 // Cancel
    expect(ask('https://example.com/from-a-payload')).toEqual({ action: 'deny' })
    await until(() => recorded.messageBoxes.length === 1, 'the confirmation dialog')
    const box = recorded.messageBoxes[0]
    expect(box.window).toBe(win)
    expect(box.options).toMatchObject({ buttons: ['Open in browser', 'Cancel'], defaultId: 1, cancelId: 1 })
    expect(String(box.options.detail)).toContain('https://example.com/from-a-payload')
    await new Promise((r) => setTimeout(r, 20))
    expect(recorded.openExternal).toEqual([])

    recorded.messageBoxResponse = 0 // Open in browser
    ask('https://example.com/yes')
    await until(() => recorded.openExternal.length === 1, 'the confirmed link to open')
    expect(recorded.openExternal).toEqual(['https://example.com/yes'])

    // A look-alike host is shown as what it is (punycode); unsafe links are refused without a question.
    ask('https://\u0435xample.com/') // Cyrillic "е"
    await until(() => recorded.messageBoxes.length === 3, 'the third dialog')
    expect(String(recorded.messageBoxes[2].options.detail)).toMatch(/Site: xn--xample-/)
    await until(() => recorded.openExternal.length === 2, 'the look-alike link, confirmed')
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'http://u:p@host/']) ask(url)
    await new Promise((r) => setTimeout(r, 20))
    expect(recorded.messageBoxes).toHaveLength(3)
    expect(recorded.openExternal).toHaveLength(2)
    recorded.messageBoxResponse = 1
  })

  it('finding 4: a crashed page is reloaded, its connections keep running, and the user is told', async () => {
    const echo = await startWsServer()
    try {
      const { id } = (await call('connect', { url: echo.url })) as { id: string }
      await until(() => eventsOf(win).some((e) => e.id === id && e.type === 'state' && e.state === 'open'), 'open')
      const wc = win.webContents
      wc.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 })
      expect(wc.reloads).toBe(0) // a clean exit is not a crash

      wc.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 })
      expect(wc.reloads).toBe(1)
      expect(echo.wss.clients.size).toBe(1) // the connection did not notice
      const notices = () => wc.sent.filter(([c]) => c === 'sockscope:notice').map(([, n]) => n as { level: string; message: string })
      expect(notices()).toEqual([]) // the new page is not listening yet
      wc.emit('did-finish-load')
      expect(notices()).toEqual([
        {
          level: 'warning',
          message: expect.stringMatching(/stopped \(crashed\) and was reloaded.*connections kept running/),
          ts: expect.any(Number)
        }
      ])
      // The reloaded page re-syncs and finds its connection, still open and still working.
      const synced = (await call('sync')) as { connections: Array<{ id: string; state: string }> }
      expect(synced.connections.map((c) => [c.id, c.state])).toEqual([[id, 'open']])
      await call('send', id, { kind: 'text', data: 'after the crash' })
      await until(() => eventsOf(win).some((e) => e.type === 'message' && e.dir === 'in' && e.data === 'after the crash'), 'the echo')

      // A crash loop is not reloaded forever: after three in a minute the user is told instead.
      const boxes = recorded.messageBoxes.length
      for (let i = 0; i < 3; i++) wc.emit('render-process-gone', {}, { reason: 'oom', exitCode: 0 })
      expect(wc.reloads).toBe(3)
      await until(() => recorded.messageBoxes.length === boxes + 1, 'the crash-loop dialog')
      expect(recorded.messageBoxes[boxes].options).toMatchObject({ type: 'error', message: expect.stringMatching(/keeps crashing/) })
      expect(String(recorded.messageBoxes[boxes].options.detail)).toMatch(/oom.*connections are still open/)
      await call('remove', id)
    } finally {
      await echo.close()
    }
  })

  it('finding 1: app:// serves nothing that a symlink in the renderer folder leads to outside it', async () => {
    const { rendererHandler } = await import('../../src/main/desktop/appProtocol')
    const handler = rendererHandler(plantSymlinkTrap(trapDir).dir)
    expect((await handler(new Request('app://sockscope/index.html'))).status).toBe(200)
    expect(await (await handler(new Request('app://sockscope/alias.js'))).text()).toBe('console.log(1)')
    for (const path of ESCAPING_PATHS) {
      const res = await handler(new Request(`app://sockscope${path}`))
      expect(res.status, path).toBe(404)
      expect(await res.text(), path).not.toContain(OUTSIDE_SECRET)
    }
  })

  it('finding 4: the packaged app turns off file:// privileges and keeps asar integrity on, as electron-builder reads it', async () => {
    const require = createRequire(import.meta.url)
    const yaml = require('js-yaml') as { load(text: string): unknown }
    const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>
    // electron-builder's own schema check: a misspelt fuse would fail the packaging, so it fails here.
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(c: unknown, log: { add(): void }): Promise<void>
    }
    await validateConfiguration(config, { add: () => undefined })
    expect(config.asar).toBe(true)
    expect(config.disableAsarIntegrity).toBeUndefined() // the hashes are embedded on macOS and Windows
    // The fuse wire electron-builder will write (FuseV1Options indices from @electron/fuses).
    const { PlatformPackager } = require('app-builder-lib') as {
      PlatformPackager: { prototype: { generateFuseConfig(f: unknown): Promise<Record<string, unknown>> } }
    }
    const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> }
    const wire = await PlatformPackager.prototype.generateFuseConfig.call(null, config.electronFuses)
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false)
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true)
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true)
    expect(wire[FuseV1Options.RunAsNode]).toBe(false)
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false)
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false)
  })
})
