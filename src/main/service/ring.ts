/**
 * A fixed-capacity ring that keeps the newest items, bounded by count and by weight (bytes), and counts what
 * it dropped so a re-sync can say how much is missing. Ours rather than a library: it is small, allocation-free
 * on push, and the weight bound is what keeps the main side's memory proportional to bytes, not to events.
 */
export class Ring<T> {
  private readonly items: (T | undefined)[]
  private readonly weights: number[]
  private start = 0
  private count = 0
  private weight = 0
  /** Items pushed out so far (by count or weight). */
  dropped = 0

  constructor(
    readonly capacity: number,
    readonly maxWeight = Infinity,
    private readonly weigh: (item: T) => number = () => 0
  ) {
    this.items = new Array(capacity)
    this.weights = new Array(capacity).fill(0)
  }

  push(item: T): void {
    if (this.count === this.capacity) this.dropOldest()
    const i = (this.start + this.count++) % this.capacity
    const w = this.weigh(item)
    this.items[i] = item
    this.weights[i] = w
    this.weight += w
    while (this.weight > this.maxWeight && this.count > 1) this.dropOldest()
  }

  private dropOldest(): void {
    this.weight -= this.weights[this.start]
    this.items[this.start] = undefined
    this.weights[this.start] = 0
    this.start = (this.start + 1) % this.capacity
    this.count--
    this.dropped++
  }

  toArray(): T[] {
    const out: T[] = []
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as T)
    return out
  }

  get length(): number {
    return this.count
  }

  /** Total weight held. */
  get bytes(): number {
    return this.weight
  }
}
