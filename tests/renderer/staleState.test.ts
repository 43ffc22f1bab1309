// @vitest-environment happy-dom
/**
 * Issue 15: what went stale. "Invalid JSON …" stayed after the JSON was fixed, a refused close stayed after a later
 * close went through, and the status bar's counters survived Clear while the log was empty.
 */
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { PreloadApi } from '../../src/shared/api'
import ComposerPanel from '../../src/renderer/src/components/composer/ComposerPanel.vue'
import { useConnections } from '../../src/renderer/src/stores/connections'
import { useComposers } from '../../src/renderer/src/stores/composers'
import StatusBar from '../../src/renderer/src/components/shell/StatusBar.vue'
import { applyEvent } from '../../src/renderer/src/stores/connectionTab'

/** A stand-in preload: `close` refuses the first call the way the host refuses a bad close code, then accepts. */
let closes = 0
window.sockscope = {
  close: async () =>
    ++closes === 1
      ? { ok: false, e: { message: 'Close code: 1005 is reserved; use 1000-1003, 1007-1014 or 3000-4999.' } }
      : { ok: true, v: undefined }
} as unknown as PreloadApi

function openTab() {
  setActivePinia(createPinia())
  const store = useConnections()
  const tab = store.addTab('ws://127.0.0.1:1/')
  tab.connId = 'c1'
  tab.state = 'open'
  return { store, tab }
}

describe('problems that go stale', () => {
  it('"Invalid JSON" leaves once the JSON is fixed, and leaves a problem it did not raise alone', async () => {
    const { tab } = openTab()
    const w = mount(ComposerPanel, { props: { tab }, attachTo: document.body })
    const c = useComposers().of(tab.key)
    c.mode = 'json'
    c.text = '{"a":'
    await nextTick()
    await w.get('button.send').trigger('click')
    expect(tab.problem).toMatch(/^Invalid JSON/)
    c.text = '{"a":1}'
    await nextTick()
    expect(tab.problem).toBeNull()
    // Someone else's problem is not the composer's to clear.
    c.text = '{"a":'
    await nextTick()
    tab.problem = 'Not connected: press Connect first.'
    c.text = '{"a":2}'
    await nextTick()
    expect(tab.problem).toBe('Not connected: press Connect first.')
    w.unmount()
  })

  it('a refused close is cleared by a later close that goes through', async () => {
    const { store, tab } = openTab()
    await store.disconnect(tab, 1005)
    expect(tab.problem).toMatch(/1005 is reserved/)
    await store.disconnect(tab, 1000)
    expect(tab.problem).toBeNull()
  })

  it('Clear starts the status bar counting again', async () => {
    const { store, tab } = openTab()
    const w = mount(StatusBar, { props: { tab } })
    for (let seq = 1; seq <= 3; seq++)
      applyEvent(tab, { id: 'c1', seq, ts: Date.now(), type: 'message', dir: 'in', kind: 'text', size: 5, data: 'hello' })
    applyEvent(tab, { id: 'c1', seq: 4, ts: Date.now(), type: 'message', dir: 'out', kind: 'text', size: 2, data: 'hi' })
    store.bump()
    await nextTick()
    expect(w.text()).toMatch(/In 3 \(15 B\).*Out 1 \(2 B\)/)
    store.clearLog(tab)
    await new Promise((r) => requestAnimationFrame(r)) // the view redraws at most once a frame
    await nextTick()
    expect(w.text()).toMatch(/In 0 \(0 B\).*Out 0 \(0 B\)/)
    expect(w.text()).toContain('RTT last –')
    w.unmount()
  })
})
