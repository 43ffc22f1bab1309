import { describe, expect, it } from 'vitest'
import { pageRows, placeOf, rowForKey } from '../../src/renderer/src/components/log/logKeys'

describe('moving the log selection with the keyboard', () => {
  it('moves by one, by a page, to either end, and stops at the ends', () => {
    expect(rowForKey('ArrowDown', 4, 10, 3)).toBe(5)
    expect(rowForKey('ArrowUp', 4, 10, 3)).toBe(3)
    expect(rowForKey('PageDown', 4, 10, 3)).toBe(7)
    expect(rowForKey('PageUp', 4, 10, 3)).toBe(1)
    expect(rowForKey('PageDown', 8, 10, 3)).toBe(9)
    expect(rowForKey('PageUp', 1, 10, 3)).toBe(0)
    expect(rowForKey('ArrowUp', 0, 10, 3)).toBe(0)
    expect(rowForKey('ArrowDown', 9, 10, 3)).toBe(9)
    expect(rowForKey('Home', 4, 10, 3)).toBe(0)
    expect(rowForKey('End', 4, 10, 3)).toBe(9)
    expect(rowForKey('Enter', 4, 10, 3)).toBe(4)
  })

  it('starts from the newest row when nothing is selected, and leaves other keys and empty views alone', () => {
    for (const key of ['ArrowDown', 'ArrowUp', 'PageUp', 'PageDown', 'End', 'Enter']) expect(rowForKey(key, null, 10, 3)).toBe(9)
    expect(rowForKey('Home', null, 10, 3)).toBe(0)
    expect(rowForKey('a', 4, 10, 3)).toBeNull()
    expect(rowForKey('Tab', 4, 10, 3)).toBeNull()
    expect(rowForKey('ArrowDown', null, 0, 3)).toBeNull()
  })

  it('pages by the rows that fit, less one, and at least one', () => {
    expect(pageRows(240, 24)).toBe(9)
    expect(pageRows(250, 24)).toBe(9)
    expect(pageRows(30, 24)).toBe(1)
    expect(pageRows(0, 24)).toBe(1)
  })

  it('finds a row in a filtered view by its absolute index, however far from the drawn rows', () => {
    const view = Array.from({ length: 1_000_000 }, (_, i) => 5 + i * 3) // every third row matches
    let reads = 0
    const absAt = (i: number): number => (reads++, view[i])
    expect(placeOf(5 + 3 * 777_777, view.length, absAt)).toBe(777_777)
    expect(reads).toBeLessThan(25) // a search, not a walk
    expect(placeOf(5, view.length, absAt)).toBe(0)
    expect(placeOf(view[view.length - 1], view.length, absAt)).toBe(view.length - 1)
    expect(placeOf(6, view.length, absAt)).toBeNull() // filtered out
    expect(placeOf(2, view.length, absAt)).toBeNull() // evicted
    expect(placeOf(view[10], 10, absAt)).toBeNull() // beyond a paused view
    expect(placeOf(5, 0, absAt)).toBeNull()
  })
})
