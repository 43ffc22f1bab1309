/**
 * `app`, written to https://www.electronjs.org/docs/latest/api/app: ready once the main script has run, paths under
 * a temp folder, a single-instance lock per userData folder, and quit in Electron's order: `before-quit`
 * (preventable), every window closed, `will-quit` (preventable), `quit`, then the process would exit.
 */
import { EventEmitter } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface AppHost {
  root: string
  closeAllWindows(): Promise<boolean>
  exited(code: number): void
}

/** userData folder → the running app holding its lock (Electron's ProcessSingleton is keyed on userData). */
const locks = new Map<string, FakeApp>()

const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string })
  .version

export class FakeApp extends EventEmitter {
  isPackaged: boolean
  private paths = new Map<string, string>()
  private ready = false
  private readyWaiters: Array<() => void> = []
  private quitting: Promise<void> | null = null
  hasExited = false

  constructor(
    private host: AppHost,
    packaged: boolean
  ) {
    super()
    this.isPackaged = packaged
  }

  /** Called by the harness once the main script's top level has run. */
  markReady(): void {
    if (this.hasExited) return
    this.ready = true
    this.emit('ready', { preventDefault: () => undefined }, {})
    for (const w of this.readyWaiters.splice(0)) w()
  }
  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r))
  }
  isReady(): boolean {
    return this.ready
  }

  getVersion(): string {
    return VERSION
  }
  getName(): string {
    return 'Sockscope'
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path)
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? join(this.host.root, name)
  }

  /** https://www.electronjs.org/docs/latest/api/app#apprequestsingleinstancelockadditionaldata */
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    const key = this.getPath('userData')
    const holder = locks.get(key)
    if (holder && holder !== this && !holder.hasExited) {
      holder.pendingSecondInstance.push(additionalData ?? {})
      return false
    }
    locks.set(key, this)
    return true
  }
  /** Second launches that found this app holding the lock; the harness delivers them once that launch has exited. */
  pendingSecondInstance: Array<Record<string, unknown>> = []
  deliverSecondInstance(): void {
    for (const data of this.pendingSecondInstance.splice(0)) {
      this.emit('second-instance', { preventDefault: () => undefined }, ['sockscope'], process.cwd(), data)
    }
  }

  /** https://www.electronjs.org/docs/latest/api/app#appquit: asynchronous, and cancelled by any preventDefault. */
  quit(): void {
    if (this.hasExited || this.quitting) return
    this.quitting = this.runQuit().finally(() => (this.quitting = null))
  }
  private async runQuit(): Promise<void> {
    await Promise.resolve()
    if (!this.emitPreventable('before-quit')) return
    if (!(await this.host.closeAllWindows())) return
    if (!this.emitPreventable('will-quit')) return
    this.emit('quit', { preventDefault: () => undefined }, 0)
    this.exit(0)
  }
  /** https://www.electronjs.org/docs/latest/api/app#appexitexitcode: no before-quit, no will-quit. */
  exit(code = 0): void {
    if (this.hasExited) return
    this.hasExited = true
    for (const [key, holder] of locks) if (holder === this) locks.delete(key)
    this.host.exited(code)
  }
  private emitPreventable(name: string): boolean {
    let prevented = false
    this.emit(name, { preventDefault: () => (prevented = true) })
    return !prevented
  }
}
