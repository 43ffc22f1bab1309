/** Shared by the data-safety suites: cleanups run after each test, a sample profile, a tmpfs or a skip. */
import { readFileSync } from 'node:fs'
import type { TestContext } from 'vitest'
import type { Profile } from '../../src/shared/profiles'
import { mountTmpfs, type Tmpfs } from './tmpfs'

export const cleanups: Array<() => void> = []

export function runCleanups(): void {
  while (cleanups.length) cleanups.pop()!()
}

export const profile = (id: string, name: string, extra = ''): Profile => ({
  id,
  name,
  folder: '',
  options: { url: `ws://127.0.0.1:1/${id}`, headers: [{ name: 'x-note', value: extra }] },
  savedMessages: [],
  updatedAt: new Date(0).toISOString()
})

export function tmpfsOrSkip(ctx: TestContext, kib: number): Tmpfs {
  const t = mountTmpfs(kib)
  if ('refused' in t) {
    console.info(`skipped: ${t.refused}; the injected-fault tests below cover the same paths`)
    ctx.skip()
    throw new Error('unreachable')
  }
  cleanups.push(() => t.unmount())
  return t
}

export const parses = (path: string): boolean => {
  try {
    JSON.parse(readFileSync(path, 'utf8'))
    return true
  } catch {
    return false
  }
}
