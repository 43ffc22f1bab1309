/**
 * Replaces a file without ever losing the good version. `write-file-atomic` 6 writes with one `fs.writeSync`,
 * ignores a short write (a nearly full disk), then fsyncs and renames the partial file into place; and a failed
 * copy to `.bak` unlinks the old backup. Here every byte is written (short writes are continued, a write that
 * makes no progress is the disk being full), what reached the disk is read back and checked (its size, and
 * that it parses) before the rename, the previous good file becomes the `.bak` through its own temp file and
 * rename, and any failure leaves the current file and its `.bak` exactly as they were.
 */
import * as nodeFs from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'

/** The file-system calls used, so tests can inject short writes and ENOSPC. */
export type SafeWriteFs = Pick<
  typeof nodeFs,
  'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'readFileSync' | 'renameSync' | 'unlinkSync'
>

export interface SafeWriteOptions {
  mode?: number
  /** Throws when the text read back is not a good version of the file (e.g. it does not parse). */
  verify?(text: string): void
  /** Keep the current file as `<path>.bak` first, when it is a good version (a bad one leaves the older .bak). */
  backup?: { isGood(text: string): boolean }
  fs?: SafeWriteFs
}

/** A write that did not happen; the message names the file and says why, in the user's words. */
export class WriteFailed extends Error {
  constructor(
    readonly path: string,
    readonly why: string,
    readonly code?: string
  ) {
    super(`Could not save ${path}: ${why}.`)
    this.name = 'WriteFailed'
  }
}

function reason(err: unknown): { why: string; code?: string } {
  const e = err as NodeJS.ErrnoException
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') return { why: 'the disk is full', code: e.code }
  if (e?.code === 'EACCES' || e?.code === 'EPERM' || e?.code === 'EROFS') return { why: 'the folder is read-only', code: e.code }
  if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR') return { why: 'its folder does not exist (or is a file)', code: e.code }
  return { why: e instanceof Error ? e.message : String(err), ...(e?.code ? { code: e.code } : {}) }
}

/** Writes all of `data` to a new file at `path`, continuing short writes, then fsyncs it. */
function writeAll(fs: SafeWriteFs, path: string, data: Buffer, mode: number): void {
  const fd = fs.openSync(path, 'w', mode)
  try {
    let done = 0
    while (done < data.length) {
      const n = fs.writeSync(fd, data, done, data.length - done, done)
      if (n <= 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
      done += n
    }
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

function readBack(fs: SafeWriteFs, path: string, expected: number): Buffer {
  const back = fs.readFileSync(path)
  if (back.length !== expected) {
    throw Object.assign(new Error(`only ${back.length} of ${expected} bytes reached the disk`), { code: 'ENOSPC' })
  }
  return back
}

function keepBackup(fs: SafeWriteFs, path: string, isGood: (text: string) => boolean, mode: number): void {
  let current: Buffer
  try {
    current = fs.readFileSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  if (!isGood(current.toString('utf8'))) return
  const tmp = `${path}.bak.${randomBytes(4).toString('hex')}.tmp`
  try {
    writeAll(fs, tmp, current, mode)
    readBack(fs, tmp, current.length)
    fs.renameSync(tmp, `${path}.bak`)
  } catch (err) {
    try {
      fs.unlinkSync(tmp)
    } catch {
      // Nothing was created.
    }
    throw err
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Removes temp files a killed writer left next to `path` (they are never the document itself). */
export function removeStaleTemps(path: string): void {
  const name = basename(path)
  const stale = new RegExp(`^(\\.${escapeRegExp(name)}\\.[0-9a-f]+\\.tmp|${escapeRegExp(name)}\\.bak\\.[0-9a-f]+\\.tmp)$`)
  try {
    for (const f of nodeFs.readdirSync(dirname(path))) if (stale.test(f)) nodeFs.rmSync(join(dirname(path), f), { force: true })
  } catch {
    // A folder we cannot list: nothing to tidy.
  }
}

/** Replaces `path` with `content`, or throws WriteFailed and leaves the file and its backup untouched. */
export function writeFileSafely(path: string, content: string, o: SafeWriteOptions = {}): void {
  const fs = o.fs ?? nodeFs
  const mode = o.mode ?? 0o600
  const data = Buffer.from(content, 'utf8')
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    writeAll(fs, tmp, data, mode)
    o.verify?.(readBack(fs, tmp, data.length).toString('utf8'))
    if (o.backup) keepBackup(fs, path, o.backup.isGood, mode)
    fs.renameSync(tmp, path)
  } catch (err) {
    try {
      fs.unlinkSync(tmp)
    } catch {
      // The temp file was never created.
    }
    const r = reason(err)
    throw new WriteFailed(path, r.why, r.code)
  }
  syncFolder(dirname(path))
}

/** The rename is durable once the folder's entry is on disk (POSIX); Windows cannot open a folder for this. */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return
  try {
    const fd = nodeFs.openSync(dir, 'r')
    try {
      nodeFs.fsyncSync(fd)
    } finally {
      nodeFs.closeSync(fd)
    }
  } catch {
    // Some file systems refuse fsync on a folder; the data itself is already synced.
  }
}
