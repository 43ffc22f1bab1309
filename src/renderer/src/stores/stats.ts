/** Per-connection counters and per-second series for rate and RTT. Plain object; read on a version bump. */
export const SERIES_SECONDS = 300

export class ConnectionStats {
  msgsIn = 0
  msgsOut = 0
  bytesIn = 0
  bytesOut = 0
  rttLast: number | null = null
  private rttSum = 0
  rttCount = 0
  /** Per-second buckets, keyed by epoch second, newest last. */
  readonly seconds: number[] = []
  readonly rateIn: number[] = []
  readonly rateOut: number[] = []
  readonly rtt: (number | null)[] = []

  private bucket(ts: number): number {
    const sec = Math.floor(ts / 1000)
    const last = this.seconds[this.seconds.length - 1]
    if (last === sec) return this.seconds.length - 1
    if (last !== undefined && sec < last) return this.seconds.length - 1 // clock skew: count in the newest
    // Fill gaps so the series are continuous.
    for (let s = last === undefined ? sec : last + 1; s <= sec; s++) {
      this.seconds.push(s)
      this.rateIn.push(0)
      this.rateOut.push(0)
      this.rtt.push(null)
    }
    const extra = this.seconds.length - SERIES_SECONDS
    if (extra > 0) for (const a of [this.seconds, this.rateIn, this.rateOut, this.rtt]) a.splice(0, extra)
    return this.seconds.length - 1
  }

  message(dir: 'in' | 'out', size: number, ts: number): void {
    const i = this.bucket(ts)
    if (dir === 'in') {
      this.msgsIn++
      this.bytesIn += size
      this.rateIn[i]++
    } else {
      this.msgsOut++
      this.bytesOut += size
      this.rateOut[i]++
    }
  }

  roundTrip(ms: number, ts: number): void {
    const i = this.bucket(ts)
    this.rttLast = ms
    this.rttSum += ms
    this.rttCount++
    this.rtt[i] = ms
  }

  /** Clear starts the counts again: the status bar counts what the log shows, not what it once held. */
  reset(): void {
    this.msgsIn = this.msgsOut = this.bytesIn = this.bytesOut = this.rttSum = this.rttCount = 0
    this.rttLast = null
    for (const a of [this.seconds, this.rateIn, this.rateOut, this.rtt]) a.length = 0
  }

  get rttAvg(): number | null {
    return this.rttCount ? this.rttSum / this.rttCount : null
  }

  /** Messages (both directions) per second averaged over the last `n` whole seconds up to `now`. */
  ratePerSecond(n: number, now = Date.now()): number {
    const nowSec = Math.floor(now / 1000)
    let sum = 0
    for (let i = this.seconds.length - 1; i >= 0; i--) {
      const s = this.seconds[i]
      if (s >= nowSec) continue // the current second is incomplete
      if (s < nowSec - n) break
      sum += this.rateIn[i] + this.rateOut[i]
    }
    return sum / n
  }
}
