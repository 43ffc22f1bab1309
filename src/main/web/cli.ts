/** `npm run web`: browser mode. Prints one line with the URL (token included) and serves until SIGINT/SIGTERM. */
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultDataDir } from '../dataDir'
import { ArgsError, parseWebArgs } from './args'
import { startWebHost } from './host'
import { installCrashGuard } from '../service/crashGuard'

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open'
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true })
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // No browser to open here: the printed URL is enough.
  }
}

async function main(): Promise<void> {
  let args
  try {
    args = parseWebArgs(process.argv.slice(2))
  } catch (e) {
    if (e instanceof ArgsError) {
      console.error(`sockscope web: ${e.message}`)
      process.exit(2)
    }
    throw e
  }
  const here = dirname(fileURLToPath(import.meta.url))
  const dataDir = args.dataDir ?? defaultDataDir()
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const host = await startWebHost({
    port: args.port,
    host: args.host,
    allowRemote: args.allowRemote,
    rendererDir: join(here, '..', 'renderer'),
    dataDir,
    version: process.env.npm_package_version ?? '0.0.0'
  })
  installCrashGuard({ service: host.service, logDir: dataDir })
  console.log(`Sockscope (browser mode) is serving at ${host.url}`)
  if (args.open) openBrowser(host.url)
  const stop = (): void => {
    void host.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e: unknown) => {
  console.error(`sockscope web: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
