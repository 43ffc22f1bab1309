// @vitest-environment happy-dom
/** Issue 15: renaming a profile left its open tab under the old name. */
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { PreloadApi } from '../../src/shared/api'
import type { Profile } from '../../src/shared/profiles'
import ProfilesList from '../../src/renderer/src/components/data/ProfilesList.vue'
import { useProfiles } from '../../src/renderer/src/stores/profiles'
import { useConnections } from '../../src/renderer/src/stores/connections'
import { useProfileTabs } from '../../src/renderer/src/composables/useProfileTabs'
import { DEFAULTS } from '../../src/shared/options'

/** A stand-in main side holding one profile in memory. */
let stored: Profile[] = []
window.sockscope = {
  profilesState: async () => ({ ok: true, v: { profiles: stored, environments: [], problems: [], missingSecrets: {}, settings: {} } }),
  profileSave: async (p: Profile) => {
    stored = [...stored.filter((q) => q.id !== p.id), p]
    return { ok: true, v: undefined }
  }
} as unknown as PreloadApi

describe('renaming a profile', () => {
  it('renames the tabs opened from it, and no other', async () => {
    setActivePinia(createPinia())
    stored = [
      { id: 'p1', name: 'chat staging', folder: '', options: { ...DEFAULTS, url: 'ws://127.0.0.1:1/' }, savedMessages: [], updatedAt: '' },
      { id: 'p2', name: 'prices', folder: '', options: { ...DEFAULTS, url: 'ws://127.0.0.1:2/' }, savedMessages: [], updatedAt: '' }
    ]
    const profiles = useProfiles()
    await profiles.refresh()
    const w = mount(ProfilesList, { attachTo: document.body })
    const { open } = useProfileTabs()
    const chat = open(stored[0])
    const prices = open(stored[1])
    expect([chat.title, prices.title]).toEqual(['chat staging', 'prices'])
    await w.get('button[aria-label="Rename chat staging"]').trigger('click')
    await nextTick()
    const input = w.get('input[aria-label="New name for chat staging"]')
    await input.setValue('chat production')
    await input.trigger('keydown', { key: 'Enter' })
    await new Promise((r) => setTimeout(r, 0))
    await nextTick()
    expect(stored.find((p) => p.id === 'p1')?.name).toBe('chat production')
    expect(useConnections().tabs.map((t) => t.title)).toContain('chat production')
    expect([chat.title, prices.title]).toEqual(['chat production', 'prices'])
    w.unmount()
  })
})
