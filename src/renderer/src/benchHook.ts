/**
 * Read-only probes for `npm run bench`, installed only when the page URL carries `bench=1`. They read the
 * stores; they change nothing, so the app measured is the app users run.
 */
import type { useConnections } from './stores/connections'

export interface BenchProbe {
  /** Messages the active tab has received, and what its log holds and has evicted. */
  counts(): { received: number; held: number; evicted: number; end: number }
  /** Engine arrival time (epoch ms) of the entry at an absolute log index of the active tab. */
  entryTs(abs: number): number | null
}

export function installBenchHook(store: ReturnType<typeof useConnections>): void {
  if (!new URLSearchParams(location.search).has('bench')) return
  const probe: BenchProbe = {
    counts: () => {
      const t = store.active
      return t
        ? { received: t.stats.msgsIn, held: t.log.size, evicted: t.log.evicted, end: t.log.end }
        : { received: 0, held: 0, evicted: 0, end: 0 }
    },
    entryTs: (abs) => store.active?.log.at(abs)?.ts ?? null
  }
  ;(window as unknown as { __sockscopeBench: BenchProbe }).__sockscopeBench = probe
}
