/** The Node half of the harness's IPC crossing: Electron's structured clone, then the codec the page shares. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInThisContext } from 'node:vm'
import { deserialize, serialize } from 'node:v8'

export const CODEC_SOURCE = readFileSync(join(import.meta.dirname, '..', 'page', 'codec.js'), 'utf8')

interface Codec {
  encode(value: unknown): unknown
  decode(tree: unknown): unknown
}

const codec: Codec = (() => {
  const g = globalThis as { __sockscopeHarnessCodec?: Codec }
  runInThisContext(CODEC_SOURCE, { filename: 'tests/desktop/page/codec.js' })
  const c = g.__sockscopeHarnessCodec!
  delete g.__sockscopeHarnessCodec
  return c
})()

export class CloneError extends Error {}

/**
 * What the other side receives of `values`: Electron serialises IPC arguments and results with the structured clone
 * algorithm (v8's serializer in the main process), so a function or a symbol fails here, a class instance arrives
 * as a plain object and a Buffer as a Uint8Array.
 */
export function encodeClone(values: unknown[]): unknown {
  let cloned: unknown[]
  try {
    cloned = deserialize(serialize(values)) as unknown[]
  } catch (err) {
    throw new CloneError((err as Error).message)
  }
  return codec.encode(cloned)
}

export function decode(tree: unknown): unknown[] {
  return codec.decode(tree) as unknown[]
}
