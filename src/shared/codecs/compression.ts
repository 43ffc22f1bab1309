/**
 * gzip (RFC 1952), zlib (RFC 1950) and raw deflate (RFC 1951) through fflate's streaming inflaters, so the output
 * is counted as it is produced and a small payload that would inflate to gigabytes is refused at the limit, with
 * memory bounded by it (a decompression bomb).
 */
import { Gunzip, Inflate, Unzlib, gzipSync, deflateSync, zlibSync } from 'fflate'
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
