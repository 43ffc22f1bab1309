/**
 * The mock server's matching rule (src/scenario/mockMatch.ts, fast-check): a client message equals the recorded one
 * when only volatile values (ids, times) differ, and the replies carry the new values over; any other change
 * differs; text that is not JSON is compared with its volatile parts masked, bytes exactly.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { randomUUID } from 'node:crypto'
import { carryOver, compareMessages } from '../../src/scenario/mockMatch'

describe('the matching rule', () => {
  const volatileLeaf = fc.oneof(
    fc.uuid().map((u) => ['uuid', u] as const),
    fc.date({ min: new Date('2001-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => ['at', d.toISOString()] as const),
    fc.integer({ min: 1_000_000_000_000, max: 9_999_999_999_999 }).map((n) => ['ts', n] as const),
    fc.integer({ min: 0, max: 1_000_000 }).map((n) => ['requestId', n] as const)
  )
  const stable = fc.dictionary(fc.constantFrom('op', 'topic', 'count', 'name', 'flags'), fc.oneof(fc.string(), fc.integer(), fc.boolean()))

  it('a JSON message equals the recorded one when only volatile values differ, and the replies get the new values', () => {
    fc.assert(
      fc.property(stable, volatileLeaf, fc.integer({ min: 0, max: 1_000_000 }), (body, [key, recordedValue], seed) => {
        const liveValue =
          typeof recordedValue === 'number'
            ? key === 'ts'
              ? 1_000_000_000_000 + seed
              : seed
            : key === 'uuid'
              ? randomUUID()
              : new Date(seed * 1000).toISOString()
        const recorded = JSON.stringify({ ...body, [key]: recordedValue })
        const live = JSON.stringify({ ...body, [key]: liveValue })
        const c = compareMessages(recorded, live)
        expect(c.equal).toBe(true)
        const reply = carryOver(JSON.stringify({ [key]: recordedValue, echo: body }), c.carry)
        expect(JSON.parse(reply as string)).toEqual({ [key]: liveValue, echo: body })
      })
    )
  })

  it('a change to a value that is not volatile makes them differ', () => {
    fc.assert(
      fc.property(stable, fc.constantFrom('op', 'topic', 'name'), fc.string(), fc.string(), (body, key, a, b) => {
        fc.pre(a !== b && !/^[0-9a-f-]{16,}$|^\d{10}/i.test(a + b))
        expect(compareMessages(JSON.stringify({ ...body, [key]: a }), JSON.stringify({ ...body, [key]: b })).equal).toBe(false)
      })
    )
  })

  it('text that is not JSON matches once UUIDs, times and long numbers are masked; bytes must be equal', () => {
    expect(
      compareMessages('SUB 1716200000123 a1b2c3d4-0000-4000-8000-000000000001', 'SUB 1716200099999 ffffffff-0000-4000-8000-00000000abcd')
        .equal
    ).toBe(true)
    expect(compareMessages('SUB prices', 'SUB weather').equal).toBe(false)
    expect(compareMessages(new Uint8Array([1, 2]), new Uint8Array([1, 2])).equal).toBe(true)
    expect(compareMessages(new Uint8Array([1, 2]), new Uint8Array([1, 3])).equal).toBe(false)
    expect(compareMessages('ab', new Uint8Array([0x61, 0x62])).equal).toBe(false)
    expect(compareMessages('42["join",{"room":"a","ts":1716200000}]', '42["join",{"room":"a","ts":1716209999}]').equal).toBe(true)
  })
})
