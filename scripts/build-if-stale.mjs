// Builds with electron-vite when out/ is missing or older than the sources, so `npm run web` and
// `npm start` work on a fresh clone after `npm install`.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

/** The newest modification time under `path` (the bin reuses it). */
export function newest(path) {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let m = st.mtimeMs
  for (const name of readdirSync(path)) m = Math.max(m, newest(join(path, name)))
  return m
}

export function buildIfStale(root = process.cwd()) {
  const marker = join(root, 'out', 'renderer', 'index.html')
  const sources = ['src', 'electron.vite.config.ts', 'package.json'].map((p) => join(root, p)).filter(existsSync)
  const stale =
    !existsSync(marker) || !existsSync(join(root, 'out', 'main', 'web.js')) || Math.max(...sources.map(newest)) > statSync(marker).mtimeMs
  if (!stale) return
  console.log('sockscope: building the app first (electron-vite build)…')
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite')
  const r = spawnSync(bin, ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' })
  if (r.status !== 0) {
    console.error('sockscope: the build failed; see the errors above.')
    process.exit(r.status ?? 1)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfStale()
