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
  environmentSecretPaths,
  SECRET_PLACEHOLDER
} from '../../shared/secrets'
import { ValidationError } from '../../shared/schema'
import { JsonFile } from './jsonFile'
import { SecretsStore, type EncryptionBackend } from './secrets'
import type { SafeWriteFs } from './safeWrite'
import { lockedMessage, type DataLock } from './dataLock'
import { decide, nameKey, outcomeList, type DuplicatePolicy, type Outcome } from './importMerge'

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
   * and left out, and the valid ones are committed in one write (nothing is half imported). One identical to an
   * item held is skipped; one that differs under a held name follows `policy` (importMerge.ts). Returns what was
   * added or replaced, and the notes.
   */
  importAll(
    environments: unknown[],
    profiles: unknown[],
    policy: DuplicatePolicy = 'keep-both'
  ): { environments: Environment[]; profiles: Profile[]; skipped: string[] } {
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
    const doc = structuredClone(this.doc)
    const pendingSecrets: Array<[string, Record<string, string>, Set<string>]> = []
    const outcome = { identical: [] as Outcome[], skipped: [] as Outcome[], replaced: [] as Outcome[] }
    /** Decides one item against those held, and applies it to `list`; returns it when it was added or replaced. */
    const merge = <T extends Environment | Profile>(
      list: T[],
      item: T,
      { secrets: carried, paths }: { secrets: Record<string, string>; paths: string[] },
      what: 'profile' | 'environment',
      key: (id: string, path: string) => string,
      names: Set<string>
    ): T | null => {
      // An export without secrets holds placeholders: those secrets are missing (asked for), not their value.
      const secrets = Object.fromEntries(Object.entries(carried).filter(([, value]) => value !== SECRET_PLACEHOLDER))
      const newPrefix = key(item.id, '')
      const sameSecrets = (heldId: string): boolean =>
        Object.entries(secrets).every(([k, value]) => this.secrets.get(key(heldId, k.slice(newPrefix.length))) === value)
      const d = decide(list, item, sameSecrets, policy, names)
      if (d.kind === 'identical' || d.kind === 'skipped') {
        outcome[d.kind].push({ what, name: d.name })
        return null
      }
      if (d.kind === 'replace') {
        list[list.findIndex((x) => x.id === d.id)] = d.item
        outcome.replaced.push({ what, name: d.item.name })
      } else list.push(d.item)
      // A replaced item keeps the secret values held for it that the file does not carry (an export without secrets).
      const kept: Array<[string, string]> = []
      for (const path of d.kind === 'replace' ? paths : []) {
        const held = this.secrets.get(key(d.item.id, path))
        if (held !== undefined) kept.push([key(d.item.id, path), held])
      }
      const incoming = Object.entries(secrets).map(([k, value]) => [key(d.item.id, k.slice(newPrefix.length)), value])
      const moved = Object.fromEntries([...kept, ...incoming])
      pendingSecrets.push([key(d.item.id, ''), moved, new Set()])
      return d.item
    }
    // What the caller gets back is the item as imported (its secrets in place), under the id and name it took.
    const envNames = new Set(doc.environments.map(nameKey))
    const envs = check(environmentSchema, 'Environment', environments).flatMap((e) => {
      const { clean, secrets } = extractEnvironmentSecrets(e as Environment)
      const took = merge(
        doc.environments,
        clean,
        { secrets, paths: environmentSecretPaths(clean) },
        'environment',
        environmentSecretKey,
        envNames
      )
      return took ? [{ ...(e as Environment), id: took.id, name: took.name }] : []
    })
    const profileNames = new Set(doc.profiles.map(nameKey))
    const profs = check(profileSchema, 'Profile', profiles).flatMap((p) => {
      const { clean, secrets } = extractProfileSecrets(p as Profile)
      const took = merge(doc.profiles, clean, { secrets, paths: clean.secretPaths ?? [] }, 'profile', profileSecretKey, profileNames)
      if (took?.folder && !doc.folders.includes(took.folder)) doc.folders.push(took.folder)
      return took ? [{ ...(p as Profile), id: took.id, name: took.name }] : []
    })
    const say = (list: Outcome[], sentence: string): void => void (list.length && skipped.push(`${outcomeList(list)} ${sentence}.`))
    say(outcome.identical, 'already here and unchanged, so not imported again')
    say(outcome.skipped, 'had the name of one you have and were skipped')
    say(outcome.replaced, 'replaced the one with the same name')
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
