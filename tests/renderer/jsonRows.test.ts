import { describe, expect, it } from 'vitest'
import { AUTO_OPEN_CHILDREN, JsonRowModel, MAX_TEXT, childPath, scalarText, type JsonRow } from '../../src/renderer/src/lib/jsonRows'
import { JsonDocHost, type RowWindow } from '../../src/renderer/src/lib/jsonDocHost'
import { looksLikeJson, openJsonDoc } from '../../src/renderer/src/lib/jsonDoc'

/** Every row of a value flattened the slow, obvious way: a depth-first walk honouring `open`. */
function reference(value: unknown, open: (path: string) => boolean): Array<Pick<JsonRow, 'path' | 'depth' | 'key' | 'text'>> {
  const out: Array<Pick<JsonRow, 'path' | 'depth' | 'key' | 'text'>> = []
  const walk = (v: unknown, path: string, depth: number, key: string): void => {
    const container = typeof v === 'object' && v !== null
    const entries = container ? (Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v)) : []
    out.push({ path, depth, key, text: container ? (Array.isArray(v) ? `[${entries.length}]` : `{${entries.length}}`) : scalarText(v) })
    if (container && entries.length && open(path)) for (const [k, x] of entries) walk(x, childPath(path, k, Array.isArray(v)), depth + 1, k)
  }
  walk(value, '$', 0, '')
  return out
}
const shape = (rows: JsonRow[]): Array<Pick<JsonRow, 'path' | 'depth' | 'key' | 'text'>> =>
  rows.map(({ path, depth, key, text }) => ({ path, depth, key, text }))
const indexOf = (m: JsonRowModel, path: string): number => m.rows(0, m.count).findIndex((r) => r.path === path)

const sample = { user: { name: 'Ada', roles: ['admin', 'dev'], 'a b': { deep: [1, { x: null }] } }, n: 42, empty: {}, list: [] }

