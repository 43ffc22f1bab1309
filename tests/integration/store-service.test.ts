import { afterEach, describe, expect, it, vi } from 'vitest'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { SockscopeService } from '../../src/main/service/service'
import { ProfileStore } from '../../src/main/store/profileStore'
import { RecordingStore } from '../../src/main/store/recordings'
import { NO_ENCRYPTION, type EncryptionBackend } from '../../src/main/store/secrets'
import type { SockEvent } from '../../src/shared/events'
import type { FileResult, ImportSummary } from '../../src/shared/storeTypes'
import type { Profile } from '../../src/shared/profiles'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { useFakeClock } from '../helpers/fakeClock'
import { until } from '../helpers/time'
import { retimeOutgoing, watchSends } from '../helpers/replayClock'

const CANARY = 'CANARY-s3cr3t-7f1e9a'
let server: RunningWs | null = null
let service: SockscopeService | null = null
const dirs: string[] = []
const stores: RecordingStore[] = []
afterEach(async () => {
  vi.useRealTimers()
  service?.dispose()
  await server?.close()
  server = service = null
  // Recordings still being written end before their folder goes.
  await Promise.all(stores.splice(0).map((r) => r.settled()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A stand-in for safeStorage: reversible, and the canary never appears in its output. */
const fakeKeychain: EncryptionBackend = {
  kind: 'os',
  encrypt: (s) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8')
}

function setup(mode: 'desktop' | 'browser', backend: EncryptionBackend = fakeKeychain) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sockscope-data-'))
  dirs.push(dataDir)
  const profiles = new ProfileStore(dataDir, backend, mode)
  profiles.load()
  const recordings = new RecordingStore(join(dataDir, 'recordings'))
  stores.push(recordings)
  const events: SockEvent[] = []
  service = new SockscopeService({
    appInfo: { mode, version: '0.0.0', dataDir, platform: process.platform },
    data: { profiles, recordings, version: '0.0.0' }
  })
  const session = service.openSession('s', (b) => events.push(...b))
  const call = <T>(m: string, ...a: unknown[]) => service!.call(session, m, a) as Promise<T>
  return { dataDir, profiles, recordings, events, call }
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
}

const secretProfile = (url: string): Profile => ({
  id: 'p-canary',
  name: 'Canary',
  folder: 'Team',
  options: {
    url,
    headers: [
      { name: 'X-Public', value: 'visible' },
      { name: 'X-Api-Token', value: CANARY, secret: true }
    ],
    auth: { type: 'bearer', token: CANARY }
  },
  savedMessages: [{ name: 'hello', message: { kind: 'text', data: 'hello' } }],
  updatedAt: new Date().toISOString()
})

describe('secrets canary', () => {
  it('a secret set through the API appears in no profiles file, no export, no recording and no log line', async () => {
    const logged: string[] = []
    const orig = { log: console.log, warn: console.warn, error: console.error }
    for (const k of ['log', 'warn', 'error'] as const) console[k] = (...a: unknown[]) => logged.push(a.map(String).join(' '))
    try {
      server = await startWsServer()
      const { dataDir, events, call, profiles, recordings } = setup('desktop')
      await call('profileSave', secretProfile(server.url))
      await call('environmentSave', { id: 'env1', name: 'Prod', variables: [{ name: 'token', value: CANARY, secret: true }] })
      const state = await call<{ profiles: Profile[] }>('profilesState')
      expect(state.profiles[0].options.auth).toEqual({ type: 'bearer', token: CANARY }) // held for the UI
      // Use it for real: the server receives it.
      const { id } = await call<{ id: string }>('connect', state.profiles[0].options)
      await until(() => events.some((e) => e.type === 'state' && e.state === 'open'), 'open')
      expect(server.requests[0].headers.authorization).toBe(`Bearer ${CANARY}`)
      await call('send', id, { kind: 'text', data: 'public payload' })
      await until(() => events.some((e) => e.type === 'message' && e.dir === 'in'), 'the echo')
      const rec = (await call<Array<{ id: string }>>('recordingsList'))[0].id
      const exports = [
        await call<FileResult>('exportProfiles', null, false),
        await call<FileResult>('recordingExport', rec, 'ndjson'),
        await call<FileResult>('recordingExport', rec, 'har'),
        await call<FileResult>('recordingExport', rec, 'csv')
      ]
      await call('remove', id)
      await profiles.flush()
      await recordings.settled()
      for (const f of allFiles(dataDir)) expect(readFileSync(f, 'utf8'), f).not.toContain(CANARY)
      for (const x of exports) expect(JSON.stringify(x)).not.toContain(CANARY)
      expect((exports[0] as { download: { content: string } }).download.content).toContain('<secret: not exported>')
      expect(logged.join('\n')).not.toContain(CANARY)
      // The keychain file exists and round-trips on the next start.
      expect(readdirSync(dataDir)).toContain('secrets.json')
      const again = new ProfileStore(dataDir, fakeKeychain, 'desktop')
      again.load()
      expect(again.state().profiles[0].options.headers?.[1].value).toBe(CANARY)
      // Exporting with secrets is an explicit choice.
      expect(JSON.stringify(await call('exportProfiles', null, true))).toContain(CANARY)
    } finally {
      Object.assign(console, orig)
    }
  })

  it('browser mode keeps secrets in memory only and asks for them after a restart', async () => {
    const { dataDir, call, profiles } = setup('browser', NO_ENCRYPTION)
    await call('profileSave', secretProfile('ws://127.0.0.1:1/'))
    await profiles.flush()
    expect(readdirSync(dataDir)).not.toContain('secrets.json')
    const s = (await call<{ secrets: { persisted: boolean; note: string } }>('profilesState')).secrets
    expect(s.persisted).toBe(false)
    expect(s.note).toMatch(/Browser mode has no OS keychain/)
    const restarted = new ProfileStore(dataDir, NO_ENCRYPTION, 'browser')
    restarted.load()
    expect(restarted.state().missingSecrets['p-canary'].sort()).toEqual(['options.auth.token', 'options.headers.1.value'])
    restarted.provideSecrets({ 'profile:p-canary:options.auth.token': 'typed-again' })
    expect(restarted.state().profiles[0].options.auth).toEqual({ type: 'bearer', token: 'typed-again' })
  })

  it('Linux basic_text: not persisted unless the user opts in', async () => {
    const basic: EncryptionBackend = { ...fakeKeychain, kind: 'basic_text' }
    const { dataDir, call, profiles } = setup('desktop', basic)
    await call('profileSave', secretProfile('ws://127.0.0.1:1/'))
    await profiles.flush()
    expect(readdirSync(dataDir)).not.toContain('secrets.json')
    expect((await call<{ secrets: { note: string } }>('profilesState')).secrets.note).toMatch(
      /No keyring was found, so secrets are not saved/
    )
    await call('settingsSet', { persistInsecureSecrets: true })
    expect(readdirSync(dataDir)).toContain('secrets.json')
  })
})

describe('export, import and recordings', () => {
  it('profiles export then import round-trips', async () => {
    const { call } = setup('desktop')
    await call('profileSave', secretProfile('ws://127.0.0.1:1/x'))
    const out = (await call<{ download: { content: string; name: string } }>('exportProfiles', null, true)).download
    const { call: call2 } = setup('desktop')
    const imported = await call2<ImportSummary>('importFile', { name: out.name, content: out.content })
    expect(imported.format).toBe('sockscope')
    const state = await call2<{ profiles: Profile[]; folders: string[] }>('profilesState')
    const p = state.profiles[0]
    expect(p).toMatchObject({ name: 'Canary', folder: 'Team', savedMessages: [{ name: 'hello' }] })
    expect(p.options).toEqual(secretProfile('ws://127.0.0.1:1/x').options)
    expect(state.folders).toEqual(['Team'])
  })

  it('records every event with full payloads; HAR and CSV exports match the messages exchanged', async () => {
    server = await startWsServer()
    const { events, call } = setup('desktop')
    const { id } = await call<{ id: string }>('connect', { url: server.url })
    await until(() => events.some((e) => e.type === 'state' && e.state === 'open'), 'open')
    await call('send', id, { kind: 'text', data: 'one, "quoted"' })
    await call('send', id, { kind: 'binary', encoding: 'hex', data: '00ff10' })
    await until(() => events.filter((e) => e.type === 'message' && e.dir === 'in').length === 2, 'two echoes')
    await call('close', id)
    await until(() => events.some((e) => e.type === 'close'), 'close')
    const rec = (await call<Array<{ id: string; url: string }>>('recordingsList'))[0]
    expect(rec.url).toBe(server.url + '/')
    const read = await call<{ events: SockEvent[] }>('recordingRead', rec.id)
    expect(read.events.map((e) => e.seq)).toEqual(events.map((e) => e.seq))
    const bin = read.events.find((e) => e.type === 'message' && e.kind === 'binary')
    expect([...((bin as { data: Uint8Array }).data as Uint8Array)]).toEqual([0, 255, 16])

    const har = JSON.parse((await call<{ download: { content: string } }>('recordingExport', rec.id, 'har')).download.content)
    expect(har.log.version).toBe('1.2')
    expect(har.log.creator.name).toBe('Sockscope')
    const entry = har.log.entries[0]
    expect(entry).toMatchObject({
      request: { method: 'GET', url: server.url + '/' },
      response: { status: 101 },
      _resourceType: 'websocket'
    })
    expect(entry._webSocketMessages.map((m: { type: string; opcode: number; data: string }) => [m.type, m.opcode, m.data])).toEqual([
      ['send', 1, 'one, "quoted"'],
      ['send', 2, 'AP8Q'],
      ['receive', 1, 'one, "quoted"'],
      ['receive', 2, 'AP8Q']
    ])
    for (const m of entry._webSocketMessages) expect(typeof m.time).toBe('number')
    const csv = (await call<{ download: { content: string } }>('recordingExport', rec.id, 'csv')).download.content
    expect(csv.split('\r\n')[0]).toBe('time,direction,kind,size,data,encoding')
    expect(csv).toContain(',out,text,13,"one, ""quoted""",utf8')
    expect(csv).toContain(',in,binary,3,AP8Q,base64')
  })

  it('imports a HAR (as profiles plus recordings), an Insomnia export and a Postman collection', async () => {
    const { call } = setup('desktop')
    const fx = (n: string) => ({ name: n, content: readFileSync(resolve(__dirname, '..', 'fixtures', n), 'utf8') })
    const har = await call<ImportSummary>('importFile', fx('chrome.har'))
    expect(har.format).toBe('har')
    expect(har.profiles[0].options.url).toBe('wss://stream.example/ws')
    expect(har.profiles[0].options.headers?.map((h) => h.name)).toEqual(['Origin', 'User-Agent'])
    expect(har.recordings).toHaveLength(1)
    const read = await call<{ events: SockEvent[] }>('recordingRead', har.recordings[0])
    expect(read.events.filter((e) => e.type === 'message').map((e) => (e as { data: unknown }).data)).toEqual([
      '{"op":"sub"}',
      '{"ok":true}'
    ])

    const ins = await call<ImportSummary>('importFile', fx('insomnia.json'))
    expect(ins.profiles).toHaveLength(1)
    expect(ins.profiles[0]).toMatchObject({
      name: 'Chat socket',
      folder: 'Realtime',
      options: {
        url: 'ws://localhost:3000/chat',
        headers: [
          { name: 'X-Team', value: 'blue' },
          { name: 'X-Off', value: '1', enabled: false }
        ],
        auth: { type: 'bearer', token: 'abc' }
      },
      savedMessages: [{ name: 'Join', message: { kind: 'text', data: '{"join":"room1"}' } }]
    })
    const pm = await call<ImportSummary>('importFile', fx('postman.json'))
    expect(pm.profiles.map((p) => p.options.url)).toEqual(['wss://echo.example/socket'])
    expect(pm.notes.join(' ')).toMatch(/no WebSocket request type/)
    await expect(call('importFile', { name: 'x.json', content: '{"hello":1}' })).rejects.toThrow(/not a format Sockscope imports/)
    await expect(call('importFile', { name: 'x.json', content: 'nope' })).rejects.toThrow(/neither JSON nor an NDJSON recording/)
  })

  it('replays the outgoing messages of a recording over a new connection, with the original gaps or a fixed interval', async () => {
    server = await startWsServer()
    const { events, call, recordings } = setup('desktop')
    const { id } = await call<{ id: string }>('connect', { url: server.url })
    await until(() => events.some((e) => e.type === 'state' && e.state === 'open'), 'open')
    for (const m of ['first', 'second', 'third']) await call('send', id, { kind: 'text', data: m })
    await call('send', id, { kind: 'binary', encoding: 'hex', data: 'cafe' })
    await call('remove', id)
    const rec = (await call<Array<{ id: string }>>('recordingsList'))[0].id
    // The gaps this machine left between the sends are a matter of microseconds: give the recording known ones
    // (0.8 s, 2.5 s, none), then replay it on a fake clock.
    await recordings.settled()
    retimeOutgoing(recordings.pathOf(rec), [800, 2500, 0])
    let got: string[] = []
    const target = await startWsServer({
      onConnection: (ws) => ws.on('message', (d, bin) => got.push(bin ? Buffer.from(d as Buffer).toString('hex') : d.toString()))
    })
    const { sentAfter, reset } = watchSends(service!.manager)
    try {
      useFakeClock()
      await call('replay', rec, { url: target.url }, { mode: 'original' })
      await sentAfter(0, 1)
      await sentAfter(800, 2)
      await sentAfter(2500, 3)
      await sentAfter(0, 4)
      await until(() => got.length === 4, 'four messages at the server')
      expect(got).toEqual(['first', 'second', 'third', 'cafe'])
      got = []
      reset()
      await call('replay', rec, { url: target.url }, { mode: 'interval', ms: 1000 })
      await sentAfter(0, 1)
      for (const n of [2, 3, 4]) await sentAfter(1000, n)
      await until(() => got.length === 4, 'four messages at the server')
      expect(got).toEqual(['first', 'second', 'third', 'cafe'])
    } finally {
      vi.useRealTimers()
      await target.close()
    }
  })

  it('prunes recordings beyond the count limit, removing the files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockscope-rec-'))
    dirs.push(dir)
    const store = new RecordingStore(dir, { maxCount: 3, maxBytes: 1e9 })
    // A fake date a second apart per recording; the connection ids run the other way, so age alone decides.
    vi.useFakeTimers({ toFake: ['Date'] })
    for (let i = 0; i < 6; i++) {
      vi.setSystemTime(Date.UTC(2026, 0, 1, 12, 0, i))
      store.start(`conn-${5 - i}-xxxxxxxx`, 'ws://x/')
      await store.end(`conn-${5 - i}-xxxxxxxx`)
    }
    await store.prune()
    expect((await store.list()).map((r) => r.id.split('_')[1])).toEqual(['conn-0-x.sockrec', 'conn-1-x.sockrec', 'conn-2-x.sockrec'])
    expect(readdirSync(dir)).toHaveLength(3)
    if (process.platform !== 'win32') for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600)
  })
})
