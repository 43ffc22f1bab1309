/**
 * Issue 11's secrets items, split from data-safety.test.ts: secrets the keychain refuses are kept, and a secret
 * passes no door (files, exports, logs, the renderer).
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as realFs from 'node:fs'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProfileStore } from '../../src/main/store/profileStore'
import type { EncryptionBackend } from '../../src/main/store/secrets'
import { startWsServer } from '../helpers/servers'
import { until } from '../helpers/time'
import type { SockEvent } from '../../src/shared/events'
import type { Profile } from '../../src/shared/profiles'
import { cleanups, profile, runCleanups } from '../helpers/dataSafety'

afterEach(runCleanups)

describe('issue 11 item 5: secrets the keychain refuses are kept, not wiped', () => {
  it('item 5: after a run where the keychain refuses, edits and saves leave the stored secrets untouched until they can be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockscope-keychain-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const working: EncryptionBackend = {
      kind: 'os',
      encrypt: (s) => Buffer.from(`k1:${s}`),
      decrypt: (b) => b.toString().replace(/^k1:/, '')
    }
    const refusing: EncryptionBackend = {
      kind: 'os',
      encrypt: working.encrypt,
      decrypt: () => {
        throw new Error('the keychain refused')
      }
    }
    const withToken = (id: string, token: string): Profile => ({
      ...profile(id, id),
      options: { url: 'ws://127.0.0.1:1/', auth: { type: 'bearer', token } }
    })
    const first = new ProfileStore(dir, working, 'desktop')
    first.load()
    first.saveProfile(withToken('a', 'secret-a'))
    first.saveProfile(withToken('b', 'secret-b'))
    // A run where the keychain refuses: the user sees the secrets missing, edits profile a without retyping, adds c.
    const denied = new ProfileStore(dir, refusing, 'desktop')
    denied.load()
    expect(denied.state().secrets.undecryptable).toBe(2)
    const a = denied.state().profiles.find((p) => p.id === 'a')!
    denied.saveProfile({ ...a, name: 'a renamed' })
    denied.saveProfile(withToken('c', 'secret-c'))
    const items = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')).items as Record<string, string>
    // Before the fix: items held only what could be decrypted, here nothing of a and b.
    expect(Object.keys(items).sort()).toEqual([
      'profile:a:options.auth.token',
      'profile:b:options.auth.token',
      'profile:c:options.auth.token'
    ])
    const later = new ProfileStore(dir, working, 'desktop')
    later.load()
    const tokens = Object.fromEntries(
      later.state().profiles.map((p) => [p.id, p.options.auth?.type === 'bearer' ? p.options.auth.token : ''])
    )
    expect(tokens).toEqual({ a: 'secret-a', b: 'secret-b', c: 'secret-c' })
    expect(later.state().profiles.find((p) => p.id === 'a')!.name).toBe('a renamed')
    // Deleting the profile is what removes its undecryptable secret.
    denied.deleteProfile('b')
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')).items)).not.toContain('profile:b:options.auth.token')
    expect(existsSync(join(dir, 'profiles.json.bak'))).toBe(true)
  })
})

describe('issue 11 item 6: a secret passes no door', () => {
  it('item 6: the canary in a secret query value, URL userinfo, an API key in the query and a proxy password reaches no file, listing, export or log', async () => {
    const CANARY = 'CANARY-d00r-5ecret'
    const forms = [CANARY, Buffer.from(`user:${CANARY}`).toString('base64'), encodeURIComponent(CANARY)]
    const logged: string[] = []
    const orig = { log: console.log, warn: console.warn, error: console.error, info: console.info }
    for (const k of ['log', 'warn', 'error', 'info'] as const) console[k] = (...a: unknown[]) => void logged.push(a.map(String).join(' '))
    cleanups.push(() => void Object.assign(console, orig))
    const server = await startWsServer()
    cleanups.push(() => void server.close())
    const dataDir = mkdtempSync(join(tmpdir(), 'sockscope-doors-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const { SockscopeService } = await import('../../src/main/service/service')
    const { RecordingStore } = await import('../../src/main/store/recordings')
    const keychain: EncryptionBackend = {
      kind: 'os',
      encrypt: (s) => Buffer.from(Buffer.from(s).map((b) => b ^ 0x5a)),
      decrypt: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString()
    }
    const profiles = new ProfileStore(dataDir, keychain, 'desktop')
    profiles.load()
    const recordings = new RecordingStore(join(dataDir, 'recordings'))
    const service = new SockscopeService({
      appInfo: { mode: 'desktop', version: 't', dataDir, platform: process.platform },
      data: { profiles, recordings, version: 't' }
    })
    cleanups.push(() => service.dispose())
    const events: SockEvent[] = []
    const session = service.openSession('s', (b) => events.push(...b))
    const call = <T>(m: string, ...a: unknown[]) => service.call(session, m, a) as Promise<T>
    const options = {
      url: `${server.url.replace('ws://', `ws://user:${CANARY}@`)}/feed?public=1`,
      query: [{ name: 'sig', value: CANARY, secret: true }],
      auth: { type: 'apiKey', name: 'key', value: CANARY, in: 'query' }
    }
    await call('profileSave', { ...profile('p1', 'Doors'), options })
    await call('profileSave', {
      ...profile('p2', 'Proxied'),
      options: { url: 'ws://127.0.0.1:1/', proxy: { type: 'http', url: `http://u:${CANARY}@127.0.0.1:9` } }
    })
    const { id } = await call<{ id: string }>('connect', options)
    await until(() => events.some((e) => e.type === 'state' && e.state === 'open'), 'open')
    // Used for real: the server got every one of them.
    expect(server.requests[0].url).toContain(`sig=${CANARY}`)
    expect(server.requests[0].url).toContain(`key=${CANARY}`)
    expect(server.requests[0].headers.authorization).toBe(`Basic ${forms[1]}`)
    await call('send', id, { kind: 'text', data: 'public' })
    await until(() => events.some((e) => e.type === 'message' && e.dir === 'in'), 'the echo')
    const list = await call<Array<{ id: string }>>('recordingsList')
    const doors: Array<[string, unknown]> = [
      ['recordings list', list],
      ['connection list', await call('list')],
      ['profiles export', await call('exportProfiles', null, false)],
      ...(await Promise.all(
        (['ndjson', 'har', 'csv'] as const).map(
          async (f) => [`${f} export`, await call('recordingExport', list[0].id, f)] as [string, unknown]
        )
      ))
    ]
    await call('remove', id)
    await recordings.settled()
    const files = realFs.readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
    for (const d of files) doors.push([join(d.parentPath, d.name), readFileSync(join(d.parentPath, d.name), 'utf8')])
    doors.push(['console', logged.join('\n')])
    // Before the fix the recording header's URL held the query and userinfo, and profiles.json the URL and proxy passwords.
    for (const [door, content] of doors) for (const f of forms) expect(JSON.stringify(content), door).not.toContain(f)
    // The keychain keeps them: the next start gives them back.
    const again = new ProfileStore(dataDir, keychain, 'desktop')
    again.load()
    const [p1, p2] = again.state().profiles
    expect(p1.options.url).toContain(`user:${CANARY}@`)
    expect(p2.options.proxy?.url).toBe(`http://u:${CANARY}@127.0.0.1:9`)
    expect(p1.options.query?.[0].value).toBe(CANARY)
  })

  it('item 6: secret paths read back from a crafted profiles.json never reach the setter outside the allowed fields', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockscope-proto-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const doc = {
      schemaVersion: 2,
      folders: [],
      profiles: [
        { ...profile('evil', 'Evil'), secretPaths: ['__proto__.polluted', 'constructor.prototype.polluted', 'options.auth.token'] }
      ],
      environments: [],
      settings: { persistInsecureSecrets: false }
    }
    realFs.writeFileSync(join(dir, 'profiles.json'), JSON.stringify(doc))
    const keychain: EncryptionBackend = { kind: 'os', encrypt: (s) => Buffer.from(s), decrypt: (b) => b.toString() }
    realFs.writeFileSync(
      join(dir, 'secrets.json'),
      JSON.stringify({ v: 1, backend: 'os', items: { 'profile:evil:__proto__.polluted': Buffer.from('yes').toString('base64') } })
    )
    const store = new ProfileStore(dir, keychain, 'desktop')
    store.load()
    store.state()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(store.state().profiles[0].secretPaths).toEqual(['options.auth.token'])
  })
})
