/**
 * Completion in the scenario editor: names come from the scenario schema, chosen by where the cursor is in the
 * (possibly half-typed) YAML: step kinds after `- ` under steps (also in a repeat's block), a step kind's settings
 * under it, top-level keys at the left edge, nothing in a value.
 */
import { describe, expect, it } from 'vitest'
import { scenarioCompletions } from '../../src/renderer/src/lib/scenarioCompletion'

/** Completes at the `|` in `doc`. */
function at(doc: string): { from: number; labels: string[] } | null {
  const pos = doc.indexOf('|')
  const r = scenarioCompletions(doc.replace('|', ''), pos)
  return r && { from: r.from, labels: r.options.map((o) => o.label) }
}

describe('scenario completion', () => {
  it('offers the step kinds after a dash under steps, filtered by what is typed, with their descriptions', () => {
    const r = at('steps:\n  - connect: ws://x\n  - ex|')
    expect(r?.labels).toEqual(['expect', 'expect-none', 'expect-close', 'expect-pong', 'extract'])
    expect(r?.from).toBe('steps:\n  - connect: ws://x\n  - '.length)
    const all = scenarioCompletions('steps:\n  - ', 'steps:\n  - '.length)
    expect(all?.options.map((o) => o.label)).toEqual(
      expect.arrayContaining(['connect', 'send', 'expect', 'repeat', 'close', 'wait', 'name'])
    )
    expect(all?.options.find((o) => o.label === 'wait')?.info).toBe('Pause for a while.')
  })

  it('offers the step kinds inside a repeat block, and a kind’s settings under it', () => {
    expect(at('steps:\n  - repeat:\n      times: 3\n      steps:\n        - se|')?.labels).toEqual(['send'])
    const settings = at('steps:\n  - expect:\n      within: 2s\n      |')?.labels ?? []
    expect(settings).toEqual(expect.arrayContaining(['on', 'within', 'timeout']))
    expect(settings).not.toContain('send')
    // A setting on the same line as the dash's key is a sibling of that key: the step's own names.
    expect(at('steps:\n  - send: hi\n    na|')?.labels).toEqual(['name'])
  })

  it('offers the top-level keys at the left edge, and nothing inside a value or a comment', () => {
    expect(at('name: x\nst|')?.labels).toEqual(['steps'])
    expect(at('|')?.labels).toEqual(expect.arrayContaining(['name', 'env', 'connections', 'timeout', 'steps']))
    expect(at('steps:\n  - send: he|')).toBeNull()
    expect(at('# st|')).toBeNull()
    expect(at('steps:\n  - zz|')).toBeNull()
  })
})
