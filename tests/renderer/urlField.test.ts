// @vitest-environment happy-dom
/**
 * Issue 18: `{{variables}}` in the URL field marked as you type (defined / not defined), the value of the one under
 * the caret (secrets masked), and completion after `{{` by keyboard. Hover needs layout: tests/e2e/url-variables.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { PreloadApi } from '../../src/shared/api'
import type { Environment } from '../../src/shared/profiles'
import UrlField from '../../src/renderer/src/components/connection/UrlField.vue'
import { useProfiles } from '../../src/renderer/src/stores/profiles'
import { acceptChoice, completionAt, describeVariable, variableChoices, variablePieces } from '../../src/renderer/src/lib/variableWords'

const local: Environment = {
  id: 'env-local',
  name: 'Local',
  variables: [
    { name: 'host', value: '127.0.0.1:8080' },
    { name: 'hostname', value: 'localhost' },
    { name: 'token', value: 'hunter2', secret: true },
    { name: 'off', value: 'x', enabled: false }
  ]
}
// A stand-in main side holding one environment.
window.sockscope = {
  profilesState: async () => ({ ok: true, v: { profiles: [], environments: [local], problems: [], missingSecrets: {}, settings: {} } })
} as unknown as PreloadApi

/** The field in a form, as ConnectionBar has it; `submits` counts the form's submit events. */
const Host = defineComponent({
  setup() {
    const url = ref('')
    const submits = ref(0)
    return () =>
      h('form', { onSubmit: (e: Event) => (e.preventDefault(), submits.value++) }, [
        h(UrlField, { modelValue: url.value, 'onUpdate:modelValue': (v: string) => (url.value = v), title: 'the title' })
      ])
  }
})

let w: VueWrapper
const input = (): HTMLInputElement => w.get('input').element as HTMLInputElement
const url = (): string => input().value
const settle = async (): Promise<void> => {
  await nextTick()
  await nextTick()
}
/** Types `text` as the new value with the caret at its end (or at `caret`), as an input event does. */
async function typeValue(text: string, caret = text.length): Promise<void> {
  const el = input()
  el.focus()
  el.value = text
  el.setSelectionRange(caret, caret)
  el.dispatchEvent(new Event('input'))
  await settle()
}
/** Moves the caret with the keyboard (not typing: completion closes). */
async function moveCaret(at: number): Promise<void> {
  input().setSelectionRange(at, at)
  input().dispatchEvent(new KeyboardEvent('keyup', { key: 'ArrowLeft' }))
  await settle()
}
function press(key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init })
  input().dispatchEvent(e)
  return e
}
const marks = (): Array<{ text: string; cls: string }> =>
  w.findAll('.backdrop [data-from]').map((m) => ({ text: m.text(), cls: m.classes().join(' ') }))
const options = (): string[] => w.findAll('[role="option"]').map((o) => o.find('.mono').text())

beforeEach(async () => {
  setActivePinia(createPinia())
  const profiles = useProfiles()
  await profiles.refresh()
  profiles.setActiveEnvironment(local.id)
  w = mount(Host, { attachTo: document.body })
})
afterEach(() => w.unmount())

