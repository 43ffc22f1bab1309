/** A renderer folder with symlinks planted in it, for the static-serving tests (browser mode and app://). */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const OUTSIDE_SECRET = 'SECRET-reached-through-a-symlink'

/**
 * Builds, under `parent`: links to a file outside (`passwd.txt`), to a folder outside (`assets-out/`), to
 * /etc/passwd itself (`etc-passwd`), and one link that stays inside (`alias.js` → `assets/a.js`). The folder
 * is reached through a symlink too (`renderer` → `real-renderer`), as an installed app's folder may be.
 */
export function plantSymlinkTrap(parent: string): { dir: string; realDir: string } {
  const realDir = join(parent, 'real-renderer')
  mkdirSync(join(realDir, 'assets'), { recursive: true })
  writeFileSync(join(realDir, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(join(realDir, 'assets', 'a.js'), 'console.log(1)')
  const outside = join(parent, 'outside')
  mkdirSync(outside)
  writeFileSync(join(outside, 'secret.txt'), OUTSIDE_SECRET)
  symlinkSync(join(outside, 'secret.txt'), join(realDir, 'passwd.txt'))
  symlinkSync(outside, join(realDir, 'assets-out'))
  symlinkSync('/etc/passwd', join(realDir, 'etc-passwd'))
  symlinkSync(join('assets', 'a.js'), join(realDir, 'alias.js'))
  const dir = join(parent, 'renderer')
  symlinkSync(realDir, dir)
  return { dir, realDir }
}

/** The URL paths that must never be served from a trap folder. */
export const ESCAPING_PATHS = ['/passwd.txt', '/assets-out/secret.txt', '/etc-passwd']
