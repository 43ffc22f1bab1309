// `npm test`: type checks, lint, unit + integration + model tests, then the build and the end-to-end tests, on a
// Node >= 22.12 (the machine's, or Node 24 LTS installed once from the npm registry: see node-version.mjs).
import { spawnSync } from 'node:child_process'
import { envWithRecentNode } from './node-version.mjs'

const env = envWithRecentNode()
const version = spawnSync('node', ['--version'], { env, encoding: 'utf8', shell: process.platform === 'win32' }).stdout.trim()
console.log(`npm test on Node ${version}`)
for (const step of ['typecheck', 'lint', 'test:unit', 'test:e2e']) {
  const r = spawnSync('npm', ['run', step], { stdio: 'inherit', env, shell: process.platform === 'win32' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
