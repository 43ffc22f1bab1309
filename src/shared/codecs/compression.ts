/**
 * gzip (RFC 1952), zlib (RFC 1950) and raw deflate (RFC 1951) through fflate's streaming inflaters, so the output
 * is counted as it is produced and a small payload that would inflate to gigabytes is refused at the limit, with
 * memory bounded by it (a decompression bomb).
 */
import { Gunzip, Inflate, Unzlib, gzipSync, deflateSync, zlibSync } from 'fflate'
// brotli.js's package exports only a whole-buffer decode, which grows its output to whatever the stream declares
// (a bomb would be allocated whole). Its streaming decoder, imported by path, writes to an output we give it: ours
// counts and stops at the cap. The module has no types; the one function used is typed at the call.
// @ts-expect-error -- no declaration file for brotli.js's decoder module
import { BrotliDecompress } from '../../../node_modules/brotli/dec/decode.js'
import { CodecError, type CodecLimits } from './types'

const MiB = 1024 * 1024
const limitText = (bytes: number): string => (bytes >= MiB ? `${Math.round(bytes / MiB)} MiB` : `${Math.round(bytes / 1024)} KiB`)

export function inflate(kind: 'gzip' | 'zlib' | 'deflate', input: Uint8Array, limits: CodecLimits): Uint8Array {
  // RFC 1952 §2.3.1: a gzip member starts with ID1 = 0x1f, ID2 = 0x8b.
  if (kind === 'gzip' && !(input[0] === 0x1f && input[1] === 0x8b)) throw new CodecError('not gzip: the first bytes are not 1f 8b', 0)
  // RFC 1950 §2.2: CM = 8 (deflate) and CMF·256 + FLG a multiple of 31.
  if (kind === 'zlib' && !isZlibHeader(input)) throw new CodecError('not zlib: the first two bytes are not a zlib header', 0)
  const chunks: Uint8Array[] = []
  let total = 0
  let over = false
  const stream = kind === 'gzip' ? new Gunzip() : kind === 'zlib' ? new Unzlib() : new Inflate()
  stream.ondata = (chunk: Uint8Array) => {
    if (over) return
    total += chunk.length
    if (total > limits.maxOutputBytes) over = true
    else chunks.push(chunk)
  }
  // Fed in slices so that a bomb is noticed after at most one slice's output, not after the whole input. Deflate
  // expands at most about 1032:1 (a 258-byte match for as little as 2 bits, RFC 1951 §3.2.5), so 1 KiB in is at most
  // about 1 MiB out.
  const SLICE = 1024
  try {
    for (let at = 0; at < input.length && !over; at += SLICE) stream.push(input.subarray(at, at + SLICE), at + SLICE >= input.length)
  } catch (e) {
    throw new CodecError(`not valid ${kind === 'deflate' ? 'deflate' : kind} data: ${(e as Error).message}`)
  }
  if (over) throw new CodecError(`the decompressed size passed the ${limitText(limits.maxOutputBytes)} limit; the message was not decoded`)
  return concat(chunks, total)
}

/** What BrotliDecompress reads from and writes to (brotli.js's dec/streams.js shapes). */
interface BrotliStreams {
  input: { read(buf: Uint8Array, at: number, count: number): number }
  output: { buffer: { length: number }; write(buf: Uint8Array, count: number): number }
}
const decompressBrotli = BrotliDecompress as (input: BrotliStreams['input'], output: BrotliStreams['output']) => void

class OverCap extends Error {}

/**
 * Brotli (RFC 7932). Brotli has no magic number, so it is never sniffed: a chain names it. Output is counted as the
 * decoder writes it (a window at a time), so a bomb is refused at the limit with memory bounded by it.
 */
export function unbrotli(input: Uint8Array, limits: CodecLimits): Uint8Array {
  if (!input.length) throw new CodecError('not valid brotli data: the payload is empty', 0)
  let pos = 0
  const chunks: Uint8Array[] = []
  let total = 0
  const streams: BrotliStreams = {
    input: {
      read(buf, at, count) {
        const n = Math.min(count, input.length - pos)
        buf.set(input.subarray(pos, pos + n), at)
        pos += n
        return n
      }
    },
    output: {
      // The decoder grows `buffer` to fit each meta-block before writing it; a buffer that is never too small keeps
      // it from allocating (the writes below hold the bytes).
      buffer: { length: Number.POSITIVE_INFINITY },
      write(buf, count) {
        total += count
        if (total > limits.maxOutputBytes) throw new OverCap()
        chunks.push(buf.slice(0, count))
        return count
      }
    }
  }
  try {
    decompressBrotli(streams.input, streams.output)
  } catch (e) {
    if (e instanceof OverCap)
      throw new CodecError(`the decompressed size passed the ${limitText(limits.maxOutputBytes)} limit; the message was not decoded`)
    throw new CodecError(`not valid brotli data: ${(e as Error).message}`)
  }
  return concat(chunks, total)
}

export function isZlibHeader(b: Uint8Array): boolean {
  return b.length >= 2 && (b[0] & 0x0f) === 8 && b[0] >> 4 <= 7 && ((b[0] << 8) | b[1]) % 31 === 0
}

export function compress(kind: 'gzip' | 'zlib' | 'deflate', input: Uint8Array): Uint8Array {
  return kind === 'gzip' ? gzipSync(input) : kind === 'zlib' ? zlibSync(input) : deflateSync(input)
}

export function concat(chunks: Uint8Array[], total = chunks.reduce((n, c) => n + c.length, 0)): Uint8Array {
  if (chunks.length === 1) return chunks[0]
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}
