import { describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useComposers } from '../../src/renderer/src/stores/composers'
import { historyStep, remember } from '../../src/renderer/src/lib/composer'

describe('the composer store', () => {
  it('keeps one composer per tab, frees it with its tab, and snapshots without creating one', () => {
    setActivePinia(createPinia())
    const composers = useComposers()
    expect(composers.snapshot('tab-1')).toEqual({ mode: 'text', text: '', binaryEncoding: 'hex', history: [], saved: [] })
    expect(composers.byTab.has('tab-1')).toBe(false)
    const c = composers.of('tab-1')
    expect(composers.of('tab-1')).toBe(c)
    composers.edit('tab-1', 'de ad', true)
    expect(c).toMatchObject({ mode: 'binary', binaryEncoding: 'hex', text: 'de ad' })
    composers.free('tab-1')
    expect(composers.byTab.has('tab-1')).toBe(false)
    expect(composers.of('tab-1').text).toBe('')
  })

  it('restores what it snapshot, sharing nothing, and drops a picked file', () => {
    setActivePinia(createPinia())
    const composers = useComposers()
    const c = composers.of('a')
    Object.assign(c, {
      mode: 'file',
      text: 'draft',
      history: [{ mode: 'text', text: 'one' }],
      saved: [{ name: 'n', mode: 'json', text: '{}' }]
    })
    c.file = { name: 'f.bin', base64: 'AA==', size: 1, asText: false }
    const snap = composers.snapshot('a')
    expect(snap).toEqual({
      mode: 'text',
      text: 'draft',
      binaryEncoding: 'hex',
      history: [{ mode: 'text', text: 'one' }],
      saved: [{ name: 'n', mode: 'json', text: '{}' }]
    })
    composers.restore('b', snap)
    snap.history.push({ mode: 'text', text: 'later' })
    snap.history[0].text = 'changed'
    snap.saved[0].text = 'changed'
    expect(composers.snapshot('b')).toEqual({
      ...snap,
      history: [{ mode: 'text', text: 'one' }],
      saved: [{ name: 'n', mode: 'json', text: '{}' }]
    })
  })
})

describe('composer history', () => {
  it('remembers each sent text once in a row and steps through it with the arrow keys', () => {
    setActivePinia(createPinia())
    const c = useComposers().of('t')
    for (const t of ['a', 'b', 'b']) {
      c.text = t
      remember(c)
    }
    expect(c.history).toEqual([
      { mode: 'text', text: 'a' },
      { mode: 'text', text: 'b' }
    ])
    historyStep(c, -1)
    expect(c.text).toBe('b')
    historyStep(c, -1)
    expect(c.text).toBe('a')
    historyStep(c, -1)
    expect([c.text, c.historyIndex]).toEqual(['', -1]) // past the oldest: an empty draft
    historyStep(c, 1)
    expect([c.text, c.historyIndex]).toEqual(['', -1])
  })

  it('keeps at most 200 entries', () => {
    setActivePinia(createPinia())
    const c = useComposers().of('t')
    for (let i = 0; i < 205; i++) {
      c.text = `m${i}`
      remember(c)
    }
    expect(c.history.length).toBe(200)
    expect(c.history[0]).toEqual({ mode: 'text', text: 'm5' })
  })

  it('recalls a message as the kind it was sent as: hex bytes come back in Binary mode, hex', () => {
    setActivePinia(createPinia())
    const c = useComposers().of('t')
    Object.assign(c, { mode: 'binary', binaryEncoding: 'hex', text: 'de ad be ef' })
    remember(c)
    Object.assign(c, { mode: 'binary', binaryEncoding: 'base64', text: '3q2+7w==' })
    remember(c)
    Object.assign(c, { mode: 'json', text: '{"a":1}' })
    remember(c)
    Object.assign(c, { mode: 'text', text: '' })
    historyStep(c, -1)
    expect([c.mode, c.text]).toEqual(['json', '{"a":1}'])
    historyStep(c, -1)
    expect([c.mode, c.binaryEncoding, c.text]).toEqual(['binary', 'base64', '3q2+7w=='])
    historyStep(c, -1)
    expect([c.mode, c.binaryEncoding, c.text]).toEqual(['binary', 'hex', 'de ad be ef'])
  })
})
