/**
 * The desktop shell's IPC contract, on the built main bundle with a mocked `electron` (as desktop-shell.test.ts):
 * one handler per method, foreign senders refused, malformed arguments refused in the user's words, and one error
 * shape on both transports.
 */
import { describe, expect, it, vi } from 'vitest'
import { METHOD_NAMES, type MethodName } from '../../src/shared/api'
import { FakeWebContents, recorded } from './electronMock'
import { loadShell } from './loadShell'

vi.mock('electron', async () => (await import('./electronMock')).electronModule())

const shell = loadShell('sockscope-shell-ipc-')
const { trustedEvent } = shell

describe('desktop shell IPC contract (built main bundle, mocked electron)', () => {
  it('registers exactly one handler per contract method', () => {
    expect([...recorded.handlers.keys()].sort()).toEqual(METHOD_NAMES.map((m) => `sockscope:${m}`).sort())
  })

  it('every handler refuses a foreign sender', async () => {
    const foreignFrame = new FakeWebContents('https://evil.example/')
    const subFrame = { url: 'app://sockscope/index.html' }
    for (const [channel, handler] of recorded.handlers) {
      expect(await handler({ sender: foreignFrame, senderFrame: foreignFrame.mainFrame })).toEqual({
        ok: false,
        e: { name: 'Error', code: 'FORBIDDEN', message: expect.stringMatching(/did not come from the Sockscope window/) }
      })
      expect(await handler({ sender: shell.win.webContents, senderFrame: subFrame })).toMatchObject({
        ok: false,
        e: { message: expect.stringMatching(/^Refused/) }
      })
      expect(channel).toMatch(/^sockscope:/)
    }
  })

  it('every handler that takes arguments rejects malformed ones, naming what is wrong', async () => {
    // Typed over every method name: a new method without a malformed case fails the type check here.
    const bad: Record<MethodName, unknown[]> = {
      connect: [{ url: 'http://x' }],
      send: ['id', { kind: 'text', data: 5 }],
      ping: ['id', 'x'.repeat(200)],
      pong: [42, ''],
      close: ['id', 1006],
      terminate: [null],
      cancelReconnect: [{}],
      reconnectNow: [5],
      remove: [],
      fetchPayload: ['not-a-uuid'],
      tabsSave: [[{ connId: 5 }]],
      appInfo: ['extra'],
      list: ['extra'],
      sync: [1],
      profilesState: [{}],
      profileSave: [{ id: 'x', name: '' }],
      profileDelete: [7],
      environmentSave: [{ id: 'e', name: 'n', variables: [{ name: 'a', value: 'b\r\nc' }] }],
      environmentDelete: [],
      foldersSet: ['not a list'],
      settingsSet: [{ persistInsecureSecrets: 'yes' }],
      secretsProvide: [{ a: 5 }],
      exportProfiles: [null, 'yes'],
      importFile: [{ name: 'x' }],
      recordingsList: [1],
      recordingRead: ['../../etc/passwd'],
      recordingExport: ['a.ndjson', 'pdf'],
      recordingDelete: ['../profiles.json'],
      recordingsDeleteAll: [true],
      replay: ['a.ndjson', { url: 'ws://x' }, { mode: 'fast' }],
      echoServerStart: ['extra'],
      mockStart: ['a.ndjson', { timing: 'slow', match: 'order' }],
      mockStop: ['not-a-uuid'],
      mockLog: ['00000000-0000-4000-8000-000000000000', -1],
      scenariosList: ['extra'],
      scenarioFolderOpen: [5],
      scenarioFolderClose: [null],
      scenarioRead: [{ folder: null, name: '../profiles.json' }],
      scenarioSave: [{ folder: null, name: 'a.yaml' }, 5],
      scenarioCheck: [null],
      scenarioRun: [{ folder: null, name: 'run.sh' }],
      scenarioRunState: ['not-a-uuid', 0],
      scenarioRunStop: ['not-a-uuid'],
      scenarioRunLog: ['not-a-uuid', 'x']
    }
    // Defect 10 of issue 10: each answer is one result shape that keeps the field (thrown errors reached the
    // renderer wrapped by Electron as "Error invoking remote method …", without field or code).
    for (const name of METHOD_NAMES) {
      const handler = recorded.handlers.get(`sockscope:${name}`)!
      const r = (await handler(trustedEvent(), ...bad[name])) as { ok: boolean; e: { message: string; field?: string; name?: string } }
      expect(r.ok, name).toBe(false)
      // A name the user knows (a field's label, or "This request was refused"), then the reason; no contract path.
      expect(r.e.message, name).toMatch(/^[A-Z][^:]*: \S/)
      expect(r.e.message, name).not.toMatch(/argument|\b\d+\.[a-zA-Z]/)
      expect(r.e.name, name).toBe('ValidationError')
      expect(r.e.field, name).toBeTruthy()
    }
  })

  it('defect 10: the preload unwraps nothing and the page sees the same error object on both transports', async () => {
    const h = recorded.handlers.get('sockscope:connect')!
    const r = (await h(trustedEvent(), { url: 'ws://x', headers: [{ name: 'bad name', value: '' }] })) as {
      ok: false
      e: { message: string; field: string }
    }
    const { unwrapResult, ApiError } = await import('../../src/shared/wire')
    let thrown: unknown
    try {
      unwrapResult(r)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(ApiError)
    expect(thrown).toMatchObject({
      name: 'ValidationError',
      field: r.e.field,
      message: expect.stringMatching(/^Header 1 name: /)
    })
  })
})
