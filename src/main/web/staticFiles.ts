/** Serves the built renderer from one folder, never outside it. */
import { createReadStream, statSync } from 'node:fs'
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

/** Resolves a URL path inside `root`, or null when it would escape it or does not exist. */
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
  if (!full.startsWith(base.endsWith(sep) ? base : base + sep)) return null
  try {
    return statSync(full).isFile() ? full : null
  } catch {
    return null
  }
}

export function sendFile(res: ServerResponse, file: string, headers: Record<string, string>): void {
  res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
  createReadStream(file).pipe(res)
}
