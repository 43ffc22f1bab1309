/**
 * The editor's problems: every place that does not fit the schema, in document order, one per step (a repeat's own
 * settings and a wrong step in its block are two); a YAML that cannot be read says where; once the schema fits,
 * the parse's own problem (an undefined variable).
 */
import { describe, expect, it } from 'vitest'
import { scenarioProblems } from '../../src/scenario/problems'

describe('scenario problems for the editor', () => {
  it('reports each wrong step, in order, with its line', () => {
    const text = [
      'steps:',
      '  - sned: hello',
      '  - expect: hi',
      '  - close: { code: "soon" }',
      '  - repeat:',
      '      times: two',
      '      steps:',
      '        - wiat: 1s'
    ].join('\n')
    const problems = scenarioProblems(text, 'a.yaml')
    expect(problems.map((p) => p.line)).toEqual([2, 4, 6, 8])
    expect(problems[0].message).toMatch(/step 1 is "sned", which is not a kind of step \(did you mean "send"\?\)/)
    expect(problems[1].message).toMatch(/step 3 \(close\)/)
    expect(problems[2].message).toMatch(/"times" of step 4 \(repeat\) must be a whole number/)
    expect(problems[3].message).toMatch(/step 4\.1 is "wiat".*did you mean "wait"/)
  })

  it('says where the YAML cannot be read, and gives the parse’s problem once the schema fits', () => {
    expect(scenarioProblems('steps:\n  - send: [unclosed\n', 'a.yaml')).toMatchObject([
      { message: expect.stringMatching(/YAML cannot be read/) }
    ])
    const undefinedVar = scenarioProblems('steps:\n  - connect: "{{nowhere}}"\n', 'a.yaml')
    expect(undefinedVar).toHaveLength(1)
    expect(undefinedVar[0]).toMatchObject({ line: 2, message: expect.stringMatching(/nowhere/) })
    expect(scenarioProblems('steps:\n  - connect: ws://127.0.0.1:1/\n  - close: {}\n', 'a.yaml')).toEqual([])
  })
})
