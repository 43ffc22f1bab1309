/** Profiles, folders and environments on disk, with their secrets held apart. Electron-free. */
import { join } from 'node:path'
import * as v from 'valibot'
import {
  emptyProfilesDoc,
  environmentSchema,
  parseProfilesDoc,
  profileSchema,
  type Environment,
  type Profile,
  type ProfilesDoc
} from '../../shared/profiles'
import {
  extractEnvironmentSecrets,
  extractProfileSecrets,
  injectEnvironmentSecrets,
  injectProfileSecrets,
  profileSecretKey,
  environmentSecretKey,
  environmentSecretPaths
} from '../../shared/secrets'
import { ValidationError } from '../../shared/schema'
import { JsonFile } from './jsonFile'
import { SecretsStore, type EncryptionBackend } from './secrets'
import type { SafeWriteFs } from './safeWrite'
import { lockedMessage, type DataLock } from './dataLock'

/** A change that is kept in memory but could not be written yet; the message says which file and why. */
export class SaveFailed extends Error {
  readonly code = 'SAVE_FAILED'
}
import type { ProfilesState } from '../../shared/storeTypes'

export class ProfileStore {
  private doc: ProfilesDoc = emptyProfilesDoc()
  private readonly file: JsonFile<ProfilesDoc>
  readonly secrets: SecretsStore
  private readonly problems: string[] = []

  constructor(
    private readonly dataDir: string,
    backend: EncryptionBackend,
    mode: 'desktop' | 'browser',
    fs?: SafeWriteFs,
    /** The data folder's lock: without it the profiles are read-only (another process writes them). */
    private readonly lock?: DataLock
  ) {
    this.file = new JsonFile({
      path: join(dataDir, 'profiles.json'),
      parse: parseProfilesDoc,
      empty: emptyProfilesDoc,
      report: (p) => this.problems.push(p),
      ...(fs ? { fs } : {})
    })
    this.secrets = new SecretsStore(join(dataDir, 'secrets.json'), backend, () => this.doc.settings.persistInsecureSecrets, mode, fs)
  }

  load(): void {
    this.doc = this.file.load().doc
    this.secrets.load()
  }

  state(): ProfilesState {
    const missingSecrets: Record<string, string[]> = {}
    const held = (k: string): string | undefined => this.secrets.get(k)
    const profiles = this.doc.profiles.map((p) => {
      const r = injectProfileSecrets(p, held)
      if (r.missing.length) missingSecrets[p.id] = r.missing
      return r.profile
    })
    const environments = this.doc.environments.map((e) => {
      const r = injectEnvironmentSecrets(e, held)
      if (r.missing.length) missingSecrets[e.id] = r.missing
      return r.environment
    })
    const holder = this.lock && !this.lock.isHeld ? this.lock.acquire() : null
    const writeProblem = [holder ? lockedMessage(this.dataDir, holder) : null, this.file.lastError, this.secrets.lastError].filter(
      (p): p is string => !!p
    )
    return {
      folders: this.doc.folders,
      profiles,
      environments,
      settings: this.doc.settings,
      missingSecrets,
      secrets: this.secrets.status(),
      problems: [...new Set([...this.problems, ...writeProblem])],
      file: this.file.path
    }
  }

  /**
   * A change the user made is on disk before the call returns (a debounce lost saves to a SIGKILL). When a write
   * fails the change stays in memory, is retried, and the caller is told with the file's path.
   */
  private commit(): void {
    const holder = this.lock?.acquire()
    if (holder) throw new SaveFailed(lockedMessage(this.dataDir, holder))
    const problem = [this.file.write(structuredClone(this.doc)), this.secrets.save()].filter(Boolean).join(' ')
    if (problem) throw new SaveFailed(problem)
  }

  saveProfile(input: unknown): Profile {
    const r = v.safeParse(profileSchema, input)
    if (!r.success) throw new ValidationError(`profile.${v.getDotPath(r.issues[0]) ?? ''}: ${r.issues[0].message}`, 'profile')
    const { clean, secrets } = extractProfileSecrets(r.output as Profile)
    const stillSecret = new Set((clean.secretPaths ?? []).map((path) => profileSecretKey(clean.id, path)))
    this.secrets.replacePrefix(profileSecretKey(clean.id, ''), secrets, stillSecret)
    const i = this.doc.profiles.findIndex((p) => p.id === clean.id)
    if (i >= 0) this.doc.profiles[i] = clean
    else this.doc.profiles.push(clean)
    if (clean.folder && !this.doc.folders.includes(clean.folder)) this.doc.folders.push(clean.folder)
    this.commit()
    return clean
  }

