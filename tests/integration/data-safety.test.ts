/**
 * Issue 11: never lose data. Full disks and read-only folders on a real tmpfs (and by injected faults for the
 * exact edges), a SIGKILL right after a save, two processes, imports. Each test failed before its fix. The
 * secrets items are in data-safety-secrets.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as realFs from 'node:fs'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ProfileStore } from '../../src/main/store/profileStore'
import { NO_ENCRYPTION, SecretsStore, type EncryptionBackend } from '../../src/main/store/secrets'
import { loadWindowState, saveWindowState } from '../../src/main/desktop/windowState'
import type { SafeWriteFs } from '../../src/main/store/safeWrite'
import type { Profile } from '../../src/shared/profiles'
import { startWsServer } from '../helpers/servers'
import { newTestService } from '../helpers/service'
import type { ImportSummary } from '../../src/shared/storeTypes'
import { until } from '../helpers/time'
import { fileRecords } from '../helpers/recordingFile'
import { cleanups, parses, profile, runCleanups, tmpfsOrSkip } from '../helpers/dataSafety'
import type { SockEvent } from '../../src/shared/events'
import type { WebSocket } from 'ws'

afterEach(runCleanups)

describe('issue 11 item 1: a full disk or a read-only folder never costs a good file', () => {
  it('item 1: on a full disk (real tmpfs) a save never truncates profiles.json or loses its .bak; the user is told the path; it is written once there is room', async (ctx) => {
    const t = tmpfsOrSkip(ctx, 2048)
    const store = new ProfileStore(t.dir, NO_ENCRYPTION, 'desktop')
    store.load()
    for (let i = 0; i < 60; i++) store.saveProfile(profile(`p${i}`, `Profile ${i}`, 'n'.repeat(2000)))
    const path = join(t.dir, 'profiles.json')
    const good = readFileSync(path)
    const goodBak = readFileSync(`${path}.bak`)
    expect(good.length).toBeGreaterThan(100_000)
    // Room for part of the new file only: before the fix the partial file was renamed into place.
    for (const leave of [good.length / 2, good.length + 20_000]) {
      const free = t.fill(leave)
      expect(() => store.saveProfile(profile('new', 'Made on a full disk', 'n'.repeat(2000)))).toThrow(
        new RegExp(`Could not save ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the disk is full`)
      )
      expect(readFileSync(path)).toEqual(good)
      expect(readFileSync(`${path}.bak`)).toEqual(goodBak)
      expect(store.state().profiles.map((p) => p.id)).toContain('new') // kept in memory
      expect(store.state().problems.join(' ')).toMatch(/the disk is full\. Your changes are kept in memory/)
      free()
    }
    expect(await store.flush()).toBeNull()
    const again = new ProfileStore(t.dir, NO_ENCRYPTION, 'desktop')
    again.load()
    expect(again.state().profiles.map((p) => p.id)).toContain('new')
    expect(parses(`${path}.bak`)).toBe(true)
    expect(again.state().problems).toEqual([])
  })

  it('item 1: in a read-only folder (tmpfs remounted read-only) saves fail saying so, change nothing, and are written once it is writable', async (ctx) => {
    const t = tmpfsOrSkip(ctx, 1024)
    const store = new ProfileStore(t.dir, NO_ENCRYPTION, 'desktop')
    store.load()
    store.saveProfile(profile('a', 'Before'))
    const path = join(t.dir, 'profiles.json')
    const before = readFileSync(path)
    t.readOnly(true)
    expect(() => store.saveProfile(profile('b', 'While read-only'))).toThrow(/the folder is read-only/)
    expect(readFileSync(path)).toEqual(before)
    t.readOnly(false)
    expect(await store.flush()).toBeNull()
    expect(JSON.parse(readFileSync(path, 'utf8')).profiles.map((p: Profile) => p.id)).toEqual(['a', 'b'])
  })

  it('item 1: short writes are continued, and a full disk while keeping the .bak leaves file and .bak as they were (injected)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockscope-inject-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    let mode: 'short' | 'full-on-bak' | 'ok' = 'ok'
    const fs: SafeWriteFs = {
      ...realFs,
      // A nearly full disk answers with fewer bytes than asked before it answers with none.
      writeSync: ((fd: number, buf: Uint8Array, off: number, len: number, pos: number) => {
        if (mode === 'short') return realFs.writeSync(fd, buf, off, Math.min(len, 1000), pos)
        return realFs.writeSync(fd, buf, off, len, pos)
      }) as typeof realFs.writeSync,
      openSync: ((p: string, flags: string, m?: number) => {
        if (mode === 'full-on-bak' && p.includes('.bak.')) throw Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' })
        return realFs.openSync(p, flags, m)
      }) as typeof realFs.openSync
    }
    const store = new ProfileStore(dir, NO_ENCRYPTION, 'desktop', fs)
    store.load()
    store.saveProfile(profile('a', 'First', 'x'.repeat(5000)))
    mode = 'short'
    store.saveProfile(profile('b', 'Written 1,000 bytes at a time', 'x'.repeat(5000)))
    const path = join(dir, 'profiles.json')
    expect(JSON.parse(readFileSync(path, 'utf8')).profiles).toHaveLength(2)
    const good = readFileSync(path)
    const bak = readFileSync(`${path}.bak`)
    mode = 'full-on-bak'
    expect(() => store.saveProfile(profile('c', 'No room for the backup'))).toThrow(/the disk is full/)
    expect(readFileSync(path)).toEqual(good)
    expect(readFileSync(`${path}.bak`)).toEqual(bak)
    expect(realFs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
    mode = 'ok'
    expect(await store.flush()).toBeNull()
    expect(JSON.parse(readFileSync(path, 'utf8')).profiles.map((p: Profile) => p.id)).toEqual(['a', 'b', 'c'])
  })

  it('item 1: secrets and window state on a full disk keep their last good file and say what failed', (ctx) => {
    const t = tmpfsOrSkip(ctx, 1024)
    const keychain: EncryptionBackend = {
      kind: 'os',
      encrypt: (s) => Buffer.from(s).reverse(),
      decrypt: (b) => Buffer.from(b).reverse().toString()
    }
    const secrets = new SecretsStore(join(t.dir, 'secrets.json'), keychain, () => false, 'desktop')
    secrets.setMany({ 'profile:a:options.auth.token': 't'.repeat(20_000) })
    expect(secrets.save()).toBeNull()
    const goodSecrets = readFileSync(join(t.dir, 'secrets.json'))
    expect(saveWindowState(t.dir, { width: 1000, height: 700 })).toBeNull()
    const free = t.fill(4096)
    secrets.setMany({ 'profile:b:options.auth.token': 'u'.repeat(20_000) })
    expect(secrets.save()).toMatch(/Could not save .*secrets\.json: the disk is full/)
    expect(readFileSync(join(t.dir, 'secrets.json'))).toEqual(goodSecrets)
    expect(saveWindowState(t.dir, { width: 1200, height: 'x'.repeat(8000) as unknown as number })).toMatch(
      /window-state\.json: the disk is full/
    )
    expect(loadWindowState(t.dir)).toMatchObject({ width: 1000, height: 700 })
    free()
    expect(secrets.save()).toBeNull()
  })
})

describe('issue 11 item 2: a recording that cannot be written says so, with what was lost', () => {
  async function recordedService(dataDir: string) {
    const { SockscopeService } = await import('../../src/main/service/service')
    const { RecordingStore } = await import('../../src/main/store/recordings')
    const recordings = new RecordingStore(join(dataDir, 'recordings'))
    const profiles = new ProfileStore(dataDir, NO_ENCRYPTION, 'browser')
    const service = new SockscopeService({
      appInfo: { mode: 'browser', version: 't', dataDir, platform: process.platform },
      data: { profiles, recordings, version: 't' }
    })
    const events: SockEvent[] = []
    const session = service.openSession('s', (b) => events.push(...b))
    cleanups.push(() => service.dispose())
    return { service, session, events, recordings }
  }
  const burstServer = async (count: number, size: number) => {
    const server = await startWsServer({
      onConnection: (ws: WebSocket) =>
        ws.once('message', () => {
          for (let i = 0; i < count; i++) ws.send(`${i}:${'r'.repeat(size)}`)
        })
    })
    cleanups.push(() => void server.close())
    return server
  }

  it('item 2: on a full disk the connection shows the recording failed and how many events were lost; the file keeps a whole prefix', async (ctx) => {
    const t = tmpfsOrSkip(ctx, 1024)
    const server = await burstServer(80, 8 * 1024)
    const { service, session, events, recordings } = await recordedService(t.dir)
    const free = t.fill(64 * 1024)
    cleanups.push(free)
    const { id } = (await service.call(session, 'connect', [{ url: server.url }])) as { id: string }
    await until(() => events.some((e) => e.type === 'state' && e.state === 'open'), 'open')
    await service.call(session, 'send', [id, { kind: 'text', data: 'go' }])
    await until(() => events.filter((e) => e.type === 'message' && e.dir === 'in').length === 80, '80 messages in the log')
    await until(() => events.some((e) => e.type === 'error' && e.code === 'RECORDING_FAILED'), 'the failure on the connection')
    const err = events.find((e) => e.type === 'error' && e.code === 'RECORDING_FAILED') as Extract<SockEvent, { type: 'error' }>
    // Before the fix the writer swallowed the error: 17 of 80 messages were missing and nobody was told.
    expect(err.class).toBe('recording')
    expect(err.message).toMatch(/Recording to .*\.sockrec failed: the disk is full\. \d+ event\(s\) could not be saved/)
    const lost = Number(/(\d+) event\(s\)/.exec(err.message)![1])
    expect(lost).toBeGreaterThan(0)
    const { records, whole } = fileRecords(join(recordings.dir, recordings.recordingOf(id)!))
    const seqs = records.slice(1).map((r) => r.seq)
    expect(whole).toBe(true) // a whole prefix, no torn record
    expect(records[0]?.seq).toBe(-1) // at least the header: a reader still knows the file
    expect(seqs).toEqual(seqs.map((_, i) => i + 1))
    expect(seqs.length + lost).toBeLessThanOrEqual(err.seq)
  })

  it('item 2: in a read-only recordings folder the connection says it is not recorded, and still works', async (ctx) => {
    const t = tmpfsOrSkip(ctx, 1024)
    const server = await burstServer(3, 10)
    const { service, session, events } = await recordedService(t.dir)
    t.readOnly(true)
    const { id } = (await service.call(session, 'connect', [{ url: server.url }])) as { id: string }
    await until(() => events.some((e) => e.type === 'error' && e.code === 'RECORDING_FAILED'), 'the failure on the connection')
    expect((events.find((e) => e.type === 'error') as { message: string }).message).toMatch(/the folder is read-only/)
    await until(() => events.some((e) => e.type === 'state' && e.state === 'open'), 'open anyway')
    await service.call(session, 'send', [id, { kind: 'text', data: 'go' }])
    await until(() => events.filter((e) => e.type === 'message' && e.dir === 'in').length === 3, 'messages still arrive')
  })
})

describe('issue 11 item 3: a save is on disk before the call returns', () => {
  it('item 3: SIGKILL at random moments never loses a profile a save had returned for', async () => {
    const child = resolve(__dirname, '..', 'fixtures', 'profileSaverChild.ts')
    for (let round = 0; round < 8; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'sockscope-kill-'))
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
      const saved: string[] = []
      await new Promise<void>((done, fail) => {
        const p = spawn(process.execPath, ['--import', 'tsx', child, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
        let buf = ''
        let armed = false
        p.stdout.on('data', (d: Buffer) => {
          buf += d.toString()
          const lines = buf.split('\n')
          buf = lines.pop()!
          for (const l of lines) if (l.startsWith('saved ')) saved.push(l.slice(6))
          if (saved.length && !armed) {
            armed = true
            setTimeout(() => p.kill('SIGKILL'), 20 + Math.random() * 200)
          }
        })
        p.on('error', fail)
        p.on('exit', () => done())
      })
      expect(saved.length).toBeGreaterThan(0)
      const store = new ProfileStore(dir, NO_ENCRYPTION, 'desktop')
      store.load()
      const onDisk = new Set(store.state().profiles.map((p) => p.id))
      // Before the fix a 200 ms write debounce lost 1-38 saves per kill.
      expect(saved.filter((id) => !onDisk.has(id))).toEqual([])
    }
  }, 60_000)
})

describe('issue 11 item 4: two processes on one data folder', () => {
  it('item 4: the second is told who holds the folder and opens read-only, overwriting nothing; once the first is gone it writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockscope-two-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, '..', 'fixtures', 'lockHolderChild.ts'), dir], {
      stdio: ['pipe', 'pipe', 'inherit']
    })
    cleanups.push(() => void child.kill('SIGKILL'))
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    await until(() => out.includes('ready'), 'the first process to hold the folder', 20_000)
    const { DataLock } = await import('../../src/main/store/dataLock')
    const lock = new DataLock(dir, 'desktop')
    const second = new ProfileStore(dir, NO_ENCRYPTION, 'desktop', undefined, lock)
    second.load()
    expect(second.state().problems.join(' ')).toMatch(
      new RegExp(`in use by Sockscope in browser mode \\(process ${child.pid}\\).*read-only`)
    )
    child.stdin.write('C\n') // the first keeps working after the second loaded
    await until(() => out.includes('saved C'), 'the first to save C')
    // Before the fix this save silently replaced the file: C, saved by the other process, was gone.
    expect(() => second.saveProfile(profile('B', 'From the second'))).toThrow(/read-only/)
    const onDisk = (): string[] =>
      (JSON.parse(readFileSync(join(dir, 'profiles.json'), 'utf8')) as { profiles: Profile[] }).profiles.map((p) => p.id)
    expect(onDisk()).toEqual(['A', 'C'])
    // The first one dies without cleaning up: its lock is stale, and the second takes over.
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const third = new ProfileStore(dir, NO_ENCRYPTION, 'desktop', undefined, lock)
    third.load()
    third.saveProfile(profile('B', 'Now it can'))
    expect(onDisk()).toEqual(['A', 'C', 'B'])
    expect(third.state().problems).toEqual([])
    lock.release()
  }, 40_000)
})

describe('issue 11 item 11: imports are validated whole, then committed whole', () => {
  it('item 11: a bad profile in an import is named and left out; nothing is half written; the rest arrives in one write', async () => {
    const t = newTestService()
    cleanups.push(() => void t.dispose())
    const session = t.service.openSession('s', () => undefined)
    const path = join(t.dir, 'profiles.json')
    const doc = {
      format: 'sockscope-profiles',
      version: 1,
      environments: [{ id: 'e', name: 'Prod', variables: [{ name: 'host', value: 'x' }] }],
      profiles: [
        profile('a', 'Good one'),
        { ...profile('b', 'Bad'), options: { url: 'ws://x/', headers: [{ name: 'not a header name', value: 'v' }] } },
        profile('c', 'Good two')
      ]
    }
    // Before the fix the environment and the first profile were saved, then the bad one threw: half an import.
    const r = (await t.service.call(session, 'importFile', [{ name: 'export.json', content: JSON.stringify(doc) }])) as ImportSummary
    expect(r.profiles.map((p) => p.name)).toEqual(['Good one', 'Good two'])
    expect(r.notes).toEqual([expect.stringMatching(/^Profile 2 “Bad” was skipped: options\.headers\.0\.name .*not a valid header name/)])
    const onDisk = JSON.parse(readFileSync(path, 'utf8')) as { profiles: Profile[]; environments: unknown[] }
    expect(onDisk.profiles.map((p) => p.name)).toEqual(['Good one', 'Good two'])
    expect(onDisk.environments).toHaveLength(1)
    expect(existsSync(`${path}.bak`)).toBe(false) // one write: a second would have kept the first as .bak
  })
})
