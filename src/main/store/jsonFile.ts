/**
 * One JSON document on disk with one owner: validated on load, migrated, replaced safely (see safeWrite.ts)
 * with a `.bak` of the last good version. A corrupt or schema-invalid file is moved aside as
 * `*.corrupt-<timestamp>` (never wiped) and the document starts from the `.bak`, or empty. A write that fails
 * (full disk, read-only folder) is reported with the file's path; the document stays in memory and is written
 * again every few seconds until a write succeeds. Ours rather than a library: the quarantine, the `.bak` and
 * the verified write are the whole point, and no package does all three.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs'
import { removeStaleTemps, writeFileSafely, type SafeWriteFs } from './safeWrite'

export interface JsonFileOptions<T> {
  path: string
  /** Returns the document or throws with a message saying what is wrong. */
  parse(raw: unknown): T
  empty(): T
  /** Delay of `save()`, for writes nobody is waiting for (user actions use `write()`). */
  debounceMs?: number
  /** How often a failed write is tried again. */
  retryMs?: number
  /** Problems for the user that are not the current write state: quarantined files. */
  report?(problem: string): void
  /** File-system calls for the write (tests inject a full disk). */
  fs?: SafeWriteFs
}

export interface LoadResult<T> {
  doc: T
  source: 'file' | 'backup' | 'empty'
  quarantined?: string
}

export class JsonFile<T> {
  private debounce: NodeJS.Timeout | null = null
  private retry: NodeJS.Timeout | null = null
  /** The newest document not yet on disk: scheduled, or kept after a failed write to try again. */
  private pending: T | null = null
  /** Why the newest document is not on disk, or null when it is. */
  lastError: string | null = null

  constructor(private readonly o: JsonFileOptions<T>) {}

  get path(): string {
    return this.o.path
  }

  private parseText(text: string): T {
    return this.o.parse(JSON.parse(text))
  }

  private isGood = (text: string): boolean => {
    try {
      this.parseText(text)
      return true
    } catch {
      return false
    }
  }

  load(): LoadResult<T> {
    const { path } = this.o
    removeStaleTemps(path)
    if (!existsSync(path)) return { doc: this.o.empty(), source: 'empty' }
    try {
      return { doc: this.parseText(readFileSync(path, 'utf8')), source: 'file' }
    } catch (err) {
      const why = (err as Error).message
      let quarantined = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
      try {
        renameSync(path, quarantined)
      } catch {
        quarantined = path // a read-only folder: leave it where it is, still never overwritten unverified
      }
      let result: LoadResult<T>
      try {
        result = { doc: this.parseText(readFileSync(`${path}.bak`, 'utf8')), source: 'backup', quarantined }
      } catch {
        result = { doc: this.o.empty(), source: 'empty', quarantined }
      }
      this.o.report?.(
        `${path} could not be read (${why}). ${quarantined === path ? 'It was left in place' : `It was moved aside to ${quarantined}`}; started from ${result.source === 'backup' ? 'the last good backup' : 'an empty list'}.`
      )
      return result
    }
  }

  /** Schedules a write of `doc` for writes nobody waits for; the last one within the debounce window wins. */
  save(doc: T): void {
    this.pending = doc
    if (this.debounce) return
    this.debounce = setTimeout(() => {
      this.debounce = null
      this.attempt()
    }, this.o.debounceMs ?? 200)
  }

  /** Writes `doc` now. Returns null once it is on disk, or the error (the document is kept and retried). */
  write(doc: T): string | null {
    this.pending = doc
    return this.attempt()
  }

  /** Writes whatever is pending now. Resolves to the error message, or null when nothing is left unwritten. */
  async flush(): Promise<string | null> {
    return this.attempt()
  }

  private attempt(): string | null {
    if (this.debounce) clearTimeout(this.debounce)
    this.debounce = null
    if (this.retry) clearTimeout(this.retry)
    this.retry = null
    const doc = this.pending
    if (doc === null) return this.lastError
    try {
      writeFileSafely(this.o.path, JSON.stringify(doc, null, 2) + '\n', {
        verify: (text) => void this.parseText(text),
        backup: { isGood: this.isGood },
        ...(this.o.fs ? { fs: this.o.fs } : {})
      })
      if (this.pending === doc) this.pending = null
      this.lastError = null
      return null
    } catch (err) {
      this.lastError = `${(err as Error).message} Your changes are kept in memory and written as soon as that works again.`
      this.retry = setTimeout(() => this.attempt(), this.o.retryMs ?? 5000)
      this.retry.unref?.()
      return this.lastError
    }
  }
}
