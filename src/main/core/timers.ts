/**
 * The timers of one connection, by name. Every callback is guarded: a throw is reported to `onError` instead of
 * escaping into the event loop, where it would end the main process (Electron) or the browser-mode host.
 * Owning them in one place also lets every exit from a state clear them all, and lets tests count them.
 */
export class TimerSet {
  private readonly live = new Map<string, { handle: NodeJS.Timeout; repeat: boolean }>()

  constructor(private readonly onError: (err: unknown, timer: string) => void) {}

  /** Runs `fn` once after `ms`, replacing any timer of that name. */
  once(name: string, ms: number, fn: () => void): void {
    this.clear(name)
    const handle = setTimeout(() => {
      this.live.delete(name)
      this.run(name, fn)
    }, ms)
    this.live.set(name, { handle, repeat: false })
  }

  /** Runs `fn` every `ms`, replacing any timer of that name. */
  every(name: string, ms: number, fn: () => void): void {
    this.clear(name)
    this.live.set(name, { handle: setInterval(() => this.run(name, fn), ms), repeat: true })
  }

  has(name: string): boolean {
    return this.live.has(name)
  }

  clear(name: string): void {
    const t = this.live.get(name)
    if (!t) return
    if (t.repeat) clearInterval(t.handle)
    else clearTimeout(t.handle)
    this.live.delete(name)
  }

  clearAll(): void {
    for (const name of [...this.live.keys()]) this.clear(name)
  }

  /** Names of the timers still pending. */
  names(): string[] {
    return [...this.live.keys()]
  }

  private run(name: string, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.onError(err, name)
    }
  }
}
