// @vitest-environment happy-dom
/** Issue 15: notices ("Saved to …", "Imported …", "Deleted … Undo") never left the sidebar. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { PreloadApi } from '../../src/shared/api'
import DataPanel from '../../src/renderer/src/components/data/DataPanel.vue'
import { useProfiles } from '../../src/renderer/src/stores/profiles'

window.sockscope = {} as PreloadApi

beforeEach(() => {
  vi.useFakeTimers()
  setActivePinia(createPinia())
})
afterEach(() => vi.useRealTimers())

/** Sets a notice the way the store does, and returns the panel's notice paragraph, if any. */
async function panelWith(text: string, error = false) {
  const w = mount(DataPanel, { attachTo: document.body })
  const profiles = useProfiles()
  profiles.notice = text
  profiles.noticeIsError = error
  await nextTick()
  const notice = () => w.findAll('p.notice').find((p) => p.text().includes(text))
  return { w, profiles, notice }
}

describe('notices in the sidebar', () => {
  it('an information notice leaves by itself after 8 s', async () => {
    const { w, notice } = await panelWith('Saved to /tmp/x.json')
    expect(notice()).toBeTruthy()
    await vi.advanceTimersByTimeAsync(7_900)
    expect(notice()).toBeTruthy()
    await vi.advanceTimersByTimeAsync(200)
    expect(notice()).toBeUndefined()
    w.unmount()
  })

  it('stays while the pointer or the focus is on it, then leaves 8 s after both have gone', async () => {
    const { w, notice } = await panelWith('Imported 2 profile(s) (sockscope).')
    await notice()!.trigger('pointerenter')
    await vi.advanceTimersByTimeAsync(30_000)
    expect(notice()).toBeTruthy()
    await notice()!.trigger('pointerleave')
    await notice()!.trigger('focusin')
    await vi.advanceTimersByTimeAsync(30_000)
    expect(notice()).toBeTruthy()
    await notice()!.trigger('focusout')
    await vi.advanceTimersByTimeAsync(8_100)
    expect(notice()).toBeUndefined()
    w.unmount()
  })

  it('an error stays until dismissed', async () => {
    const { w, notice, profiles } = await panelWith('Import failed: not a Sockscope export', true)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(notice()).toBeTruthy()
    await notice()!.get('button[aria-label="Dismiss notice"]').trigger('click')
    expect(profiles.notice).toBeNull()
    w.unmount()
  })

  it('the offer to undo a delete leaves after 12 s', async () => {
    const w = mount(DataPanel, { attachTo: document.body })
    const profiles = useProfiles()
    profiles.undo = { label: 'Deleted profile “a”.', run: async () => undefined }
    await nextTick()
    expect(w.text()).toContain('Deleted profile')
    await vi.advanceTimersByTimeAsync(12_100)
    expect(w.text()).not.toContain('Deleted profile')
    w.unmount()
  })
})
