/**
 * The scenario format (src/scenario): the JSON Schema itself, reading YAML into steps with their lines, every kind
 * of bad input refused with the file, line, column and a sentence in the user's words. The matchers and --env-file
 * are in scenarioMatchers.test.ts.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import Ajv2020 from 'ajv/dist/2020.js'
import schema from '../../schemas/scenario.schema.json'
import { parseScenario, type ParseContext } from '../../src/scenario/parse'
import { parseDuration, type Step } from '../../src/scenario/format'
import type { ScenarioInputError } from '../../src/scenario/types'
import { refusal as refuse } from '../helpers/scenarioRefusal'

const FIXTURES = join(__dirname, '..', 'fixtures', 'scenarios')
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8')

const CTX: ParseContext = { vars: { url: 'ws://127.0.0.1:9' } }

const refusal = (text: string, ctx: ParseContext = CTX): ScenarioInputError => refuse(text, ctx)

const kinds = (steps: Step[]): string[] => steps.flatMap((s) => (s.kind === 'repeat' ? [s.kind, ...kinds(s.steps)] : [s.kind]))

describe('the JSON Schema', () => {
  it('is a valid draft 2020-12 schema and accepts every fixture that is meant to run', () => {
    const validate = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true }).compile(schema)
    for (const name of ['echo.yaml', 'chat.yaml', 'wrong-reply.yaml']) {
      const doc = parseScenario(fixture(name), name, CTX)
      expect(doc.steps.length).toBeGreaterThan(0)
    }
    expect(validate({ steps: [{ send: 'x' }] })).toBe(true)
    expect(validate({ steps: [{ sned: 'x' }] })).toBe(false)
  })
  it('describes every step kind, for the editor to offer', () => {
    const step = (schema.$defs.step as { properties: Record<string, unknown> }).properties
    expect(Object.keys(step).sort()).toEqual(
      ['name', 'connect', 'close', 'wait', 'send', 'expect', 'expect-none', 'expect-close', 'expect-pong', 'extract', 'repeat'].sort()
    )
  })
})

describe('reading a scenario', () => {
  it('turns each step into its kind, with its line, its path and the connection it is on', () => {
    const s = parseScenario(fixture('echo.yaml'), 'echo.yaml', CTX)
    expect(s.name).toBe('Echo round trips')
    expect(s.env).toEqual({ user: 'ada' })
    expect(kinds(s.steps)).toEqual([
      'connect', 'send', 'expect', 'send', 'expect', 'send', 'expect', 'send', 'expect', 'extract', 'send', 'expect', 'send',
      'expect', 'send', 'expect', 'repeat', 'send', 'expect', 'expect-none', 'expect-pong', 'close'
    ]) // prettier-ignore
    const lines = fixture('echo.yaml').split('\n')
    for (const step of s.steps) expect(lines[step.line - 1]).toMatch(new RegExp(`^\\s*- (name|${step.kind}):`))
    const repeat = s.steps.find((x) => x.kind === 'repeat')!
    expect(repeat.kind === 'repeat' && repeat.steps.map((x) => [x.path, x.line])).toEqual([
      ['17.1', 25],
      ['17.2', 26]
    ])
    expect(s.steps.every((x) => !('on' in x) || x.on === 'main')).toBe(true)
    const second = s.steps[1]
    expect(second.kind === 'send' && second.payload).toEqual({ text: 'hello' })
    const expectAck = s.steps[6]
    expect(expectAck.kind === 'expect' && expectAck.match).toEqual({ match: '$.type == "ack" && $.n > 2' })
    const timed = s.steps[2]
    expect(timed.kind === 'expect' && timed.timeoutMs).toBe(2000) // the file's `timeout: 2s`
  })
  it('reads connection definitions, header mappings and named connections', () => {
    const s = parseScenario(fixture('chat.yaml'), 'chat.yaml', CTX)
    expect(s.connections.alice).toEqual({ url: '{{url}}/chat', headers: [{ name: 'X-User', value: 'alice' }] })
    const connects = s.steps.filter((x) => x.kind === 'connect')
    expect(connects.map((c) => c.kind === 'connect' && [c.as, c.source.definition])).toEqual([
      ['alice', 'alice'],
      ['bob', 'bob']
    ])
    const onBob = s.steps.filter((x) => 'on' in x && x.on === 'bob').map((x) => x.kind)
    expect(onBob).toEqual(['expect', 'expect', 'send', 'expect-none', 'send', 'expect-close'])
  })
  it('reads the example that documents the format (format.ts) as it is written there', () => {
    const source = readFileSync(join(__dirname, '..', '..', 'src', 'scenario', 'format.ts'), 'utf8')
    const block = /```yaml\n([^]*?)```/.exec(source)![1].replace(/^ \* ?/gm, '')
    const profiles = {
      where: 'here',
      names: () => ['Chat staging'],
      find: () => ({ options: { url: 'ws://127.0.0.1:9/chat' }, missingSecrets: [] })
    }
    const s = parseScenario(block, 'format.ts', { vars: { token: 't', room: 'r' }, profiles })
    expect(kinds(s.steps)).toEqual([
      'connect', 'connect', 'connect', 'connect', 'send', 'send', 'send', 'expect', 'expect', 'expect', 'extract', 'extract',
      'send', 'expect-none', 'expect-pong', 'repeat', 'send', 'expect', 'wait', 'close', 'expect-close'
    ]) // prettier-ignore
    const within = s.steps[9]
    expect(within.kind === 'expect' && [within.withinMs, within.match.regex?.flags]).toEqual([2000, 'i'])
  })
  it('takes durations as milliseconds or text', () => {
    expect([parseDuration(250), parseDuration('250ms'), parseDuration('2s'), parseDuration('1.5m'), parseDuration('soon')]).toEqual([
      250,
      250,
      2000,
      90_000,
      null
    ])
    fc.assert(fc.property(fc.nat(100_000), (n) => parseDuration(`${n}ms`) === n && parseDuration(`${n}s`) === n * 1000))
  })
})

describe('bad input', () => {
  /** [what, YAML, line, column or undefined, the words the message must have] */
  const cases: Array<[string, string, number, number | undefined, RegExp]> = [
    ['YAML syntax', 'steps:\n  - send: { text: hi\n  - wait: 1\n', 3, 3, /the YAML cannot be read: Flow map .* Check the indentation/],
    ['a repeated key', 'steps:\n  - send: hi\n    send: ho\n', 3, 5, /appears twice/],
    ['not a mapping', '- send: hi\n', 1, 1, /a scenario is a mapping with at least "steps:"/],
    ['no steps', 'name: x\n', 1, 1, /the scenario needs "steps"/],
    [
      'a typo in a kind',
      'steps:\n  - connect: "{{url}}"\n  - sned: hi\n',
      3,
      5,
      /step 2 is "sned", which is not a kind of step \(did you mean "send"\?\)/
    ],
    [
      'a typo in a setting',
      'steps:\n  - connect: "{{url}}"\n  - expect: { contans: x }\n',
      3,
      15,
      /step 2 \(expect\) has "contans".*did you mean "contains"/
    ],
    [
      'two kinds in one step',
      'steps:\n  - connect: "{{url}}"\n  - send: hi\n    expect: hi\n',
      3,
      5,
      /has both send and expect: a step does one thing/
    ],
    [
      'two payloads',
      'steps:\n  - connect: "{{url}}"\n  - send: { text: a, json: 1 }\n',
      3,
      11,
      /takes only one of text, json, binary, base64, socketio, graphql, stomp, mqtt, signalr, not text and json/
    ],
    [
      'a number YAML read from hex',
      'steps:\n  - connect: "{{url}}"\n  - send: { binary: 010203 }\n',
      3,
      21,
      /must be text \(write it in quotes: "010203"\)/
    ],
    [
      'hex that is not hex',
      'steps:\n  - connect: "{{url}}"\n  - send: { binary: "0g" }\n',
      3,
      21,
      /"binary" of step 2 \(send\) is not hex/
    ],
    ['a close code out of range', 'steps:\n  - connect: "{{url}}"\n  - close: 999\n', 3, 12, /1000, or 3000-4999/],
    ['a duration that is not one', 'steps:\n  - wait: soon\n', 2, 11, /step 1 \(wait\) must be a duration/],
    [
      'a bad regular expression',
      'steps:\n  - connect: "{{url}}"\n  - expect: { regex: "(" }\n',
      3,
      22,
      /is not a valid regular expression/
    ],
    [
      'a bad field expression',
      'steps:\n  - connect: "{{url}}"\n  - expect: { match: "$.type = 1" }\n',
      3,
      22,
      /The field expression "\$\.type = 1" has a part it cannot read/
    ],
    ['a codec that is none', 'steps:\n  - connect: "{{url}}"\n  - expect: { codec: zip, json: {} }\n', 3, 22, /"zip" is not a codec/],
    [
      'a codec that cannot send',
      'steps:\n  - connect: "{{url}}"\n  - send: { json: 1, codec: gzip }\n',
      3,
      29,
      /a chain that sends ends with json, msgpack, cbor/
    ],
    ['no connection yet', 'steps:\n  - send: hi\n', 2, 11, /step 1 \(send\) has no connection to work on: put a connect step before it/],
    [
      'an unknown connection',
      'steps:\n  - connect: { url: "{{url}}", as: alice }\n  - send: { on: bob, text: hi }\n',
      3,
      17,
      /is on "bob", which no connect step before it opens \(opened so far: alice\)/
    ],
    ['an undefined definition', 'steps:\n  - connect: alice\n', 2, 14, /opens "alice", which the file's connections do not define/],
    [
      'an undefined variable',
      'steps:\n  - connect: "{{url}}"\n  - send: "hi {{who}}"\n',
      3,
      11,
      /step 2 \(send\) uses \{\{who\}\}, which is defined nowhere/
    ],
    [
      'a bad URL, at its line',
      'steps:\n  - connect:\n      as: x\n      url: "http://{{host}}/a"\nenv:\n  host: example.test\n',
      4,
      12,
      /step 1 \(connect\), URL: http:\/\/ is for web pages, not WebSockets; use ws:\/\/example\.test\/a/
    ],
    [
      'a bad header name, at its key',
      'steps:\n  - connect:\n      url: "{{url}}"\n      headers:\n        "bad name": x\n',
      5,
      9,
      /Header 1 name: "bad name" is not a valid header name/
    ],
    [
      'a bad header in a definition',
      'connections:\n  a:\n    url: "{{url}}"\n    origin: "x\\ny"\nsteps:\n  - connect: a\n',
      4,
      13,
      /\(connection "a"\), Origin/
    ],
    [
      'a regex group too many',
      'steps:\n  - connect: "{{url}}"\n  - extract: { regex: "a(b)", group: 2, into: x }\n',
      3,
      38,
      /asks for group 2, but the regular expression has 1/
    ],
    [
      'an extract path without $',
      'steps:\n  - connect: "{{url}}"\n  - extract: { path: id, into: x }\n',
      3,
      22,
      /must be a path into the JSON message starting with \$/
    ],
    [
      'a repeat with neither times nor for',
      'steps:\n  - connect: "{{url}}"\n  - repeat: { steps: [ { send: x } ] }\n',
      3,
      13,
      /step 2 \(repeat\) needs one of times, for/
    ],
    ['an empty block', 'steps:\n  - repeat: { times: 2, steps: [] }\n', 2, 32, /"steps" of step 1 \(repeat\) must list at least one step/],
    ['an env name that is not one', 'env:\n  "a b": 1\nsteps:\n  - wait: 1\n', 2, 3, /has the name "a b", which is not a variable name/]
  ]
  it.each(cases)('%s: says where and what', (_what, text, line, column, words) => {
    const e = refusal(text)
    expect(e.message).toMatch(words)
    expect([e.file, e.line]).toEqual(['bad.yaml', line])
    if (column !== undefined) expect(e.column).toBe(column)
    expect(e.message.startsWith(`bad.yaml:${line}:`)).toBe(true)
    // Never the machine's words for a place.
    expect(e.message).not.toMatch(/\/steps\/|instancePath|argument \d|must NOT have|options\./)
  })
  it('names a missing saved profile and lists those there are', () => {
    const profiles = { where: 'the data folder /d', names: () => ['Chat staging', 'Prices'], find: () => undefined }
    const e = refusal('steps:\n  - connect: { profile: Chat prod }\n', { profiles })
    expect(e.message).toMatch(
      /bad\.yaml:2:25: "profile" of step 1 \(connect\) names the saved profile "Chat prod", which the data folder \/d does not have\. Its profiles: "Chat staging", "Prices"\./
    )
  })
  it('checks a profile-based connection with its profile options', () => {
    const profiles = { where: 'here', names: () => ['P'], find: () => ({ options: { url: 'ftp://x' }, missingSecrets: [] }) }
    expect(refusal('steps:\n  - connect: { profile: P }\n', { profiles }).message).toMatch(
      /step 1 \(connect\) \(its profile\), URL: the scheme ftp:/
    )
  })
  it('accepts variables given from outside, and leaves later ones to run time', () => {
    expect(() => parseScenario('steps:\n  - connect: "{{url}}"\n', 'ok.yaml', { vars: { url: 'ws://127.0.0.1:1' } })).not.toThrow()
    // {{token}} comes from an extract, so the options cannot be checked yet (and are not refused).
    const later =
      'steps:\n  - connect: "{{url}}"\n  - extract: { path: $.t, into: token }\n  - connect: { url: "{{url}}?t={{token}}", as: b }\n'
    expect(() => parseScenario(later, 'ok.yaml', CTX)).not.toThrow()
  })
})
