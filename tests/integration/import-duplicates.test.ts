/**
 * Importing an export again (issue 15): identical profiles and environments are skipped, not duplicated; one that
 * changed under the same name is kept beside the held one, replaces it (keeping its id and its secrets when the
 * file has none), or is skipped, as the user chose. Through the contract, with a real profile store in a temp dir.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SockscopeService } from '../../src/main/service/service'
import { ProfileStore } from '../../src/main/store/profileStore'
import { RecordingStore } from '../../src/main/store/recordings'
import { NO_ENCRYPTION } from '../../src/main/store/secrets'
import type { Environment, Profile } from '../../src/shared/profiles'
import type { ImportSummary } from '../../src/shared/storeTypes'

const dirs: string[] = []
let service: SockscopeService | null = null
afterEach(async () => {
  service?.dispose()
  service = null
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-import-'))
  dirs.push(dir)
  const profiles = new ProfileStore(dir, NO_ENCRYPTION, 'desktop')
  profiles.load()
  service = new SockscopeService({
    appInfo: { mode: 'desktop', version: 't', dataDir: dir, platform: process.platform },
    data: { profiles, recordings: new RecordingStore(join(dir, 'recordings')), version: 't' }
  })
  const session = service.openSession('s', () => undefined)
  const call = <T>(m: string, ...a: unknown[]) => service!.call(session, m, a) as Promise<T>
  const state = () => call<{ profiles: Profile[]; environments: Environment[] }>('profilesState')
  return { call, state }
}

const profile = (id: string, name: string, url: string, token?: string): Profile => ({
  id,
  name,
  folder: 'Team',
  options: { url, headers: [{ name: 'X-Token', value: token ?? '', secret: true }] },
  savedMessages: [],
  updatedAt: new Date(0).toISOString()
})

type Call = ReturnType<typeof setup>['call']
async function exported(call: Call, secrets: boolean): Promise<{ name: string; content: string }> {
  const { name, content } = (await call<{ download: { name: string; content: string } }>('exportProfiles', null, secrets)).download
  return { name, content }
}

describe('importing what is already here', () => {
  it('skips identical profiles and environments, and says so', async () => {
    const { call, state } = setup()
    await call('profileSave', profile('a', 'Feed', 'ws://127.0.0.1:1/feed', 's3cret'))
    await call('profileSave', profile('b', 'Chat', 'ws://127.0.0.1:1/chat', 'other'))
    await call('environmentSave', { id: 'e', name: 'Prod', variables: [{ name: 'host', value: 'x' }] })
    const file = await exported(call, true)
    const r = await call<ImportSummary>('importFile', file)
    expect(r.profiles).toEqual([])
    expect(r.environments).toEqual([])
    expect(r.notes).toEqual(['2 profiles and 1 environment (“Prod”, “Feed”, “Chat”) already here and unchanged, so not imported again.'])
    const s = await state()
    expect(s.profiles.map((p) => p.name)).toEqual(['Feed', 'Chat'])
    expect(s.environments).toHaveLength(1)
  })

  it('a changed profile under a held name: keep both (renamed), replace (same id, secret kept) or skip', async () => {
    const { call, state } = setup()
    await call('profileSave', profile('a', 'Feed', 'ws://127.0.0.1:1/feed', 's3cret'))
    // The file: the same profile pointing elsewhere, exported without its secret.
    await call('profileSave', profile('a', 'Feed', 'ws://127.0.0.1:2/feed-v2', 's3cret'))
    const changed = await exported(call, false)
    await call('profileSave', profile('a', 'Feed', 'ws://127.0.0.1:1/feed', 's3cret'))

    await call('importFile', changed, 'skip')
    expect((await state()).profiles.map((p) => [p.name, p.options.url])).toEqual([['Feed', 'ws://127.0.0.1:1/feed']])

    const both = await call<ImportSummary>('importFile', changed, 'keep-both')
    expect(both.profiles.map((p) => p.name)).toEqual(['Feed (imported)'])
    expect((await state()).profiles.map((p) => [p.name, p.options.url])).toEqual([
      ['Feed', 'ws://127.0.0.1:1/feed'],
      ['Feed (imported)', 'ws://127.0.0.1:2/feed-v2']
    ])
    await call('profileDelete', both.profiles[0].id)

    const replaced = await call<ImportSummary>('importFile', changed, 'replace')
    expect(replaced.notes).toEqual(['1 profile (“Feed”) replaced the one with the same name.'])
    const s = await state()
    expect(s.profiles).toHaveLength(1)
    expect(s.profiles[0]).toMatchObject({ id: 'a', name: 'Feed', options: { url: 'ws://127.0.0.1:2/feed-v2' } })
    expect(s.profiles[0].options.headers?.[0]).toMatchObject({ name: 'X-Token', value: 's3cret' })
  })

  it('the default keeps both: a changed profile is never lost', async () => {
    const { call, state } = setup()
    await call('profileSave', profile('a', 'Feed', 'ws://127.0.0.1:2/v2'))
    const changed = await exported(call, true)
    await call('profileSave', profile('a', 'Feed', 'ws://127.0.0.1:1/v1'))
    await call('importFile', changed)
    await call('importFile', changed) // the second time it is identical to the copy the first one made
    expect((await state()).profiles.map((p) => p.name)).toEqual(['Feed', 'Feed (imported)'])
  })

  it('an unknown choice is refused in the user’s words', async () => {
    const { call } = setup()
    await expect(call('importFile', { name: 'x.json', content: '{}' }, 'merge')).rejects.toThrow(/must be keep-both, replace or skip/)
  })
})
