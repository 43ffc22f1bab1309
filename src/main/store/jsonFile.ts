/**
 * One JSON document on disk with one owner: validated on load, migrated, written atomically (temp file,
 * fsync, rename via write-file-atomic) and debounced, with a `.bak` of the last good version. A corrupt or
 * schema-invalid file is moved aside as `*.corrupt-<timestamp>` (never wiped) and the document starts from the
 * `.bak`, or empty. Write failures (read-only folder, full disk) are reported and the in-memory state is kept.
 */
import { copyFileSync, existsSync, readFileSync, renameSync } from 'node:fs'
import writeFileAtomic from 'write-file-atomic'

export interface JsonFileOptions<T> {
  path: string
  /** Returns the document or throws with a message saying what is wrong. */
  parse(raw: unknown): T
  empty(): T
  debounceMs?: number
  /** Problems for the user: quarantined files, failed writes. */
  report?(problem: string): void
}

export interface LoadResult<T> {
  doc: T
  source: 'file' | 'backup' | 'empty'
  quarantined?: string
}

export class JsonFile<T> {
  private timer: NodeJS.Timeout | null = null
  private pending: T | null = null
  lastError: string | null = null

  constructor(private readonly o: JsonFileOptions<T>) {}

  get path(): string {
    return this.o.path
  }

  private read(path: string): T {
    return this.o.parse(JSON.parse(readFileSync(path, 'utf8')))
  }

  load(): LoadResult<T> {
    const { path } = this.o
    if (!existsSync(path)) return { doc: this.o.empty(), source: 'empty' }
    try {
      return { doc: this.read(path), source: 'file' }
    } catch (err) {
      const quarantined = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
      renameSync(path, quarantined)
      const why = (err as Error).message
      let result: LoadResult<T>
      try {
        result = { doc: this.read(`${path}.bak`), source: 'backup', quarantined }
      } catch {
        result = { doc: this.o.empty(), source: 'empty', quarantined }
      }
      this.o.report?.(
        `${path} could not be read (${why}). It was moved aside to ${quarantined}; started from ${result.source === 'backup' ? 'the last good backup' : 'an empty list'}.`
      )
      return result
    }
  }

  /** Schedules a write of `doc`; the last one within the debounce window wins. */
  save(doc: T): void {
    this.pending = doc
    if (this.timer) return
    this.timer = setTimeout(() => void this.flush(), this.o.debounceMs ?? 200)
  }

  /** Writes now. Resolves to the error message, or null when written. */
  async flush(): Promise<string | null> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const doc = this.pending
    this.pending = null
    if (doc === null) return null
    return this.writeNow(doc)
  }

  writeNow(doc: T): string | null {
    const { path } = this.o
    try {
      // Keep the current file as the last good version before replacing it.
      if (existsSync(path)) {
        try {
          this.read(path)
          copyFileSync(path, `${path}.bak`)
        } catch {
          // The current file is not good: leave the older .bak alone.
        }
      }
      writeFileAtomic.sync(path, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600, fsync: true })
      this.lastError = null
      return null
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      const why =
        e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS'
          ? 'the folder is read-only'
          : e.code === 'ENOSPC'
            ? 'the disk is full'
            : e.message
      this.lastError = `Could not save ${path}: ${why}. Your changes are kept in memory; fix the problem and change anything to retry.`
      this.o.report?.(this.lastError)
      return this.lastError
    }
  }
}
