// `npm run web`: browser mode. Builds if needed, then runs the Electron-free host with the given flags.
import { spawn } from 'node:child_process'
import { buildIfStale } from './build-if-stale.mjs'

buildIfStale()
const child = spawn(process.execPath, ['out/main/web.js', ...process.argv.slice(2)], { stdio: 'inherit' })
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
