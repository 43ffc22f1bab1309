/**
 * Peak memory growth while something runs. Buffers live outside the V8 heap (`heapUsed` does not see them):
 * `arrayBuffers` counts them. A sample taken only at the end misses memory that grew and was freed again, so
 * this samples on real time while the work runs, and once more when asked for the result.
 */
import { forceGc } from './service'

const realSetInterval = globalThis.setInterval
const realClearInterval = globalThis.clearInterval

export interface MemoryGrowth {
  /** Largest growth of `arrayBuffers` (Buffer and ArrayBuffer memory) over the baseline, in bytes. */
  arrayBuffers: number
  /** Largest growth of `heapUsed` over the baseline, in bytes. */
  heapUsed: number
  samples: number
}

export interface MemoryWatch {
  /** Takes one sample now (call it from hot callbacks to catch short-lived peaks). */
  sample(): void
  /** Stops sampling and returns the peak growth. */
  stop(): MemoryGrowth
}

/** Collects garbage, takes the baseline, then samples every `everyMs` of real time until `stop()`. */
export async function watchMemory(everyMs = 1): Promise<MemoryWatch> {
  await forceGc()
  const base = process.memoryUsage()
  const peak: MemoryGrowth = { arrayBuffers: 0, heapUsed: 0, samples: 0 }
  const sample = (): void => {
    const m = process.memoryUsage()
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers - base.arrayBuffers)
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed - base.heapUsed)
    peak.samples++
  }
  const timer = realSetInterval(sample, everyMs)
  return {
    sample,
    stop: () => {
      realClearInterval(timer)
      sample()
      return { ...peak }
    }
  }
}

export const MiB = 1024 * 1024
