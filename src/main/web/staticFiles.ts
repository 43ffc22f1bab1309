/** Serves the built renderer from one folder, never outside it (symlinks included). */
import { closeSync, constants, createReadStream, fstatSync, openSync, realpathSync, statSync } from 'node:fs'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { ServerResponse } from 'node:http'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json'
}

const inside = (dir: string, path: string): boolean => path.startsWith(dir.endsWith(sep) ? dir : dir + sep)

/**
 * Resolves a URL path inside `root`, or null when it would escape it or does not exist. The answer is the file's
 * real path: a symlink planted in the folder that leads outside it (to /etc/passwd, say) is refused, one that stays
 * inside is followed. The root itself may be reached through a symlink. (Electron's fs resolves paths inside an
 * app.asar archive too, so the same check holds for the packaged app:// handler.)
 */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  // A backslash is a separator on Windows only: treat it as one everywhere, so `..%5c` is refused the same way on
  // every platform instead of depending on where the app runs.
  const rel = decoded === '/' ? 'index.html' : decoded.replace(/\\/g, '/').replace(/^\/+/, '')
  const base = resolve(root)
  const full = normalize(join(base, rel))
  if (!inside(base, full)) return null
  try {
    const real = realpathSync(full)
    if (!inside(realpathSync(base), real)) return null
    return statSync(real).isFile() ? real : null
  } catch {
    return null
  }
}

/** O_NOFOLLOW where the platform has it: a file swapped for a symlink after `resolveStatic` checked it is not read. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)

export function sendFile(res: ServerResponse, file: string, headers: Record<string, string>): void {
  let fd: number
  try {
    fd = openSync(file, READ_FLAGS)
    if (!fstatSync(fd).isFile()) {
      closeSync(fd)
      throw new Error('not a file')
    }
  } catch {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found')
    return
  }
  res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
  createReadStream('', { fd }).pipe(res)
}
