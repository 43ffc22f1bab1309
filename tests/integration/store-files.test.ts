import { afterEach, describe, expect, it, vi } from 'vitest'
import { fork } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { JsonFile } from '../../src/main/store/jsonFile'
import { ProfileStore } from '../../src/main/store/profileStore'
import { NO_ENCRYPTION } from '../../src/main/store/secrets'
import { parseProfilesDoc } from '../../src/shared/profiles'

const dirs: string[] = []
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sockscope-store-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  vi.useRealTimers()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const profile = (id: string, name = id) => ({
  id,
  name,
  folder: '',
  options: { url: 'ws://127.0.0.1:1/' },
  savedMessages: [],
  updatedAt: new Date().toISOString()
})

describe('atomic saves', () => {
  const writers = Number(process.env.SOCKSCOPE_KILLED_WRITERS ?? 48)
  it(`${writers} writers killed with SIGKILL at random moments always leave the old or a new version and a whole .bak`, async () => {
    const dir = tmp()
    const path = join(dir, 'doc.json')
    writeFileSync(path, JSON.stringify({ version: 'initial', profiles: [], check: 0 }))
    const child = resolve(__dirname, '..', 'helpers', 'atomicWriterChild.ts')
    const seen = new Set<string>()
    const runOne = (i: number): Promise<void> =>
      new Promise((done, fail) => {
        const p = fork(child, [path, String(i)], { execArgv: ['--import', 'tsx'], stdio: 'ignore' })
        p.on('error', fail)
        p.once('message', () => setTimeout(() => p.kill('SIGKILL'), Math.random() * 40))
        p.on('exit', () => {
          try {
            const doc = JSON.parse(readFileSync(path, 'utf8')) as { version: string; profiles: unknown[]; check: number }
            expect(doc.profiles.length).toBe(doc.check)
            if (existsSync(`${path}.bak`)) {
              const bak = JSON.parse(readFileSync(`${path}.bak`, 'utf8')) as { profiles: unknown[]; check: number }
              expect(bak.profiles.length).toBe(bak.check)
            }
            seen.add(doc.version)
            done()
          } catch (e) {
            fail(e)
          }
        })
      })
    // Eight at a time: two cores, and each child needs a moment to start.
    for (let i = 0; i < writers; i += 8) await Promise.all(Array.from({ length: Math.min(8, writers - i) }, (_, k) => runOne(i + k)))
    expect(seen.size).toBeGreaterThan(1) // the writers really replaced the file
    // Killed writers leave temp files; the next load clears them, and they are never the document itself.
    const leftovers = readdirSync(dir).filter((f) => f !== 'doc.json' && f !== 'doc.json.bak')
    for (const f of leftovers) expect(f).toMatch(/^\.doc\.json\.[0-9a-f]+\.tmp$|^doc\.json\.bak\.[0-9a-f]+\.tmp$/)
    new JsonFile({ path, parse: (r) => r, empty: () => ({}) }).load()
    expect(readdirSync(dir).sort()).toEqual(['doc.json', 'doc.json.bak'].filter((f) => existsSync(join(dir, f))).sort())
  }, 240_000)

  it('debounces: many saves in a burst become one write of the last state, once the debounce time is up', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const dir = tmp()
    const path = join(dir, 'd.json')
    const f = new JsonFile<{ n: number }>({ path, parse: (r) => r as { n: number }, empty: () => ({ n: 0 }), debounceMs: 30 })
    for (let n = 1; n <= 50; n++) f.save({ n })
    vi.advanceTimersByTime(29)
    expect(existsSync(path)).toBe(false)
    vi.advanceTimersByTime(1)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ n: 50 })
    expect(existsSync(`${path}.bak`)).toBe(false) // one write: a second would have kept the first as .bak
  })

  it('a failed write is reported and the in-memory state kept', async () => {
    const dir = tmp()
    writeFileSync(join(dir, 'not-a-folder'), 'x')
    const store = new ProfileStore(join(dir, 'not-a-folder'), NO_ENCRYPTION, 'desktop')
    store.load()
    // The user is told at once, with the file's path; the change is kept.
    expect(() => store.saveProfile(profile('p1', 'Kept in memory'))).toThrow(/Could not save .*profiles\.json: /)
    expect(await store.flush()).toMatch(/Could not save/)
    const s = store.state()
    expect(s.profiles.map((p) => p.name)).toEqual(['Kept in memory'])
    expect(s.problems.join('\n')).toMatch(/Could not save .*profiles\.json: .*Your changes are kept in memory/)
  })
})

describe('corrupt files, backups and migrations', () => {
  it('quarantines a corrupt file and starts from the .bak, telling the user where the bad file is', async () => {
    const dir = tmp()
    const a = new ProfileStore(dir, NO_ENCRYPTION, 'desktop')
    a.load()
    a.saveProfile(profile('p1', 'First'))
    await a.flush()
    a.saveProfile(profile('p2', 'Second'))
    await a.flush() // profiles.json.bak now holds the version with "First" only
    writeFileSync(join(dir, 'profiles.json'), '{"schemaVersion": 2, "profiles": [ truncated')
    const b = new ProfileStore(dir, NO_ENCRYPTION, 'desktop')
    b.load()
    const s = b.state()
    expect(s.profiles.map((p) => p.name)).toEqual(['First'])
    const quarantined = readdirSync(dir).find((f) => f.startsWith('profiles.json.corrupt-'))!
    expect(readFileSync(join(dir, quarantined), 'utf8')).toContain('truncated')
    expect(s.problems[0]).toContain(join(dir, quarantined))
    expect(s.problems[0]).toMatch(/started from the last good backup/)
  })

  it('quarantines a schema-invalid file too, and starts empty without a backup', () => {
    const dir = tmp()
    writeFileSync(
      join(dir, 'profiles.json'),
      JSON.stringify({
        schemaVersion: 2,
        folders: [],
        profiles: [{ id: 1 }],
        environments: [],
        settings: { persistInsecureSecrets: false }
      })
    )
    const s = new ProfileStore(dir, NO_ENCRYPTION, 'desktop')
    s.load()
    expect(s.state().profiles).toEqual([])
    expect(s.state().problems[0]).toMatch(/profiles\.0\.id.*moved aside.*started from an empty list/s)
    expect(readdirSync(dir).some((f) => f.startsWith('profiles.json.corrupt-'))).toBe(true)
  })

  it('migrates a version-1 file', () => {
    const raw = JSON.parse(readFileSync(resolve(__dirname, '..', 'fixtures', 'profiles-v1.json'), 'utf8'))
    const doc = parseProfilesDoc(raw)
    expect(doc.schemaVersion).toBe(2)
    expect(doc.profiles).toHaveLength(2)
    expect(doc.profiles[0]).toMatchObject({
      name: 'Local echo',
      options: {
        url: 'ws://127.0.0.1:8080/echo',
        headers: [{ name: 'X-Client', value: 'sockscope' }],
        subprotocols: ['chat', 'json'],
        heartbeat: { intervalSec: 30 }
      }
    })
    expect(() => parseProfilesDoc({ schemaVersion: 99 })).toThrow(/newer than this Sockscope understands/)
  })

  it('creates profile files with owner-only permissions', async () => {
    const dir = tmp()
    const s = new ProfileStore(dir, NO_ENCRYPTION, 'desktop')
    s.load()
    s.saveProfile(profile('p1'))
    await s.flush()
    if (process.platform !== 'win32') expect(statSync(join(dir, 'profiles.json')).mode & 0o777).toBe(0o600)
  })
})
