/** Holds full payloads too large to push to the renderer; fetched on demand by reference. Bounded by bytes. */
import { randomUUID } from 'node:crypto'

export class PayloadStore {
  private readonly items = new Map<string, string | Uint8Array>()
  private bytes = 0

  constructor(private readonly maxBytes = 512 * 1024 * 1024) {}

  put(data: string | Uint8Array, size: number): string {
    const ref = randomUUID()
    this.items.set(ref, data)
    this.bytes += size
    // Oldest first: Map iteration order is insertion order.
    for (const [k, v] of this.items) {
      if (this.bytes <= this.maxBytes || k === ref) break
      this.bytes -= typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength
      this.items.delete(k)
    }
    return ref
  }

  /** The full payload, or undefined once evicted (the session recording still has it). */
  get(ref: string): string | Uint8Array | undefined {
    return this.items.get(ref)
  }

  get heldBytes(): number {
    return this.bytes
  }
}
