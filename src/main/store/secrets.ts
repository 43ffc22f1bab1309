/**
 * Secret values, kept out of the profiles file. Persisted only through a real OS-backed encryption backend
 * (Electron safeStorage, injected), or in the clear-ish `basic_text`/none case only when the user opted in.
 * Otherwise they live in memory for this run.
 */
import { existsSync, readFileSync } from 'node:fs'
import writeFileAtomic from 'write-file-atomic'
import type { SecretsStatus } from '../../shared/storeTypes'

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
  private undecryptable = 0

  constructor(
    private readonly path: string,
    private readonly backend: EncryptionBackend,
    private optIn: () => boolean,
    private readonly mode: 'desktop' | 'browser'
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
    return { backend: this.backend.kind, persisted, note, undecryptable: this.undecryptable }
  }

  load(): void {
    if (!existsSync(this.path) || this.backend.kind === 'none') return
    let file: FileShape
    try {
      file = JSON.parse(readFileSync(this.path, 'utf8')) as FileShape
    } catch {
      this.undecryptable = 1
      return
    }
    for (const [k, c] of Object.entries(file.items ?? {})) {
      try {
        this.values.set(k, this.backend.decrypt(Buffer.from(c, 'base64')))
      } catch {
        this.undecryptable++
      }
    }
  }

  get(key: string): string | undefined {
    return this.values.get(key)
  }

  setMany(entries: Record<string, string>): void {
    for (const [k, v] of Object.entries(entries)) this.values.set(k, v)
  }

  /** Forgets the secrets of one profile or environment (key prefix). */
  dropPrefix(prefix: string): void {
    for (const k of [...this.values.keys()]) if (k.startsWith(prefix)) this.values.delete(k)
  }

  /** Writes the encrypted file when persisting is allowed; returns an error message or null. */
  save(): string | null {
    if (!this.persisting()) return null
    const items: Record<string, string> = {}
    for (const [k, v] of this.values) items[k] = this.backend.encrypt(v).toString('base64')
    try {
      writeFileAtomic.sync(this.path, JSON.stringify({ v: 1, backend: this.backend.kind, items } satisfies FileShape), { mode: 0o600 })
      return null
    } catch (err) {
      return `Could not save secrets: ${(err as Error).message}`
    }
  }

  setOptIn(fn: () => boolean): void {
    this.optIn = fn
  }
}
