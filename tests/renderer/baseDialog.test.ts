// @vitest-environment happy-dom
/**
 * Where focus goes when a dialog closes (WAI-ARIA APG, dialog modal pattern): back to what opened it, unless the user
 * has moved on meanwhile. A dialog's `close` event comes in a task of its own (HTML, "close the dialog"), so its
 * removal can come after the next control was focused; it must not take focus back from there. The axe suite caught
 * this under load: the Environments dialog, opened right after Save profile closed, returned focus to Save profile.
 */
import { describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { mount } from '@vue/test-utils'
import BaseDialog from '../../src/renderer/src/components/common/BaseDialog.vue'

const Host = defineComponent({
  setup(_, { expose }) {
    const open = ref(false)
    expose({ open })
    return () =>
      h('div', [
        h('button', { id: 'opener' }, 'Open'),
        h('button', { id: 'elsewhere' }, 'Elsewhere'),
        open.value ? h(BaseDialog, { heading: 'Test' }, () => h('button', { id: 'inside' }, 'Inside')) : null
      ])
  }
})

/** The host with its dialog open and focus inside it; `open.value = false` removes the dialog. */
async function opened(): Promise<{ host: ReturnType<typeof mount>; open: { value: boolean } }> {
  const host = mount(Host, { attachTo: document.body })
  // The exposed ref reads unwrapped on the instance.
  const vm = host.vm as unknown as { open: boolean }
  const open = {
    set value(v: boolean) {
      vm.open = v
    },
    get value() {
      return vm.open
    }
  }
  document.getElementById('opener')!.focus()
  open.value = true
  await nextTick()
  document.getElementById('inside')!.focus()
  return { host, open }
}

describe('BaseDialog focus', () => {
  it('goes back to the opener when the dialog goes', async () => {
    const { host, open } = await opened()
    open.value = false
    await nextTick()
    expect(document.activeElement?.id).toBe('opener')
    host.unmount()
  })

  it('stays where the user went after the dialog closed, when the dialog is removed later', async () => {
    const { host, open } = await opened()
    document.querySelector('dialog')!.close()
    document.getElementById('elsewhere')!.focus()
    open.value = false
    await nextTick()
    expect(document.activeElement?.id).toBe('elsewhere')
    host.unmount()
  })
})
