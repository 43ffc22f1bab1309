/**
 * Dynamic variables (issue 18): `{{$uuid}}`, `{{$timestamp}}`, `{{$isoTimestamp}}`, `{{$randomInt}}` give a fresh
 * value at each resolution; `{{$counter}}` comes from the caller (a Repeat run) and is explained when it has none;
 * an environment's own variable of the same name wins, as every other variable does.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { COUNTER, resolveDeep, unresolvedMessage } from '../../src/shared/variables'

const resolve = (text: string, vars: Map<string, string> = new Map()) => resolveDeep(text, vars)

describe('dynamic variables', () => {
  it('a fresh UUID each time, and the time now in two forms', () => {
    const before = Date.now()
    const { value, missing } = resolve('{{$uuid}} {{ $uuid }} {{$timestamp}} {{$isoTimestamp}}')
    expect(missing).toEqual([])
    const [a, b, ts, iso] = value.split(' ')
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(a).not.toBe(b)
    expect(Number(ts)).toBeGreaterThanOrEqual(Math.floor(before / 1000))
    expect(Number(ts)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000))
    expect(Date.parse(iso)).toBeGreaterThanOrEqual(before - 1)
    expect(iso).toMatch(/Z$/)
  })

  it('a random whole number from 0 to 1000, inside JSON too (any number of uses)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), (n) => {
        const { value } = resolveDeep({ values: Array.from({ length: n }, () => '{{$randomInt}}') }, new Map())
        for (const v of value.values) {
          expect(v).toMatch(/^\d+$/)
          expect(Number(v)).toBeLessThanOrEqual(1000)
        }
      })
    )
  })

  it('$counter comes from the caller; without one it is explained, not sent', () => {
    expect(resolve('#{{$counter}}', new Map([[COUNTER, '3']])).value).toBe('#3')
    const { value, missing } = resolve('#{{$counter}}')
    expect([value, missing]).toEqual(['#{{$counter}}', ['$counter']])
    expect(unresolvedMessage(missing, 'This message')).toBe(
      'This message uses {{$counter}}, which counts the sends of a Repeat run: send it with Repeat…, or use another variable.'
    )
    // An unknown dynamic name is unresolved like any other name.
    expect(resolve('{{$nope}}').missing).toEqual(['$nope'])
  })

  it("an environment's own variable wins over a dynamic one of the same name", () => {
    expect(resolve('{{$uuid}}', new Map([['$uuid', 'fixed']])).value).toBe('fixed')
  })
})
