/**
 * One writer per data folder. The desktop app and browser mode (or two browser-mode hosts) may point at the same
 * folder; without a lock the last writer silently replaced the other's profiles. The lock is a file created
 * exclusively (`wx`) holding the owner's pid, host name and mode; a lock whose process is gone (same host, pid
 * not alive) is stale and taken over. A process that cannot take the lock opens the profiles read-only and says
 * who holds them.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'

export interface LockOwner {
  pid: number
  host: string
  mode: 'desktop' | 'browser'
  since: string
  token: string
}

export const LOCK_FILE = 'sockscope.lock'

function alive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true // another machine (a shared folder): assume it is in use
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' // exists, owned by another user
  }
}

export class DataLock {
  private readonly path: string
  private readonly me: LockOwner
  private held = false
  /** Frees the lock if the process ends without calling release (a crash leaves a stale lock, taken over later). */
  private readonly onExit = (): void => this.release()

  constructor(dataDir: string, mode: LockOwner['mode']) {
    this.path = join(dataDir, LOCK_FILE)
    this.me = { pid: process.pid, host: hostname(), mode, since: new Date().toISOString(), token: randomUUID() }
  }

  /** Takes the lock if it is free or stale. Returns null when held, or who holds it. */
  acquire(): LockOwner | null {
    if (this.held) return null
    for (let tries = 0; tries < 2; tries++) {
      try {
        const fd = openSync(this.path, 'wx', 0o600)
        try {
          writeSync(fd, JSON.stringify(this.me))
        } finally {
          closeSync(fd)
        }
        this.held = true
        process.once('exit', this.onExit)
        return null
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return null // cannot create files here: nothing to guard
      }
      const owner = this.owner()
      if (owner ? alive(owner) : this.young()) return owner ?? this.unknownOwner()
      rmSync(this.path, { force: true }) // stale: its process is gone (or it died before writing who it was)
    }
    return this.owner() ?? this.unknownOwner()
  }

  /** A lock file without a readable owner is being written right now, unless it is older than a few seconds. */
  private young(): boolean {
    try {
      return Date.now() - statSync(this.path).mtimeMs < 5000
    } catch {
      return false
    }
  }

  private unknownOwner(): LockOwner {
    return { pid: 0, host: hostname(), mode: 'browser', since: '', token: '' }
  }

  private owner(): LockOwner | null {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as LockOwner
    } catch {
      return null
    }
  }

  get isHeld(): boolean {
    return this.held
  }

  release(): void {
    if (!this.held) return
    this.held = false
    process.off('exit', this.onExit)
    if (this.owner()?.token === this.me.token) rmSync(this.path, { force: true })
  }
}

/** What the second process tells its user. */
export function lockedMessage(dataDir: string, owner: LockOwner): string {
  const who = owner.mode === 'desktop' ? 'the Sockscope desktop app' : 'Sockscope in browser mode'
  return `${dataDir} is in use by ${who} (process ${owner.pid}), so profiles and environments open read-only here: changes are not saved. Close the other one, or start this one with its own data folder (--data-dir).`
}
