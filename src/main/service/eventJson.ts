/**
 * Each event is turned into JSON once on the main side: the recording writes that line, and the bridge reuses
 * it in its frame. Large payloads travel shrunk to the renderer, so shrunk copies (new objects) miss the cache
 * and are serialised on their own.
 */
import type { SockEvent } from '../../shared/events'
import { eventToWire } from '../../shared/wire'

const cache = new WeakMap<SockEvent, string>()

export function eventJson(e: SockEvent): string {
  let s = cache.get(e)
  if (s === undefined) {
    s = JSON.stringify(eventToWire(e))
    cache.set(e, s)
  }
  return s
}

/** The bridge's event frame, `{"t":"ev","b":[...]}`, built from the cached lines. */
export function eventFrame(batch: SockEvent[]): string {
  let out = '{"t":"ev","b":['
  for (let i = 0; i < batch.length; i++) out += (i ? ',' : '') + eventJson(batch[i])
  return out + ']}'
}