describe('the URL field', () => {
  it('is still a text input named URL, with its title, and list autocompletion said', () => {
    expect(input().type).toBe('text')
    expect(input().getAttribute('aria-label')).toBe('URL')
    expect(input().getAttribute('title')).toBe('the title')
    expect(input().getAttribute('aria-autocomplete')).toBe('list')
    // ARIA 1.2 gives textbox no aria-expanded (axe refuses it): the open list is said by aria-controls instead.
    expect(input().hasAttribute('aria-expanded')).toBe(false)
    expect(input().hasAttribute('aria-controls')).toBe(false)
  })

  it('marks each {{name}} as you type: defined (environment or dynamic) one way, undefined another', async () => {
    await typeValue('ws://{{host}}/a/{{ nope }}?id={{$uuid}}&n={{$counter}}&o={{off}}')
    expect(marks()).toEqual([
      { text: '{{host}}', cls: 'var-defined' },
      { text: '{{ nope }}', cls: 'var-undefined' },
      { text: '{{$uuid}}', cls: 'var-defined' },
      // The URL is resolved at connect: no Repeat run counts there. A disabled variable is not defined.
      { text: '{{$counter}}', cls: 'var-undefined' },
      { text: '{{off}}', cls: 'var-undefined' }
    ])
    // The backdrop holds exactly the input's text, so each mark lies under its own characters.
    expect(w.get('.backdrop').text()).toBe(url())
    expect(w.get('.backdrop').attributes('aria-hidden')).toBe('true')
  })

  it('shows the value of the variable the caret is in, a secret masked, and Escape hides it', async () => {
    await typeValue('ws://{{host}}/{{token}}/{{nope}}', 8)
    // Typed there, the caret is after `{{h`: completion, not the value.
    expect(w.find('[role="listbox"]').exists()).toBe(true)
    expect(w.find('[role="tooltip"]').exists()).toBe(false)
    await moveCaret(9)
    expect(w.find('[role="listbox"]').exists()).toBe(false)
    let tip = w.get('[role="tooltip"]')
    expect(tip.text()).toBe('host = 127.0.0.1:8080')
    expect(input().getAttribute('aria-describedby')).toBe(tip.attributes('id'))
    await moveCaret(17)
    tip = w.get('[role="tooltip"]')
    expect(tip.text()).toBe('token = ••••••')
    expect(w.html()).not.toContain('hunter2')
    await moveCaret(27)
    expect(w.get('[role="tooltip"]').text()).toBe('nope is not defined in the active environment: it would not be sent')
    expect(press('Escape').defaultPrevented).toBe(true)
    await settle()
    expect(w.find('[role="tooltip"]').exists()).toBe(false)
    expect(input().hasAttribute('aria-describedby')).toBe(false)
  })

  it('completes after {{ with the keyboard: ↑/↓ move, Enter accepts, Escape closes, Tab accepts', async () => {
    await typeValue('ws://{{ho')
    expect(options()).toEqual(['host', 'hostname'])
    const list = w.get('[role="listbox"]')
    expect(input().getAttribute('aria-controls')).toBe(list.attributes('id'))
    const activeName = (): string | undefined =>
      w
        .find(`#${CSS.escape(input().getAttribute('aria-activedescendant') ?? '')}`)
        .find('.mono')
        .text()
    expect(activeName()).toBe('host')
    press('ArrowDown')
    await settle()
    expect(activeName()).toBe('hostname')
    press('ArrowDown')
    await settle()
    expect(activeName()).toBe('host')
    press('ArrowUp')
    await settle()
    expect(activeName()).toBe('hostname')
    press('ArrowUp')
    await settle()
    const enter = press('Enter')
    await settle()
    expect(enter.defaultPrevented).toBe(true)
    expect(url()).toBe('ws://{{host}}')
    expect(input().selectionStart).toBe('ws://{{host}}'.length)
    expect(w.find('[role="listbox"]').exists()).toBe(false)
    expect(input().hasAttribute('aria-activedescendant')).toBe(false)

    // Escape closes the list (and only the list); typing opens it again.
    await typeValue('ws://{{host}}/{{')
    expect(options()).toContain('$uuid')
    expect(options()).not.toContain('$counter')
    expect(options()).not.toContain('off')
    expect(press('Escape').defaultPrevented).toBe(true)
    await settle()
    expect(w.find('[role="listbox"]').exists()).toBe(false)
    await typeValue('ws://{{host}}/{{uu')
    expect(options()).toEqual(['$uuid'])
    expect(press('Tab').defaultPrevented).toBe(true)
    await settle()
    expect(url()).toBe('ws://{{host}}/{{$uuid}}')
  })

  it('Enter with the list closed is left to the form (Connect), and completing inside a name does not double it', async () => {
    await typeValue('ws://{{host}}/x')
    expect(w.find('[role="listbox"]').exists()).toBe(false)
    expect(press('Enter').defaultPrevented).toBe(false)
    // The caret after `{{ho` inside `{{host}}`: the rest of the name and its `}}` are replaced, not kept beside it.
    await typeValue('ws://{{host}}/x', 9)
    expect(options()).toEqual(['host', 'hostname'])
    press('ArrowDown')
    await settle()
    press('Enter')
    await settle()
    expect(url()).toBe('ws://{{hostname}}/x')
  })

  it('offers nothing while read-only', async () => {
    const ro = mount(UrlField, { props: { modelValue: 'ws://{{', readonly: true }, attachTo: document.body })
    const el = ro.get('input').element as HTMLInputElement
    el.focus()
    el.setSelectionRange(7, 7)
    el.dispatchEvent(new Event('input'))
    await settle()
    expect(ro.find('[role="listbox"]').exists()).toBe(false)
    ro.unmount()
  })
})

describe('the shared variable words (composer and URL field)', () => {
  const vars = new Map([
    ['host', 'h:1'],
    ['token', 'secret-value']
  ])
  it('say defined, secret, dynamic, counter and undefined names the same way everywhere', () => {
    expect(describeVariable('host', vars)).toEqual({ known: true, title: 'host = h:1' })
    expect(describeVariable('token', vars, { secrets: new Set(['token']) }).title).toBe('token = ••••••')
    expect(describeVariable('$uuid', vars).title).toBe('$uuid: a random UUID (v4), made at each send')
    expect(describeVariable('$uuid', vars, { madeAt: 'connect' }).title).toBe('$uuid: a random UUID (v4), made at each connect')
    expect(describeVariable('$counter', vars)).toMatchObject({ known: true })
    expect(describeVariable('$counter', vars, { counter: false })).toMatchObject({ known: false })
    expect(describeVariable('nope', vars)).toEqual({
      known: false,
      title: 'nope is not defined in the active environment: it would not be sent'
    })
    expect(describeVariable('long', new Map([['long', 'x'.repeat(200)]])).title).toHaveLength('long = '.length + 80)
  })
  it('find pieces, the completion point, the choices and the accepted text', () => {
    const text = 'a{{x}}b{{ y }}'
    expect(
      variablePieces(text)
        .map((p) => p.text)
        .join('')
    ).toBe(text)
    expect(
      variablePieces(text)
        .filter((p) => p.name)
        .map((p) => [p.name, p.from])
    ).toEqual([
      ['x', 1],
      ['y', 7]
    ])
    expect(completionAt('ws://{{ ho', 10)).toEqual({ from: 8, partial: 'ho' })
    expect(completionAt('ws://{{ho}}', 11)).toBeNull()
    expect(variableChoices('to', vars, { secrets: new Set(['token']) })).toEqual([{ name: 'token', detail: '••••••' }])
    expect(variableChoices('time', vars).map((c) => c.name)).toEqual(['$timestamp', '$isoTimestamp'])
    expect(acceptChoice('ws://{{ho', 7, 9, 'host')).toEqual({ text: 'ws://{{host}}', caret: 13 })
    expect(acceptChoice('{{ho}}/p', 2, 4, 'host')).toEqual({ text: '{{host}}/p', caret: 8 })
  })
})
