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
  environmentSecretKey
} from '../../shared/secrets'
import { ValidationError } from '../../shared/schema'
import { JsonFile } from './jsonFile'
import { SecretsStore, type EncryptionBackend } from './secrets'
import type { ProfilesState } from '../../shared/storeTypes'

export class ProfileStore {
  private doc: ProfilesDoc = emptyProfilesDoc()
  private readonly file: JsonFile<ProfilesDoc>
  readonly secrets: SecretsStore
  private readonly problems: string[] = []

  constructor(dataDir: string, backend: EncryptionBackend, mode: 'desktop' | 'browser', debounceMs = 200) {
    this.file = new JsonFile({
      path: join(dataDir, 'profiles.json'),
      parse: parseProfilesDoc,
      empty: emptyProfilesDoc,
      debounceMs,
      report: (p) => this.problems.push(p)
    })
    this.secrets = new SecretsStore(join(dataDir, 'secrets.json'), backend, () => this.doc.settings.persistInsecureSecrets, mode)
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
    const writeProblem = this.file.lastError ? [this.file.lastError] : []
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

  private commit(): void {
    this.file.save(structuredClone(this.doc))
    const err = this.secrets.save()
    if (err) this.problems.push(err)
  }

  saveProfile(input: unknown): Profile {
    const r = v.safeParse(profileSchema, input)
    if (!r.success) throw new ValidationError(`profile.${v.getDotPath(r.issues[0]) ?? ''}: ${r.issues[0].message}`, 'profile')
    const { clean, secrets } = extractProfileSecrets(r.output as Profile)
    this.secrets.dropPrefix(profileSecretKey(clean.id, ''))
    this.secrets.setMany(secrets)
    const i = this.doc.profiles.findIndex((p) => p.id === clean.id)
    if (i >= 0) this.doc.profiles[i] = clean
    else this.doc.profiles.push(clean)
    if (clean.folder && !this.doc.folders.includes(clean.folder)) this.doc.folders.push(clean.folder)
    this.commit()
    return clean
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
    this.secrets.dropPrefix(environmentSecretKey(clean.id, ''))
    this.secrets.setMany(secrets)
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

  flush(): Promise<string | null> {
    return this.file.flush()
  }
}
