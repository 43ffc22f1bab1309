/**
 * Issue 15, the settings form's part of validation: subprotocols split on commas and/or spaces, a nameless row with
 * a value is kept for the check to refuse (not dropped), and rows are named as the editor numbers them.
 */
import { describe, expect, it } from 'vitest'
import { draftToOptions, newDraft } from '../../src/renderer/src/mappers/draft'
import { rowsProblem } from '../../src/renderer/src/mappers/draftCheck'
import { validateConnectionOptions } from '../../src/shared/schema'

describe('the settings form', () => {
  it('offers a space-separated subprotocol list as separate subprotocols', () => {
    const d = newDraft('ws://127.0.0.1:1/')
    d.subprotocols = 'chat  superchat,v2.json'
    expect(validateConnectionOptions(draftToOptions(d)).subprotocols).toEqual(['chat', 'superchat', 'v2.json'])
  })

  it('refuses a header with a value but no name, numbered as the editor shows it, instead of dropping it', () => {
    const d = newDraft('ws://127.0.0.1:1/')
    d.headers.push({ name: '', value: '' }, { name: '  ', value: 'abc' })
    // The empty row is left out; the nameless one with a value is kept, for the check to refuse.
    expect(draftToOptions(d).headers).toEqual([{ name: '', value: 'abc' }])
    // The editor numbers it 2 (after an empty row); the host, which never sees the empty row, numbers it 1.
    expect(rowsProblem(d, true)).toBe(
      'Header 2 name: a header with a value needs a name; type the name, or clear the value to drop the row'
    )
    expect(rowsProblem(d, false)).toMatch(/^Header 2 name: a header with a value needs a name/)
    expect(() => validateConnectionOptions(draftToOptions(d))).toThrow(/headers\.0\.name: a header with a value needs a name/)
    d.headers[1].value = ''
    expect(rowsProblem(d, true)).toBeNull()
    expect(draftToOptions(d).headers).toBeUndefined()
  })

  it('refuses a query parameter with a value but no name', () => {
    const d = newDraft('ws://127.0.0.1:1/')
    d.query.push({ name: '', value: 'v' })
    expect(draftToOptions(d).query).toEqual([{ name: '', value: 'v' }])
    expect(rowsProblem(d, true)).toMatch(/^Query parameter 1 name: a query parameter with a value needs a name/)
  })

  it('refuses a non-ASCII header value when sending, and lets a profile keep it', () => {
    const d = newDraft('ws://127.0.0.1:1/')
    d.headers.push({ name: 'X-A', value: 'ok' }, { name: 'X-B', value: 'naïve' })
    expect(rowsProblem(d, true)).toMatch(/^Header 2 value: character 3 \("ï"\) is not US-ASCII: .*RFC 9110 §5\.5.*percent-encode/)
    expect(rowsProblem(d, false)).toBeNull()
  })
})
