/**
 * A refused call names the field as the settings panel does ("URL", "Header 2 name"), never the contract's path
 * (`argument 0.url`): the message is what the user reads.
 */
import { describe, expect, it } from 'vitest'
import { newTestService } from '../helpers/service'
import { optionLabel } from '../../src/shared/fieldLabels'

const refusal = async (method: string, args: unknown[]): Promise<{ message: string; field?: string }> => {
  const svc = newTestService()
  try {
    await svc.service.call(
      svc.service.openSession('labels', () => undefined),
      method,
      args
    )
    throw new Error('the call was accepted')
  } catch (err) {
    return err as { message: string; field?: string }
  } finally {
    await svc.dispose()
  }
}

describe('validation messages in the user’s words', () => {
  it('names connection settings as the panel does, for connect and for replay', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ url: 'https://example.com/socket' }, /^URL: https:\/\/ is for web pages, not WebSockets; use wss:\/\/example\.com\/socket$/],
      [
        {
          url: 'ws://x',
          headers: [
            { name: 'ok', value: '1' },
            { name: 'bad name', value: '' }
          ]
        },
        /^Header 2 name: /
      ],
      [{ url: 'ws://x', query: [{ name: 'a', value: 'b\r\n' }] }, /^Query parameter 1 value: /],
      [{ url: 'ws://x', subprotocols: ['chat', 'bad proto'] }, /^Subprotocol 2: /],
      [{ url: 'ws://x', heartbeat: { intervalSec: -1 } }, /^Ping interval \(seconds\): /],
      [{ url: 'ws://x', proxy: { type: 'http', url: 'nope' } }, /^Proxy address: /]
    ]
    for (const [options, want] of cases) {
      const e = await refusal('connect', [options])
      expect(e.message).toMatch(want)
      expect(e.message).not.toMatch(/argument|\b\d+\.[a-zA-Z]/)
    }
    const replay = await refusal('replay', ['rec-1.ndjson', { url: 'ftp://x' }, { mode: 'original' }])
    expect(replay.message).toMatch(/^URL: /)
    // The path stays on the error for the UI to find the field.
    expect((await refusal('connect', [{ url: 'ftp://x' }])).field).toBe('0.url')
  })

  it('names other arguments, and never shows a path where it has no name', async () => {
    expect((await refusal('send', ['c1', { kind: 'hex', data: 'zz' }])).message).toMatch(/^Message( kind)?: /)
    const unnamed = await refusal('fetchPayload', ['no such ref'])
    expect(unnamed.message).toMatch(/^This request was refused: /)
    expect(unnamed.message).not.toMatch(/argument|\b\d+\.[a-zA-Z]/)
  })

  it('labels list items from 1 and falls back to the nearest named setting', () => {
    expect(optionLabel('headers.0.value')).toBe('Header 1 value')
    expect(optionLabel('tls.ca.3')).toBe('Extra CA certificates (PEM)')
    expect(optionLabel('preamble.1.data')).toBe('Message sent on connect 2')
    expect(optionLabel('somethingNew')).toBe('Connection settings')
  })
})
