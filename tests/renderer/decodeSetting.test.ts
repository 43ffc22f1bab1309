/**
 * A connection's decode chains (per direction) travel from the settings form into its options and back, a saved
 * profile keeps them, a bad chain is refused naming the field as the panel does, and a row decodes through its
 * direction's chain where sniffing finds nothing.
 */
import { describe, expect, it } from 'vitest'
import { deflateSync } from 'fflate'
import { draftToOptions, newDraft } from '../../src/renderer/src/mappers/draft'
import { optionsToDraft } from '../../src/renderer/src/mappers/draftFromOptions'
import { validateConnectionOptions } from '../../src/shared/schema'
import { argumentLabel } from '../../src/shared/fieldLabels'
import { codecPreview } from '../../src/renderer/src/components/log/rowText'
import type { LogEntry } from '../../src/renderer/src/stores/messageLog'

describe('the decode setting', () => {
  it('goes into the options only when set, and comes back into the form', () => {
    const d = newDraft('ws://127.0.0.1:1/')
    expect(draftToOptions(d).decode).toBeUndefined()
    d.decodeIn = 'deflate → json'
    const o = draftToOptions(d)
    expect(o.decode).toEqual({ in: 'deflate → json' })
    expect(validateConnectionOptions(o).decode).toEqual({ in: 'deflate → json' })
    const back = optionsToDraft(o)
    expect([back.decodeIn, back.decodeOut]).toEqual(['deflate → json', ''])
  })

  it('refuses a chain it cannot read, in words, under the panel’s name for the field', () => {
    let err: (Error & { field?: string }) | null = null
    try {
      validateConnectionOptions({ url: 'ws://x', decode: { in: 'json → gzip' } })
    } catch (e) {
      err = e as Error & { field?: string }
    }
    expect(err?.message).toMatch(/JSON gives a value, not bytes/)
    expect(argumentLabel('connect', '0.decode.in')).toBe('Decode received messages as')
  })

  it('decodes a row through its direction’s chain where sniffing sees nothing', () => {
    const bytes = deflateSync(new TextEncoder().encode('{"a":1}'))
    const e: LogEntry = { seq: 1, ts: 1, dir: 'in', kind: 'binary', size: bytes.byteLength, data: bytes }
    expect(codecPreview(e, null)).toBeNull()
    expect(codecPreview(e, null, 'deflate → json')).toEqual({ badge: 'deflate→json', text: '{"a":1}' })
    // A changed setting decodes again rather than reusing the earlier answer.
    expect(codecPreview(e, null, 'msgpack')).toBeNull()
  })
})
