/**
 * Read-only probes for `npm run bench`, installed only when the page URL carries `bench=1`. They read the
 * stores; they change nothing, so the app measured is the app users run.
 */
import type { useConnections } from './stores/connections'
import { codecFigures } from './benchCodecs'

export interface BenchProbe {
  /** Messages the active tab has received, and what its log holds and has evicted. */
  counts(): { received: number; held: number; evicted: number; end: number }
  /** Engine arrival time (epoch ms) of the entry at an absolute log index of the active tab. */
  entryTs(abs: number): number | null
  /** The active tab's log: filter progress and the payload budget. */
  log(): { filtering: boolean; viewLength: number; heldBytes: number; budget: number; droppedCount: number; droppedBytes: number }
  /** The active tab's held log rows (text payloads and connection lines), for end-to-end checks of what shows. */
  rows(): Array<{ seq: number; dir: string; kind: string; text: string; missed?: number }>
  /** Decoder throughput and the field filter, on a workload of their own (see benchCodecs.ts). */
  codecs(opts: { seconds: number; messages: number }): Record<string, number>
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
    entryTs: (abs) => store.active?.log.tsAt(abs) ?? null,
    log: () => {
      const l = store.active?.log
      return {
        filtering: l?.filtering ?? false,
        viewLength: l?.viewLength() ?? 0,
        heldBytes: l?.heldBytes ?? 0,
        budget: l?.budget ?? 0,
        droppedCount: l?.droppedCount ?? 0,
        droppedBytes: l?.droppedBytes ?? 0
      }
    },
    rows: () =>
      (store.active?.log.entries() ?? []).map((e) => ({
        seq: e.seq,
        dir: e.dir,
        kind: e.kind,
        text: typeof e.data === 'string' ? e.data : `${e.data.byteLength} bytes`,
        ...(e.missed ? { missed: e.missed } : {})
      })),
    codecs: codecFigures
  }
  ;(window as unknown as { __sockscopeBench: BenchProbe }).__sockscopeBench = probe
}
