/**
 * Secret values, kept out of the profiles file. Persisted only through a real OS-backed encryption backend
 * (Electron safeStorage, injected), or in the clear-ish `basic_text`/none case only when the user opted in.
 * Otherwise they live in memory for this run. Entries that cannot be decrypted now (the keychain refused) are
 * kept on disk exactly as they were until they can be read or the user deletes them: a save never drops them.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs'
import type { SecretsStatus } from '../../shared/storeTypes'
import { writeFileSafely, type SafeWriteFs } from './safeWrite'

export interface EncryptionBackend {
  /** 'os' = keychain-backed; 'basic_text' = Linux without a keyring (a hard-coded key, no protection); 'none'. */
  readonly kind: 'os' | 'basic_text' | 'none'
  encrypt(plain: string): Buffer
  decrypt(cipher: Buffer): string
}

export const NO_ENCRYPTION: EncryptionBackend = {
  kind: 'none',
  encrypt: () => {
    throw new Error('no encryption backend')
  },
  decrypt: () => {
    throw new Error('no encryption backend')
  }
}

interface FileShape {
  v: 1
  backend: EncryptionBackend['kind']
  items: Record<string, string>
}

export class SecretsStore {
  private readonly values = new Map<string, string>()
  /** Ciphertexts (base64) that could not be decrypted: written back untouched. */
  private readonly undecrypted = new Map<string, string>()
  /** The file could not be read at all: it was moved aside, so nothing is overwritten unread. */
  private quarantined: string | null = null
  lastError: string | null = null

  constructor(
    private readonly path: string,
    private readonly backend: EncryptionBackend,
    private optIn: () => boolean,
    private readonly mode: 'desktop' | 'browser',
    private readonly fs?: SafeWriteFs
  ) {}

  private persisting(): boolean {
    if (this.mode === 'browser') return false
    if (this.backend.kind === 'os') return true
    return this.backend.kind === 'basic_text' && this.optIn()
  }

  status(): SecretsStatus {
    const persisted = this.persisting()
    const note =
      this.mode === 'browser'
        ? 'Browser mode has no OS keychain: secrets stay in memory for this session and are asked for again next time.'
        : this.backend.kind === 'os'
          ? 'Secrets are encrypted with the operating system keychain and kept apart from the profiles file.'
          : this.backend.kind === 'basic_text'
            ? persisted
              ? 'No keyring was found: secrets are saved with a fixed key (no real protection), because you opted in.'
              : 'No keyring was found, so secrets are not saved (they would be protected by a fixed key only). Opt in to save them anyway.'
            : 'Encryption is unavailable here, so secrets stay in memory for this session.'
    const quarantine = this.quarantined ? ` The secrets file could not be read and was moved aside to ${this.quarantined}.` : ''
    return { backend: this.backend.kind, persisted, note: note + quarantine, undecryptable: this.undecrypted.size }
  }

  load(): void {
    if (!existsSync(this.path) || this.backend.kind === 'none') return
    let file: FileShape
    try {
      file = JSON.parse(readFileSync(this.path, 'utf8')) as FileShape
      if (!file || typeof file.items !== 'object' || file.items === null) throw new Error('not a secrets file')
    } catch {
      this.quarantined = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
      try {
        renameSync(this.path, this.quarantined)
      } catch {
        this.quarantined = this.path
      }
      return
    }
    for (const [k, c] of Object.entries(file.items)) {
      if (typeof c !== 'string') continue
      try {
        this.values.set(k, this.backend.decrypt(Buffer.from(c, 'base64')))
      } catch {
        this.undecrypted.set(k, c)
      }
    }
  }

  get(key: string): string | undefined {
    return this.values.get(key)
  }

  setMany(entries: Record<string, string>): void {
    for (const [k, v] of Object.entries(entries)) {
      this.values.set(k, v)
      this.undecrypted.delete(k)
    }
  }

  /**
   * The secrets of one profile or environment after the user saved it: `entries` are the values typed in; keys
   * in `stillSecret` that got no value keep an undecryptable entry (the user could not see it to retype it).
   */
  replacePrefix(prefix: string, entries: Record<string, string>, stillSecret: Set<string>): void {
    for (const k of [...this.values.keys()]) if (k.startsWith(prefix)) this.values.delete(k)
    for (const k of [...this.undecrypted.keys()]) if (k.startsWith(prefix) && !stillSecret.has(k)) this.undecrypted.delete(k)
    this.setMany(entries)
  }

  /** Forgets the secrets of one profile or environment (key prefix): the user deleted it. */
  dropPrefix(prefix: string): void {
    for (const k of [...this.values.keys()]) if (k.startsWith(prefix)) this.values.delete(k)
    for (const k of [...this.undecrypted.keys()]) if (k.startsWith(prefix)) this.undecrypted.delete(k)
  }

  /** Writes the encrypted file when persisting is allowed; returns an error message or null. */
  save(): string | null {
    if (!this.persisting()) return null
    const items: Record<string, string> = Object.fromEntries(this.undecrypted)
    for (const [k, v] of this.values) items[k] = this.backend.encrypt(v).toString('base64')
    try {
      writeFileSafely(this.path, JSON.stringify({ v: 1, backend: this.backend.kind, items } satisfies FileShape), {
        verify: (text) => void JSON.parse(text),
        ...(this.fs ? { fs: this.fs } : {})
      })
      this.lastError = null
    } catch (err) {
      this.lastError = `${(err as Error).message} Your secrets are kept in memory and written as soon as that works again.`
    }
    return this.lastError
  }

  setOptIn(fn: () => boolean): void {
    this.optIn = fn
  }
}
