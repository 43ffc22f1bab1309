/**
 * A small real file system that can fill up or turn read-only: a tmpfs mounted for the test. Needs root (CI and
 * this machine run as root); where mounting is refused the caller says so and falls back to injected faults.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Tmpfs {
  dir: string
  /** Fills the file system up to `leaveBytes` free, with one filler file; returns a function that frees it. */
  fill(leaveBytes: number): () => void
  readOnly(on: boolean): void
  unmount(): void
}

export function mountTmpfs(sizeKiB: number): Tmpfs | { refused: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-tmpfs-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' })
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    return { refused: `cannot mount a tmpfs here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})` }
  }
  return {
    dir,
    fill(leaveBytes) {
      const free = Number(execFileSync('df', ['--output=avail', '-B1', dir]).toString().trim().split('\n')[1])
      const filler = join(dir, 'filler')
      writeFileSync(filler, Buffer.alloc(Math.max(0, free - leaveBytes)))
      return () => rmSync(filler, { force: true })
    },
    readOnly(on) {
      execFileSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, dir])
    },
    unmount() {
      execFileSync('umount', [dir])
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
