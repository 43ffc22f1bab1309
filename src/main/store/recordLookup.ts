/**
 * Finding one event's payload in a recording by `seq`, without reading the file through: a recording grows to
 * gigabytes and the log fetches evicted payloads on demand. NDJSON recordings (version 1) are bisected by line;
 * version-2 recordings keep a sparse index of record offsets, built by one pass over the prefixes and extended as
 * a live recording grows.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { MAGIC, PREFIX, recordValue } from './recordFormat'
import { isRecordFile, recordPrefixes } from './recordFile'
import { eventsFromWire } from '../../shared/wire'
import type { SockEvent } from '../../shared/events'

type Payload = string | Uint8Array | null

/** Reads `length` bytes at `at` (fewer at the end of the file). */
async function readAt(fd: FileHandle, at: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  const { bytesRead } = await fd.read(buf, 0, length, at)
  return buf.subarray(0, bytesRead)
}

/**
 * The line that holds event `seq`, found by bisecting the file: lines are in `seq` order, and a recording grows to
 * gigabytes, so reading it through for one payload would take seconds. A probe at byte x reads on to the end of
 * the line x is in and takes that line's `seq` from its tail (the engine stamps `seq` last).
 */
export async function findLine(path: string, seq: number): Promise<string | null> {
  const fd = await open(path, 'r')
  try {
    const size = (await fd.stat()).size
    const seqOf = new Map<number, number>()
    /** End (the newline's offset, or the file size) of the line byte x is in. */
    const lineEnd = async (x: number): Promise<number> => {
      for (let at = x, chunk = 64 * 1024; at < size; at += chunk, chunk = Math.min(chunk * 2, 8 << 20)) {
        const i = (await readAt(fd, at, chunk)).indexOf(10)
        if (i >= 0) return at + i
      }
      return size
    }
    // A line that does not say (the header, a damaged line) sorts just before the next one that does.
    const lineSeq = async (end: number): Promise<number> => {
      let n = seqOf.get(end)
      if (n === undefined) {
        const tail = (await readAt(fd, Math.max(0, end - 256), Math.min(end, 256))).toString('latin1').split('\n').pop()!
        const m = /"seq":(\d+)(?=[,}])(?!.*"seq":)/.exec(tail)
        n = m ? Number(m[1]) : end + 1 >= size ? Infinity : (await lineSeq(await lineEnd(end + 1))) - 0.5
        seqOf.set(end, n)
      }
      return n
    }
    // The smallest x whose line has seq >= the one asked for is that line's first byte.
    let lo = 0
    let hi = size
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      if ((await lineSeq(await lineEnd(mid))) >= seq) hi = mid
      else lo = mid + 1
    }
    if (lo >= size) return null
    const end = await lineEnd(lo)
    if ((await lineSeq(end)) !== seq) return null
    return (await readAt(fd, lo, end - lo)).toString('utf8')
  } finally {
    await fd.close()
  }
}

/** An index entry every this many bytes: a lookup then reads at most this much past its entry. */
const SPACING = 64 * 1024

interface SparseIndex {
  seqs: number[]
  offsets: number[]
  /** The file was indexed up to here (a record boundary). */
  scannedTo: number
}

const payloadOf = (e: SockEvent | undefined, seq: number): Payload =>
  e && e.seq === seq && (e.type === 'message' || e.type === 'ping' || e.type === 'pong') ? e.data : null

/** Payload lookups in version-2 recordings; keeps the indexes of the few recordings read last. */
export class RecordLookup {
  private readonly indexes = new Map<string, SparseIndex>()
  /** The payload last read back, while its pieces are being fetched. */
  private lastRead: { key: string; data: Promise<Payload>; timer: NodeJS.Timeout } | null = null

  /** A big payload is fetched in pieces, two at a time: they share one read of `key`, kept for a little while. */
  shared(key: string, read: () => Promise<Payload>): Promise<Payload> {
    if (this.lastRead?.key === key) return this.lastRead.data
    if (this.lastRead) clearTimeout(this.lastRead.timer)
    const data = read()
    this.lastRead = { key, data, timer: setTimeout(() => (this.lastRead = null), 30_000).unref() }
    data.catch(() => this.lastRead?.key === key && (this.lastRead = null))
    return data
  }

  async payloadAt(path: string, seq: number): Promise<Payload> {
    if (!path.endsWith('.sockrec')) {
      const line = await findLine(path, seq)
      return line === null ? null : payloadOf(eventsFromWire([JSON.parse(line)])[0], seq)
    }
    const fd = await open(path, 'r')
    try {
      if (!(await isRecordFile(fd))) return null
      const size = (await fd.stat()).size
      const index = await this.extend(path, fd, size)
      // The last entry at or before `seq`, then forward over the prefixes to the record itself.
      let lo = 0
      let hi = index.seqs.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (index.seqs[mid] <= seq) lo = mid + 1
        else hi = mid
      }
      const from = lo ? index.offsets[lo - 1] : MAGIC.length
      for await (const p of recordPrefixes(fd, from, size)) {
        if (p.seq > seq) return null
        if (p.seq !== seq) continue
        const body = Buffer.alloc(p.headLength + p.payloadLength)
        await fd.read(body, 0, body.length, p.offset + PREFIX)
        const payload = p.payloadLength ? new Uint8Array(body.buffer, body.byteOffset + p.headLength, p.payloadLength) : null
        return payloadOf(recordValue(body.subarray(0, p.headLength), payload) as SockEvent, seq)
      }
      return null
    } finally {
      await fd.close()
    }
  }

  /** The file's index, brought up to its current end (a live recording has grown since the last lookup). */
  private async extend(path: string, fd: FileHandle, size: number): Promise<SparseIndex> {
    let index = this.indexes.get(path)
    // A file cut back (a failed write truncates to its last whole record) is indexed afresh.
    if (!index || index.scannedTo > size) index = { seqs: [], offsets: [], scannedTo: MAGIC.length }
    this.indexes.delete(path)
    this.indexes.set(path, index)
    if (this.indexes.size > 8) this.indexes.delete(this.indexes.keys().next().value!)
    let last = index.offsets.length ? index.offsets[index.offsets.length - 1] : -SPACING
    for await (const p of recordPrefixes(fd, index.scannedTo, size)) {
      if (p.offset - last >= SPACING) {
        index.seqs.push(p.seq)
        index.offsets.push(p.offset)
        last = p.offset
      }
      index.scannedTo = p.offset + PREFIX + p.headLength + p.payloadLength
    }
    return index
  }

  /** Forgets a removed recording's index. */
  forget(path: string): void {
    this.indexes.delete(path)
  }
}
