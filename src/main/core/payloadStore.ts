/**
 * Holds full payloads too large to push to the renderer, fetched on demand by reference. Bounded by bytes per
 * connection and in total (oldest first), every payload belongs to one connection, and removing the connection
 * frees its payloads. The session recording keeps every payload on disk, so eviction loses nothing for good.
 */
import { randomUUID } from 'node:crypto'

export const PAYLOAD_BYTES_PER_CONNECTION = 64 * 1024 * 1024
export const PAYLOAD_BYTES_TOTAL = 256 * 1024 * 1024

interface Held {
  owner: string
  data: string | Uint8Array
  size: number
}

export class PayloadStore {
  /** Insertion order is age order, so the first entry is the oldest overall and the oldest of its owner. */
  private readonly items = new Map<string, Held>()
  private readonly byOwner = new Map<string, string[]>()
  private readonly ownerBytes = new Map<string, number>()
  private bytes = 0

  constructor(
    private readonly maxBytes = PAYLOAD_BYTES_TOTAL,
    private readonly maxPerOwner = PAYLOAD_BYTES_PER_CONNECTION
  ) {}

  put(owner: string, data: string | Uint8Array, size: number): string {
    const ref = randomUUID()
    this.items.set(ref, { owner, data, size })
    const refs = this.byOwner.get(owner) ?? []
    refs.push(ref)
    this.byOwner.set(owner, refs)
    this.ownerBytes.set(owner, (this.ownerBytes.get(owner) ?? 0) + size)
    this.bytes += size
    while ((this.ownerBytes.get(owner) ?? 0) > this.maxPerOwner && refs.length > 1) this.evictOldestOf(owner)
    while (this.bytes > this.maxBytes) {
      const oldest = this.items.values().next().value
      if (!oldest || (oldest.owner === owner && refs.length === 1)) break
      this.evictOldestOf(oldest.owner)
    }
    return ref
  }

  private evictOldestOf(owner: string): void {
    const refs = this.byOwner.get(owner)
    const ref = refs?.shift()
    if (!ref) return
    const held = this.items.get(ref)!
    this.items.delete(ref)
    this.bytes -= held.size
    this.ownerBytes.set(owner, (this.ownerBytes.get(owner) ?? 0) - held.size)
  }

  /** The full payload, or undefined once evicted (the session recording still has it). */
  get(ref: string): string | Uint8Array | undefined {
    return this.items.get(ref)?.data
  }

  /** The connection a payload belongs to, while it is held. */
  ownerOf(ref: string): string | undefined {
    return this.items.get(ref)?.owner
  }

  /** Frees every payload of a connection (it was removed). */
  drop(owner: string): void {
    for (const ref of this.byOwner.get(owner) ?? []) {
      this.bytes -= this.items.get(ref)?.size ?? 0
      this.items.delete(ref)
    }
    this.byOwner.delete(owner)
    this.ownerBytes.delete(owner)
  }

  get heldBytes(): number {
    return this.bytes
  }
}
