/** The contract's data methods: profiles, environments, secrets, import/export and recordings. */
import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { SockscopeMethods } from '../../shared/api'
import type { FileResult } from '../../shared/storeTypes'
import { SECRET_PLACEHOLDER, redactProfile } from '../../shared/secrets'
import type { ProfileStore } from '../store/profileStore'
import type { RecordingStore } from '../store/recordings'
import { EXPORT_MIME, exportRecording } from '../store/recordingExport'
import { importContent } from '../store/importers'
import { describeProblems } from '../store/ndjson'

/** Desktop only: native dialogs. The main side writes only where the user chose in a dialog. */
export interface FileAccess {
  save(defaultName: string, content: string): Promise<string | null>
  /** Asks where, then lets `write` produce the file there (exports too large for one string). */
  saveWith?(defaultName: string, write: (path: string) => Promise<void>): Promise<string | null>
  open(): Promise<{ name: string; content: string } | null>
  /** A folder the user picks (the Scenarios panel's "Open folder…"); null when cancelled. */
  pickFolder?(): Promise<string | null>
}

/** Browser mode: a file written on the host, offered once at a URL the page downloads. */
export interface DownloadOffers {
  readonly dir: string
  offer(path: string, name: string, mime: string): string
}

export interface DataDeps {
  profiles: ProfileStore
  recordings: RecordingStore
  files?: FileAccess
  downloads?: DownloadOffers
  version: string
}

type DataMethodNames =
  | 'profilesState'
  | 'profileSave'
  | 'profileDelete'
  | 'environmentSave'
  | 'environmentDelete'
  | 'foldersSet'
  | 'settingsSet'
  | 'secretsProvide'
  | 'exportProfiles'
  | 'importFile'
  | 'recordingsList'
  | 'recordingRead'
  | 'recordingExport'

async function deliver(files: FileAccess | undefined, name: string, mime: string, content: string): Promise<FileResult> {
  if (!files) return { download: { name, mime, content } }
  const saved = await files.save(name, content)
  return saved ? { saved } : { cancelled: true }
}

/** What a read-only view loads at most: the log keeps 100,000 rows by default, and the page has to hold them. */
const READ_LIMIT = { events: 200_000, bytes: 64 * 1024 * 1024 }

const stamp = (): string => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')

export function dataMethods(d: DataDeps): Pick<SockscopeMethods, DataMethodNames> {
  const p = d.profiles
  return {
    profilesState: async () => p.state(),
    profileSave: async (profile) => {
      p.saveProfile(profile)
      return p.state().profiles.find((x) => x.id === profile.id)!
    },
    profileDelete: async (id) => p.deleteProfile(id),
    environmentSave: async (env) => {
      p.saveEnvironment(env)
      return p.state().environments.find((x) => x.id === env.id)!
    },
    environmentDelete: async (id) => p.deleteEnvironment(id),
    foldersSet: async (folders) => p.setFolders(folders),
    settingsSet: async (settings) => {
      p.setSettings(settings)
      const err = p.secrets.save()
      if (err) throw new Error(err)
    },
    secretsProvide: async (entries) => p.provideSecrets(entries),
    exportProfiles: async (ids, includeSecrets) => {
      const s = p.state()
      const chosen = ids ? s.profiles.filter((x) => ids.includes(x.id)) : s.profiles
      const doc = {
        format: 'sockscope-profiles',
        version: 1,
        exportedAt: new Date().toISOString(),
        secretsIncluded: includeSecrets,
        profiles: includeSecrets ? chosen : chosen.map(redactProfile),
        environments: s.environments.map((e) =>
          includeSecrets ? e : { ...e, variables: e.variables.map((v) => (v.secret ? { ...v, value: SECRET_PLACEHOLDER } : v)) }
        )
      }
      return deliver(d.files, `sockscope-profiles-${stamp()}.json`, 'application/json', JSON.stringify(doc, null, 2))
    },
    importFile: async (file, onDuplicate) => {
      const f = file ?? (d.files ? await d.files.open() : null)
      if (!f) return { format: 'sockscope', profiles: [], environments: [], recordings: [], sessions: [], notes: [], cancelled: true }
      const r = importContent(f.name, f.content)
      const taken = p.importAll(r.environments, r.profiles, onDuplicate)
      r.profiles = taken.profiles
      r.environments = taken.environments
      r.notes.push(...taken.skipped)
      const recordings: string[] = []
      // Imported sessions become recordings too, so their read-only tabs come back after a reload.
      if (r.format === 'har' || r.format === 'ndjson') {
        for (const s of r.sessions) {
          const cid = s.events[0]?.id ?? 'har'
          const id = d.recordings.start(cid, s.url)
          d.recordings.record(s.events)
          await d.recordings.end(cid)
          recordings.push(id)
        }
      }
      return { format: r.format, profiles: r.profiles, environments: r.environments, recordings, sessions: r.sessions, notes: r.notes }
    },
    recordingsList: async () => d.recordings.list(),
    recordingRead: async (id) => {
      const r = await d.recordings.read(id, READ_LIMIT.events, READ_LIMIT.bytes)
      const notes = r.problems.length ? [describeProblems(r.problems)] : []
      if (r.more)
        notes.push(
          `Showing the first ${r.events.length.toLocaleString('en')} events; ${r.more.toLocaleString('en')} more are in the file (export it to see them all).`
        )
      return { url: r.header?.url ?? '', events: r.events, notes }
    },
    recordingExport: async (id, format, decoded) => {
      await d.recordings.settled()
      const source = d.recordings.pathOf(id)
      if (!existsSync(source)) throw new Error(`No recording ${id}; it may have been pruned.`)
      const name = `${id.replace(/\.(ndjson|sockrec)$/, '')}.${format}`
      const write = (dest: string): Promise<void> => exportRecording(source, format, dest, d.version, decoded === true)
      if (d.files?.saveWith) {
        const saved = await d.files.saveWith(name, write)
        return saved ? { saved } : { cancelled: true }
      }
      if (d.downloads) {
        const tmp = join(d.downloads.dir, `${randomUUID()}.${format}`)
        await write(tmp)
        return { download: { name, mime: EXPORT_MIME[format], url: d.downloads.offer(tmp, name, EXPORT_MIME[format]) } }
      }
      // Without either (tests), the export as text.
      const tmp = join(tmpdir(), `sockscope-export-${randomUUID()}`)
      try {
        await write(tmp)
        return deliver(d.files, name, EXPORT_MIME[format], await readFile(tmp, 'utf8'))
      } finally {
        await rm(tmp, { force: true })
      }
    }
  }
}
