/** `npm run web`: browser mode. Prints one line with the URL (token included) and serves until SIGINT/SIGTERM. */
import open from 'open'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultDataDir } from '../store/dataDir'
import { ArgsError, parseWebArgs, WEB_HELP } from './args'
import { startWebHost } from './host'
import { startOneTimeLink, type OneTimeLink } from './opener'
import { installCrashGuard } from '../service/crashGuard'

/**
 * Opens the system browser with the `open` package (it knows macOS, Windows, WSL, containers and the freedesktop
 * xdg-open). `url` ends up on the opener's and the browser's command lines: pass a one-time link, never the token.
 */
function openBrowser(url: string): void {
  open(url).then(
    (child) => child.on('error', () => undefined),
    () => undefined // no browser to open here: the printed URL is enough
  )
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
  if (args.help) {
    console.log(WEB_HELP)
    return
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
  let link: OneTimeLink | null = null
  if (args.open) {
    try {
      // A wildcard bind is not an address a browser should be sent to (Chrome refuses 0.0.0.0): use loopback.
      link = await startOneTimeLink(host.url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:'))
      openBrowser(link.url)
    } catch (e) {
      console.warn(`sockscope web: could not open a browser (${e instanceof Error ? e.message : String(e)}); open the address above.`)
    }
  }
  const stop = (): void => {
    void Promise.all([host.close(), link?.close()]).then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e: unknown) => {
  console.error(`sockscope web: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
