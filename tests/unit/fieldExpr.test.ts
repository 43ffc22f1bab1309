/**
 * Field expressions (`$.type == "trade"`, `exists($.error)`): paths into objects, arrays, maps and Protobuf fields,
 * comparisons as JSON literals, errors in the user's words, and the text pre-test never turning away a match.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { compileFieldExpr, looksLikeFieldExpr, mustContain } from '../../src/shared/fieldExpr'

const t = (expr: string, v: unknown): boolean => compileFieldExpr(expr).test(v)

describe('field expressions', () => {
  const trade = { type: 'trade', price: 101.5, book: { bids: [[100, 2.5]] }, 'odd key': true, err: null }
  it('compares fields, indexes arrays and reads quoted names', () => {
    expect(t('$.type == "trade"', trade)).toBe(true)
    expect(t('$.type != "trade"', trade)).toBe(false)
    expect(t('$.price > 100', trade)).toBe(true)
    expect(t('$.price <= 100', trade)).toBe(false)
    expect(t('$.book.bids[0][1] >= 2.5', trade)).toBe(true)
    expect(t('$["odd key"] == true', trade)).toBe(true)
    expect(t('$.type =~ /^tr/i', trade)).toBe(true)
  })
  it('tells a missing field from a null one, and combines terms', () => {
    expect(t('exists($.err)', trade)).toBe(true)
    expect(t('exists($.error)', trade)).toBe(false)
    expect(t('!exists($.error) && $.type == "trade"', trade)).toBe(true)
    expect(t('$.type == "quote" || $.price > 100', trade)).toBe(true)
    expect(t('$.type == "quote" || $.price > 200', trade)).toBe(false)
    expect(t('$.nothing != 1', trade)).toBe(false)
  })
  it('reaches into Maps with number keys, big integers and Protobuf field numbers', () => {
    expect(t('$.m.1 == "x"', { m: new Map([[1, 'x']]) })).toBe(true)
    expect(t('$.n > 9007199254740992', { n: 2n ** 60n })).toBe(true)
    expect(t('$.#2 == "testing"', { '#1': 150, '#2': 'testing' })).toBe(true)
  })
  it('refuses what it cannot read, in words, naming the part', () => {
    expect(() => compileFieldExpr('$.type = "trade"')).toThrow(/cannot read: "\$\.type = "trade""/)
    expect(() => compileFieldExpr('$.type == trade')).toThrow(/trade, which is not a JSON value \(strings need "double quotes"\)/)
    expect(() => compileFieldExpr('$.a =~ /(/')).toThrow(/invalid regular expression/)
    expect(() => compileFieldExpr('$.a == {"b":1}')).toThrow(/compare one field at a time/)
  })
  it('is told apart from a text filter', () => {
    expect(looksLikeFieldExpr('$.type == "x"')).toBe(true)
    expect(looksLikeFieldExpr('exists($.a)')).toBe(true)
    expect(looksLikeFieldExpr('price $5')).toBe(false)
  })
})

describe('the text pre-test', () => {
  // Any JSON document and an expression on one of its own paths: when the expression matches the parsed text,
  // the pre-test must not have turned the text away (names with quotes or control characters force a parse).
  const doc = fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean()), {
    minKeys: 1,
    maxKeys: 6
  })
  it('never turns away a text the expression matches', () => {
    fc.assert(
      fc.property(doc, fc.nat(), fc.boolean(), (d, pick, useExists) => {
        const keys = Object.keys(d)
        const k = keys[pick % keys.length]
        const path = `$[${JSON.stringify(k)}]`
        const expr = compileFieldExpr(useExists ? `exists(${path})` : `${path} == ${JSON.stringify(d[k])}`)
        const text = JSON.stringify(d)
        expect(expr.test(JSON.parse(text))).toBe(true)
        expect(mustContain(expr, text)).toBe(true)
      })
    )
  })
  it('turns away a text without the name, so it is not parsed', () => {
    const expr = compileFieldExpr('$.type == "trade"')
    expect(mustContain(expr, '{"kind":"trade"}')).toBe(false)
    expect(mustContain(expr, '{"\\u0074ype":"trade"}')).toBe(true)
  })
})
