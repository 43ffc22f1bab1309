/**
 * What a screen reader hears about arriving messages: at most one short summary per interval ("12 new
 * messages"), never one announcement per row, which at a few hundred messages a second would drown every other
 * word. The count is of rows added since the last summary; nothing is said while none arrived.
 */
export interface Announcer {
  /** The log now holds `total` rows (it may also have been cleared). */
  update(total: number): void
  dispose(): void
}

export function newMessagesAnnouncer(say: (text: string) => void, intervalMs = 1000): Announcer {
  let announced: number | null = null
  let latest = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  const flush = (): void => {
    timer = null
    const fresh = latest - (announced ?? latest)
    announced = latest
    if (fresh > 0) {
      say(`${fresh.toLocaleString('en')} new message${fresh === 1 ? '' : 's'}`)
      timer = setTimeout(flush, intervalMs) // keep the pace: the next summary waits a whole interval
    }
  }
  return {
    update(total) {
      if (announced === null || total < announced) announced = total < (announced ?? 0) ? 0 : total
      latest = total
      if (!timer && latest > announced) timer = setTimeout(flush, 0)
    },
    dispose() {
      if (timer) clearTimeout(timer)
      timer = null
    }
  }
}