describe('JSON rows, flattened lazily', () => {
  it('opens the root and its children, as the old tree did, and shows values as text', () => {
    const m = new JsonRowModel(sample)
    const opened = new Set(['$', '$.user', '$.empty', '$.list'])
    expect(shape(m.rows(0, m.count))).toEqual(reference(sample, (p) => opened.has(p)))
    const ada = m.row(indexOf(m, '$.user.name'))!
    expect(ada).toMatchObject({ key: 'name', text: '"Ada"', kind: 'string', depth: 2, expandable: false, posInSet: 1, setSize: 3 })
    expect(m.row(indexOf(m, '$.user'))).toMatchObject({ expandable: true, expanded: true, parent: 0 })
    // Empty containers have nothing to open.
    expect(m.row(indexOf(m, '$.empty'))).toMatchObject({ text: '{0}', expandable: false, expanded: false })
    expect(m.row(0)).toMatchObject({ path: '$', key: '', depth: 0, parent: -1, posInSet: 1, setSize: 1 })
  })

  it('builds paths that address the value: dots for names, brackets for indices and other keys', () => {
    const m = new JsonRowModel(sample)
    m.expand(indexOf(m, '$.user["a b"]'))
    m.expand(indexOf(m, '$.user["a b"].deep'))
    m.expand(indexOf(m, '$.user["a b"].deep[1]'))
    expect(m.row(indexOf(m, '$.user["a b"].deep[1].x'))).toMatchObject({ key: 'x', text: 'null', depth: 5 })
    expect(childPath('$', '__proto__', false)).toBe('$.__proto__')
    expect(childPath('$', '1x', false)).toBe('$["1x"]')
    expect(childPath('$', 'say "hi"', false)).toBe('$["say \\"hi\\""]')
  })

  it('matches a plain depth-first walk after any sequence of expands and collapses', () => {
    const value = JSON.parse(
      JSON.stringify({ a: [{ b: [1, 2, { c: 'd' }] }, { e: {} }, [[[]]]], f: { g: { h: { i: [true, false] } } }, j: 'k' })
    )
    const m = new JsonRowModel(value)
    const opened = new Set(['$', '$.a', '$.f'])
    let seed = 7
    const rand = (n: number): number => (seed = (seed * 48271) % 2147483647) % n
    for (let step = 0; step < 400; step++) {
      const i = rand(m.count)
      const row = m.row(i)!
      if (!row.expandable) continue
      m.toggle(i)
      if (row.expanded) {
        // Collapsing forgets what was open below.
        for (const p of [...opened]) if (p === row.path || p.startsWith(row.path + '.') || p.startsWith(row.path + '[')) opened.delete(p)
      } else opened.add(row.path)
      expect(shape(m.rows(0, m.count))).toEqual(reference(value, (p) => opened.has(p)))
      // Each row names its parent, and the parent is one level up.
      for (const r of m.rows(0, m.count)) if (r.parent >= 0) expect(m.row(r.parent)!.depth).toBe(r.depth - 1)
    }
  })

  it('costs nothing per element until asked: a million-element array is one window away', () => {
    // Counted, not timed: the array's elements are read through a proxy, and only the asked window's are.
    let reads = 0
    const big = new Proxy(
      Array.from({ length: 1_000_000 }, (_, i) => ({ i })),
      { get: (t, k, r) => ((reads += typeof k === 'string' && /^\d+$/.test(k) ? 1 : 0), Reflect.get(t, k, r)) }
    )
    const m = new JsonRowModel(big)
    expect(m.count).toBe(1_000_001)
    const rows = m.rows(500_000, 500_050)
    expect(rows).toHaveLength(50)
    expect(rows[0]).toMatchObject({ index: 500_000, path: '$[499999]', key: '499999', text: '{1}', expanded: false, posInSet: 500_000 })
    m.expand(500_000)
    expect(m.row(500_001)).toMatchObject({ path: '$[499999].i', text: '499999', parent: 500_000, depth: 2 })
    expect(m.row(500_002)!.path).toBe('$[500000]')
    expect(m.collapse(500_000)).toBe(true)
    expect(m.count).toBe(1_000_001)
    expect(reads).toBeLessThan(200) // 50 rows and the one opened, not a million
  })

  it('opens the root’s children only when there are few of them', () => {
    const few = new JsonRowModel(Array.from({ length: AUTO_OPEN_CHILDREN }, () => ({ a: 1 })))
    expect(few.count).toBe(1 + AUTO_OPEN_CHILDREN * 2)
    const many = new JsonRowModel(Array.from({ length: AUTO_OPEN_CHILDREN + 1 }, () => ({ a: 1 })))
    expect(many.count).toBe(AUTO_OPEN_CHILDREN + 2)
  })

  it('cuts long strings in the row but copies them whole, and pretty-prints containers', () => {
    const long = 'x'.repeat(MAX_TEXT * 3)
    const m = new JsonRowModel({ long, obj: { a: [1] } })
    const row = m.row(indexOf(m, '$.long'))!
    expect(row.text.length).toBeLessThan(MAX_TEXT + 40)
    expect(row.text).toContain(`(${MAX_TEXT * 3} characters)`)
    expect(m.valueText(indexOf(m, '$.long'))).toBe(JSON.stringify(long))
    expect(m.valueText(indexOf(m, '$.obj'))).toBe(JSON.stringify({ a: [1] }, null, 2))
  })

  it('keeps hostile keys as plain data', () => {
    const m = new JsonRowModel(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'))
    expect(m.row(1)).toMatchObject({ key: '__proto__', path: '$.__proto__', text: '{1}', expanded: true })
    expect(m.row(2)).toMatchObject({ key: 'polluted', text: 'true' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('the JSON document service', () => {
  it('parses text sent in pieces, answers windows and toggles, and forgets closed documents', () => {
    const host = new JsonDocHost()
    const text = JSON.stringify(sample)
    expect(host.handle({ t: 'append', doc: 1, text: text.slice(0, 10) })).toEqual({ ok: true, v: null })
    const model = new JsonRowModel(sample)
    expect(host.handle({ t: 'open', doc: 1, text: text.slice(10) })).toEqual({
      ok: true,
      v: { count: model.count, from: 0, rows: model.rows(0, 200) }
    })
    const w = host.handle({ t: 'rows', doc: 1, from: 1, to: 3 })
    expect(w.ok && (w.v as RowWindow).rows.map((r) => r.path)).toEqual(['$.user', '$.user.name'])
    const t = host.handle({ t: 'toggle', doc: 1, index: 1, from: 0, to: 100 })
    expect(t.ok && (t.v as RowWindow).rows.map((r) => r.path)).toEqual(['$', '$.user', '$.n', '$.empty', '$.list'])
    expect(host.handle({ t: 'value', doc: 1, index: 2 })).toEqual({ ok: true, v: '42' })
    host.handle({ t: 'close', doc: 1 })
    expect(host.handle({ t: 'rows', doc: 1, from: 0, to: 1 }).ok).toBe(false)
    const bad = host.handle({ t: 'open', doc: 2, text: '{"a": }' })
    expect(bad.ok).toBe(false)
  })

  it('opens small texts inline and refuses what is not JSON', async () => {
    const doc = await openJsonDoc('{"user":{"name":"Ada"}}')
    expect(doc.inWorker).toBe(false)
    expect((await doc.rows(0, 10)).rows.map((r) => r.text)).toEqual(['{1}', '{1}', '"Ada"'])
    await expect(openJsonDoc('[1, 2,')).rejects.toThrow()
    expect(looksLikeJson('  {"a":1}\n')).toBe(true)
    expect(looksLikeJson('[1, 2, 3]')).toBe(true)
    expect(looksLikeJson('{"a":1')).toBe(false)
    expect(looksLikeJson('hello')).toBe(false)
    expect(looksLikeJson('{')).toBe(false)
  })

  it('shows a decoded payload’s bytes, big integers, dates and non-string-keyed maps as what they are', () => {
    const value = {
      raw: new Uint8Array([1, 2, 255]),
      qty: 9007199254740993n,
      at: new Date('2023-11-14T22:13:20.250Z'),
      book: new Map<unknown, unknown>([
        [1, 'one'],
        [new Uint8Array([7]), { deep: true }]
      ])
    }
    const m = new JsonRowModel(value)
    const rows = m.rows(0, m.count).map((r) => [r.path, r.kind, r.key, r.text])
    expect(rows).toEqual([
      ['$', 'object', '', '{4}'],
      ['$.raw', 'bytes', 'raw', '<bytes 3: 01 02 ff>'],
      ['$.qty', 'bigint', 'qty', '9007199254740993n'],
      ['$.at', 'date', 'at', '2023-11-14T22:13:20.250Z'],
      ['$.book', 'map', 'book', 'Map{2}'],
      ['$.book[1]', 'string', '1', '"one"'],
      ['$.book[<bytes 1: 07>]', 'object', '<bytes 1: 07>', '{1}']
    ])
    expect(m.expand(indexOf(m, '$.book[<bytes 1: 07>]'))).toBe(true)
    expect(m.row(m.count - 1)).toMatchObject({ path: '$.book[<bytes 1: 07>].deep', text: 'true' })
    // Copying gives JSON: bytes as base64, a big integer as its digits, the map as [key, value] pairs.
    expect(m.valueText(indexOf(m, '$.raw'))).toBe('AQL/')
    expect(m.valueText(indexOf(m, '$.qty'))).toBe('9007199254740993')
    expect(JSON.parse(m.valueText(0))).toEqual({
      raw: { $bytes: 'AQL/' },
      qty: '9007199254740993',
      at: '2023-11-14T22:13:20.250Z',
      book: [
        [1, 'one'],
        [{ $bytes: 'Bw==' }, { deep: true }]
      ]
    })
  })
})