  /**
   * Takes imported environments and profiles all at once: each is validated first, the invalid ones are named
   * and left out, and the valid ones are committed in one write (nothing is half imported). Returns the notes.
   */
  importAll(environments: unknown[], profiles: unknown[]): { environments: Environment[]; profiles: Profile[]; skipped: string[] } {
    const skipped: string[] = []
    const check = <T>(schema: v.GenericSchema<unknown, T>, what: string, items: unknown[]): T[] =>
      items.flatMap((item, i) => {
        const r = v.safeParse(schema, item)
        if (r.success) return [r.output]
        const name = (item as { name?: unknown })?.name
        skipped.push(
          `${what} ${i + 1}${typeof name === 'string' ? ` “${name}”` : ''} was skipped: ${v.getDotPath(r.issues[0]) ?? ''} ${r.issues[0].message}`.trim()
        )
        return []
      })
    const envs = check(environmentSchema, 'Environment', environments) as Environment[]
    const profs = check(profileSchema, 'Profile', profiles) as Profile[]
    const doc = structuredClone(this.doc)
    const pendingSecrets: Array<[string, Record<string, string>, Set<string>]> = []
    for (const e of envs) {
      const { clean, secrets } = extractEnvironmentSecrets(e)
      doc.environments.push(clean)
      pendingSecrets.push([environmentSecretKey(clean.id, ''), secrets, new Set()])
    }
    for (const p of profs) {
      const { clean, secrets } = extractProfileSecrets(p)
      doc.profiles.push(clean)
      if (clean.folder && !doc.folders.includes(clean.folder)) doc.folders.push(clean.folder)
      pendingSecrets.push([profileSecretKey(clean.id, ''), secrets, new Set()])
    }
    this.doc = doc
    for (const [prefix, secrets, keep] of pendingSecrets) this.secrets.replacePrefix(prefix, secrets, keep)
    this.commit()
    return { environments: envs, profiles: profs, skipped }
  }

  deleteProfile(id: string): void {
    this.doc.profiles = this.doc.profiles.filter((p) => p.id !== id)
    this.secrets.dropPrefix(profileSecretKey(id, ''))
    this.commit()
  }

  saveEnvironment(input: unknown): Environment {
    const r = v.safeParse(environmentSchema, input)
    if (!r.success) throw new ValidationError(`environment.${v.getDotPath(r.issues[0]) ?? ''}: ${r.issues[0].message}`, 'environment')
    const { clean, secrets } = extractEnvironmentSecrets(r.output as Environment)
    const stillSecret = new Set(environmentSecretPaths(clean).map((path) => environmentSecretKey(clean.id, path)))
    this.secrets.replacePrefix(environmentSecretKey(clean.id, ''), secrets, stillSecret)
    const i = this.doc.environments.findIndex((e) => e.id === clean.id)
    if (i >= 0) this.doc.environments[i] = clean
    else this.doc.environments.push(clean)
    this.commit()
    return clean
  }

  deleteEnvironment(id: string): void {
    this.doc.environments = this.doc.environments.filter((e) => e.id !== id)
    this.secrets.dropPrefix(environmentSecretKey(id, ''))
    this.commit()
  }

  setFolders(folders: string[]): void {
    this.doc.folders = [...new Set(folders.filter(Boolean))]
    this.commit()
  }

  setSettings(settings: ProfilesDoc['settings']): void {
    this.doc.settings = { ...settings }
    this.commit()
  }

  /** Secrets the user typed in for this session only (browser mode, or values that could not be decrypted). */
  provideSecrets(entries: Record<string, string>): void {
    this.secrets.setMany(entries)
  }

  /** Writes anything still unwritten (after a failure); resolves to the problem, or null when all is on disk. */
  async flush(): Promise<string | null> {
    const problem = [await this.file.flush(), this.secrets.save()].filter(Boolean).join(' ')
    return problem || null
  }
}
