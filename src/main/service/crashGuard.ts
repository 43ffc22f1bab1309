/**
 * The last line of defence. One throw from a timer or an unhandled rejection ends a Node process, and with it
 * the desktop app's main process or the browser-mode host. Every callback of ours is guarded already; this
 * catches what still slips through: it records the error, tells the affected window (found through the
 * connection scope the failing callback ran in) or every window when no connection is known, and keeps running.
 */
import { appendFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { currentConnectionId } from '../core/scope'
import type { SockscopeService } from './service'

export interface CrashGuardOptions {
  service: SockscopeService
  /** Where `errors.log` is kept (the data folder); nothing is written when absent. */
  logDir?: string
  log?: (line: string) => void
}

const LOG_LIMIT = 1024 * 1024

function record(dir: string | undefined, line: string): void {
  if (!dir) return
  const path = join(dir, 'errors.log')
  try {
    if ((statSync(path, { throwIfNoEntry: false })?.size ?? 0) > LOG_LIMIT) renameSync(path, `${path}.1`)
    appendFileSync(path, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 })
  } catch {
    // Recording is best effort: the error was printed already.
  }
}

/** Installs the handlers; returns the function that removes them. */
export function installCrashGuard(o: CrashGuardOptions): () => void {
  const log = o.log ?? ((l: string) => console.error(l))
  const handle = (kind: 'exception' | 'rejection') => (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err)
    const line = `sockscope: uncaught ${kind}: ${err instanceof Error ? (err.stack ?? message) : message}`
    try {
      log(line)
      record(o.logDir, line)
      const id = currentConnectionId()
      if (id && o.service.manager.internalError(id, err, `an uncaught ${kind}`)) return
      o.service.notify({ level: 'error', message: `Sockscope caught an internal error and kept running: ${message}` })
    } catch {
      // Never throw from the handler of last resort.
    }
  }
  const onException = handle('exception')
  const onRejection = handle('rejection')
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}
