// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { buildMessage, formatJson, jsonProblem } from '../../src/renderer/src/lib/composer'
import { draftToOptions, newDraft, splitPem } from '../../src/renderer/src/stores/draft'
import { validateConnectionOptions } from '../../src/shared/schema'
import LogFilter from '../../src/renderer/src/components/LogFilter.vue'
import { MessageLog } from '../../src/renderer/src/stores/messageLog'

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
    const file = { name: 'a.bin', base64: 'AAEC', asText: false, text: '\u0000\u0001\u0002' }
    expect(buildMessage({ mode: 'file', text: '', binaryEncoding: 'hex', file })).toEqual({
      ok: true,
      message: { kind: 'binary', encoding: 'base64', data: 'AAEC' }
    })
    expect(buildMessage({ mode: 'file', text: '', binaryEncoding: 'hex', file: { ...file, asText: true } })).toMatchObject({
      ok: true,
      message: { kind: 'text' }
    })
  })

  it('the settings form turns into options the engine accepts', () => {
    const d = newDraft('ws://127.0.0.1:1/x')
    d.headers.push({ name: 'X-A', value: '1' }, { name: '', value: 'ignored' })
    d.subprotocols = 'a, b'
    d.heartbeat.intervalSec = 5
    d.reconnect.enabled = true
    d.preamble = '{"op":"auth"}\n\n{"op":"sub"}'
    d.tls.ca = '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----'
    const o = validateConnectionOptions(draftToOptions(d))
    expect(o.headers).toEqual([{ name: 'X-A', value: '1' }])
    expect(o.subprotocols).toEqual(['a', 'b'])
    expect(o.preamble).toHaveLength(2)
    expect(o.tls?.ca).toHaveLength(2)
    expect(splitPem('')).toEqual([])
  })
})

describe('LogFilter component', () => {
  it('filters the log as you type and shows the count of matches', async () => {
    setActivePinia(createPinia())
    const log = new MessageLog(100)
    for (let i = 0; i < 10; i++) log.push({ seq: i, ts: i, dir: 'in', kind: 'text', size: 3, data: i % 2 ? `odd${i}` : `even${i}` })
    const tab = { key: 't', log } as never
    const w = mount(LogFilter, { props: { tab, shown: 10, held: 10 } })
    const input = w.get('input[aria-label="Filter messages"]')
    await input.setValue('odd')
    expect(log.viewLength()).toBe(5)
    await w.setProps({ shown: log.viewLength(), held: log.size })
    expect(w.text()).toContain('5 of 10 match')
    await input.setValue('/(/')
    expect(w.get('[role="alert"]').text()).toMatch(/Invalid regular expression/)
  })
})
