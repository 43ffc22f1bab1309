/**
 * Issue 18, "failed with the diff": a failed `json:` match as the expected subset and the received value side by
 * side, marked where they part; and the lines the command line prints from it.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DIFF_MAX_LINES, jsonDiff } from '../../src/scenario/jsonDiff'
import { compileMatch } from '../../src/scenario/matchers'
import { diffLines } from '../helpers/diffLines'

const marked = (side: { lines: string[]; mark: number }): string => side.lines[side.mark]

describe('jsonDiff', () => {
  it('prints each side as JSON.stringify(v, null, 2) does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const d = jsonDiff(v, v, '$')
        expect(d.received.lines).toEqual(JSON.stringify(v, null, 2).split('\n'))
        expect(d.received.mark).toBe(0)
      })
    )
  })

  it('marks the member that differs on both sides', () => {
    const text = JSON.stringify({ type: 'ack', id: 7, args: [{ ok: true, echo: 'yo' }] })
    const d = compileMatch({ json: { type: 'ack', args: [{ ok: false }] } }).diff({ kind: 'text', data: text })!
    expect(d.at).toBe('$.args[0].ok')
    expect(marked(d.expected)).toBe('      "ok": false')
    expect(marked(d.received)).toBe('      "ok": true,')
    expect([d.expected.exact, d.received.exact]).toEqual([true, true])
  })

  it('marks a missing member at its parent on the received side, and says it is not there', () => {
    const d = compileMatch({ json: { user: { name: 'dave', room: 'lobby' } } }).diff({
      kind: 'text',
      data: '{"type":"welcome","user":{"name":"dave"}}'
    })!
    expect(d.at).toBe('$.user.room')
    expect(marked(d.expected)).toBe('    "room": "lobby"')
    expect(d.received.exact).toBe(false)
    expect(marked(d.received)).toBe('  "user": {')
  })

  it('gives no diff when the JSON holds (another check failed), when there is no json:, or when the message is not JSON', () => {
    const ack = { kind: 'text' as const, data: '{"type":"ack"}' }
    expect(compileMatch({ json: { type: 'ack' }, contains: 'nope' }).diff(ack)).toBeNull()
    expect(compileMatch({ contains: 'nope' }).diff(ack)).toBeNull()
    expect(compileMatch({ json: { type: 'ack' } }).diff({ kind: 'text', data: 'hello' })).toBeNull()
  })

  it('keeps a window of a long value around the line that differs, and says how much it left out', () => {
    const received = Array.from({ length: 1000 }, (_, i) => i)
    const expected = received.map((n) => (n === 700 ? -1 : n))
    const d = jsonDiff(expected, received, '$[700]')
    expect(d.received.lines).toHaveLength(DIFF_MAX_LINES)
    expect(d.received.total).toBe(1002)
    expect(d.received.from).toBe(701 - DIFF_MAX_LINES / 2)
    expect(marked(d.received)).toBe('  700,')
    expect(marked(d.expected)).toBe('  -1,')
  })

  it('the command line prints the two marked lines under the failure', () => {
    const diff = jsonDiff({ ok: false, room: 'a' }, { ok: false }, '$.room')
    expect(diffLines(diff)).toEqual(['  where they part, $.room:', '    expected: "room": "a"', '    received: (missing)'])
  })
})
