// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { pickedFile, buildMessage, formatJson, jsonProblem } from '../../src/renderer/src/lib/composer'
import { draftToOptions, newDraft, splitPem } from '../../src/renderer/src/mappers/draft'
import { validateConnectionOptions } from '../../src/shared/schema'
import { DEFAULTS } from '../../src/shared/options'
import type { PreloadApi } from '../../src/shared/api'
import LogView from '../../src/renderer/src/components/log/LogView.vue'
import { useConnections } from '../../src/renderer/src/stores/connections'

// A stand-in preload, so the store does not open a bridge socket to a host that is not there.
window.sockscope = {} as PreloadApi

describe('composer validation', () => {
  it('JSON mode validates and formats', () => {
    expect(jsonProblem('{"a":1}')).toBeNull()
    expect(jsonProblem('{"a":}')).toMatch(/^Invalid JSON/)
    expect(buildMessage({ mode: 'json', text: '{"a":', binaryEncoding: 'hex' })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/Invalid JSON/)
    })
    expect(formatJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}')
  })

  it('binary mode checks hex and base64', () => {
    expect(buildMessage({ mode: 'binary', text: 'de ad be ef', binaryEncoding: 'hex' })).toEqual({
      ok: true,
      message: { kind: 'binary', encoding: 'hex', data: 'de ad be ef' }
    })
    expect(buildMessage({ mode: 'binary', text: 'abc', binaryEncoding: 'hex' })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/even number/)
    })
    expect(buildMessage({ mode: 'binary', text: 'zz', binaryEncoding: 'hex' })).toMatchObject({ ok: false })
    expect(buildMessage({ mode: 'binary', text: '3q2+7w==', binaryEncoding: 'base64' })).toMatchObject({ ok: true })
    expect(buildMessage({ mode: 'binary', text: '%%%', binaryEncoding: 'base64' })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/base64/)
    })
    expect(buildMessage({ mode: 'binary', text: '', binaryEncoding: 'hex' })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/Nothing to send/)
    })
  })

  it('file mode needs a file and sends it as binary or text', () => {
    expect(buildMessage({ mode: 'file', text: '', binaryEncoding: 'hex' })).toMatchObject({ ok: false })
    const file = { name: 'a.bin', base64: 'AAEC', size: 3, asText: false, text: '\u0000\u0001\u0002' }
    expect(buildMessage({ mode: 'file', text: '', binaryEncoding: 'hex', file })).toEqual({
      ok: true,
      message: { kind: 'binary', encoding: 'base64', data: 'AAEC' }
    })
    // As text, the file's decoded text is sent, not its base64 and not the composer's text box.
    expect(buildMessage({ mode: 'file', text: 'typed', binaryEncoding: 'hex', file: { ...file, asText: true } })).toEqual({
      ok: true,
      message: { kind: 'text', data: '\u0000\u0001\u0002' }
    })
  })

  it('a picked file goes as binary: "send as text" starts unticked and is offered only for valid UTF-8, its size exact', () => {
    const random = pickedFile('noise.bin', new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0xff, 0x00]))
    expect(random).toEqual({ name: 'noise.bin', base64: '3q2+7/8A', size: 6, asText: false })
    // Even ticked by hand (a stale state), bytes that are not UTF-8 never go out as replacement characters.
    expect(buildMessage({ mode: 'file', text: '', binaryEncoding: 'hex', file: { ...random, asText: true } })).toEqual({
      ok: true,
      message: { kind: 'binary', encoding: 'base64', data: '3q2+7/8A' }
    })
    const note = pickedFile('note.txt', new TextEncoder().encode('héllo'))
    expect(note).toMatchObject({ size: 6, asText: false, text: 'héllo' })
    const exact = pickedFile('29.txt', new Uint8Array(29).fill(0x41))
    expect(exact.size).toBe(29)
  })

  it('the settings form turns into options the engine accepts', () => {
    const d = newDraft(' ws://127.0.0.1:1/x ')
    d.headers.push({ name: ' X-A ', value: ' 1' }, { name: '  ', value: '' }) // an empty row is left out
    d.subprotocols = ' a, ,b '
    d.heartbeat.intervalSec = 5
    d.reconnect.enabled = true
    d.preamble = '  {"op":"auth"}\n\n{"op":"sub"}  \n'
    const a = '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----'
    const b = '-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----'
    d.tls.ca = `junk before\n${a}\n\n${b}\n`
    const o = validateConnectionOptions(draftToOptions(d))
    expect(o.url).toBe('ws://127.0.0.1:1/x')
    expect(o.headers).toEqual([{ name: 'X-A', value: ' 1' }]) // names trimmed, values kept as typed
    expect(o.subprotocols).toEqual(['a', 'b'])
    expect(o.preamble).toEqual([
      { kind: 'text', data: '{"op":"auth"}' },
      { kind: 'text', data: '{"op":"sub"}' }
    ])
    expect(o.tls).toEqual({ ca: [a, b] })
    expect(o.heartbeat).toEqual({ intervalSec: 5, pongTimeoutMs: DEFAULTS.pongTimeoutMs, autoPong: true })
    expect(o.reconnect).toEqual({ enabled: true, baseMs: DEFAULTS.reconnectBaseMs, capMs: DEFAULTS.reconnectCapMs, maxAttempts: 0 })
    // Left at their defaults, the optional parts stay out of the options.
    const plain = draftToOptions(newDraft('ws://h/'))
    expect(
      Object.keys(plain).filter((k) => ['headers', 'query', 'subprotocols', 'tls', 'reconnect', 'preamble', 'auth'].includes(k))
    ).toEqual([])
    expect(splitPem('')).toEqual([])
    expect(splitPem(' not pem ')).toEqual(['not pem'])
  })
})

describe('the log filter in the log view', () => {
  it('filters the log as you type, and the count says how many of the held messages match', async () => {
    setActivePinia(createPinia())
    const tab = useConnections().addTab('ws://127.0.0.1:1/')
    for (let i = 0; i < 10; i++) tab.log.push({ seq: i, ts: i, dir: 'in', kind: 'text', size: 5, data: i % 2 ? `odd${i}` : `even${i}` })
    // The view, not the test, works out the counts it hands to the filter.
    const w = mount(LogView, { props: { tab, selected: [] } })
    const frame = async (): Promise<void> => {
      await new Promise((r) => requestAnimationFrame(r)) // the store redraws at most once per frame
      await nextTick()
    }
    const count = (): string => w.get('.count').text()
    expect(count()).toBe('10 messages')
    const input = w.get('input[aria-label="Filter messages"]')
    await input.setValue('odd')
    await frame()
    expect(count()).toBe('5 of 10 match')
    await input.setValue('/even[02]/')
    await frame()
    expect(count()).toBe('2 of 10 match')
    await input.setValue('/(/')
    await frame()
    expect(w.get('[role="alert"]').text()).toMatch(/Invalid regular expression/)
    expect(count()).toBe('10 messages') // a broken pattern filters nothing out
    w.unmount()
  })
})
