/**
 * The installed app as the `sockscope` command (issue 18): `Sockscope --cli -- COMMAND [ARGS…]` runs the command line
 * of `npx sockscope` (src/cli, Electron-free) in the app's own main process, so no Node install is needed, and exits
 * with its status. The runAsNode fuse stays off (electron-builder.yml): this is the app, not Node. The wrappers the
 * installers put beside the app (build/cli/) call it this way.
 *
 * It runs before `ready` and before the desktop shell does anything (single-instance lock, app:// scheme, data
 * folder, windows): a command must work while the app is open, and must not share its Chromium profile.
 */
import { app } from 'electron'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The argument that makes the app the command line. */
export const CLI_FLAG = '--cli'

/**
 * The command's arguments when the app was started as `APP [--chromium-switch…] --cli [--] ARGS…`, else null.
 * `defaultApp` is `process.defaultApp`, true under `electron path/to/app` where argv[1] is the app's path (Electron
 * docs, process.defaultApp: "how many arguments will need to be sliced off from process.argv").
 */
export function cliArguments(argv: readonly string[], defaultApp = false): string[] | null {
  const args = argv.slice(defaultApp ? 2 : 1)
  // Chromium switches may come first: the Linux wrapper puts --ozone-platform=headless --disable-gpu there.
  let at = 0
  while (at < args.length && args[at].startsWith('--') && args[at] !== CLI_FLAG && args[at] !== '--') at++
  if (args[at] !== CLI_FLAG) return null
  // A `--` right after the flag is the wrappers': it ends Chromium's switches (base::CommandLine) and Electron's
  // Windows check that refuses any argument after a URL-like one (shell/app/command_line_args.cc), so the command's
  // own arguments (`send ws://host/ hello`) pass untouched. It is not the command's.
  return args[at + 1] === '--' ? args.slice(at + 2) : args.slice(at + 1)
}

/** Runs the command line in place of the app; the process ends with the command's exit status. */
export function runCliMode(args: string[]): void {
  // userData and sessionData (Chromium's own files) default to the app's data folder (Electron docs, app.getPath):
  // a command gets a scratch folder instead, so it writes nothing there and never shares a profile with an open
  // window. The command's own data (profiles, --data-dir) is src/cli's business, as under Node.
  const scratch = mkdtempSync(join(tmpdir(), 'sockscope-cli-'))
  app.setPath('userData', scratch)
  app.setPath('sessionData', scratch)
  // Electron emits process 'exit' on quit (lib/browser/init.ts); an exit before `ready` skips it and leaves the
  // empty scratch folder to the OS's temp cleaning.
  process.once('exit', () => {
    try {
      rmSync(scratch, { recursive: true, force: true })
    } catch {
      // best effort: Chromium may still hold a file there (Windows)
    }
  })
  // A command draws nothing: no GPU process ("can only be called before app is ready", Electron docs).
  app.disableHardwareAcceleration()
  // macOS: no Dock icon, no menu bar. 'prohibited': "doesn't appear in the Dock and may not create windows or be
  // activated" (Electron docs, app.setActivationPolicy; NSApplication.ActivationPolicy.prohibited).
  if (process.platform === 'darwin') app.setActivationPolicy('prohibited')
  // Electron answers an uncaught exception in main with a dialog box and keeps running (lib/browser/init.ts), and
  // only warns on an unhandled rejection (electron_browser_main_parts.cc): a command says it on stderr and exits 1.
  const crash = (e: unknown): void => {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e)
    process.stderr.write(`sockscope: ${text}\nThis is a bug in Sockscope; please report it with the command you ran.\n`, () => app.exit(1))
  }
  process.on('uncaughtException', crash)
  process.on('unhandledRejection', crash)
  // runProcess flushes stdout and stderr, then calls process.exit(status), which Electron maps to app.exit
  // ("exits immediately with exitCode", lib/browser/init.ts). Loaded only here: the app itself never needs it.
  import('../../cli/index').then(({ runProcess }) => runProcess(args)).catch(crash)
}
