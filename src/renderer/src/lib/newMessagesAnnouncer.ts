/**
 * What a screen reader hears about arriving messages: at most one short summary per interval ("12 new
 * messages"), never one announcement per row, which at a few hundred messages a second would drown every other
 * word. The count is of rows added since the last summary; nothing is said while none arrived.
 */
export interface Announcer {
  /** The log now counts `total` rows (it may also have been cleared). */
  update(total: number): void
  dispose(): void
}

/**
 * `gatherMs` is how long the first summary after a quiet spell waits, so a burst is heard as one count rather
 * than as "1 new message" and then the rest; later summaries keep `intervalMs` apart.
 */
export function newMessagesAnnouncer(say: (text: string) => void, intervalMs = 1000, gatherMs = 250): Announcer {
  let announced: number | null = null
  let latest = 0
  let lastSaid = -Infinity
  let timer: ReturnType<typeof setTimeout> | null = null
  const flush = (): void => {
    timer = null
    const fresh = latest - (announced ?? latest)
    announced = latest
    if (fresh <= 0) return
    lastSaid = Date.now()
    say(`${fresh.toLocaleString('en')} new message${fresh === 1 ? '' : 's'}`)
  }
  return {
    update(total) {
      // The first count is what was already there when the view opened: not news. A smaller count is a clear.
      if (announced === null) announced = total
      else if (total < announced) announced = 0
      latest = total
      if (!timer && latest > announced) timer = setTimeout(flush, Math.max(gatherMs, lastSaid + intervalMs - Date.now()))
    },
    dispose() {
      if (timer) clearTimeout(timer)
      timer = null
    }
  }
}
