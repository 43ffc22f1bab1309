/**
 * "Copy as command" (issue 18): a tab's settings as a `sockscope` line; secrets become placeholders named as the
 * settings name them; what the line cannot say is listed after it.
 */
import { describe, expect, it } from 'vitest'
import { commandLine } from '../../src/renderer/src/lib/commandLine'

describe('copy as command', () => {
  it('spells out the URL, headers, subprotocols and TLS choice, with secrets as placeholders', () => {
    const line = commandLine('listen', {
      url: 'wss://api.example.test/feed',
      query: [
        { name: 'v', value: '2' },
        { name: 'key', value: 'k-123', secret: true }
      ],
      headers: [{ name: 'X-Team', value: 'blue' }],
      auth: { type: 'bearer', token: 'tok-secret' },
      subprotocols: ['chat.v2'],
      tls: { allowInvalidCertificates: true }
    })
    expect(line).toBe(
      "sockscope listen 'wss://api.example.test/feed?v=2&key=%3Cthe+value+of+query+parameter+%E2%80%9Ckey%E2%80%9D%3E' " +
        "--header 'X-Team: blue' --header 'Authorization: Bearer <the bearer token>' --subprotocol chat.v2 --insecure"
    )
    expect(line).not.toMatch(/k-123|tok-secret/)
  })

  it('names a saved profile instead, and lists what the line cannot say', () => {
    expect(commandLine('send', { url: 'ws://h/' }, "Bob's feed")).toBe("sockscope send --profile 'Bob'\\''s feed'")
    expect(commandLine('listen', { url: 'ws://h/', protocol: { kind: 'mqtt', mqtt: { username: 'u' } }, tls: { ca: ['PEM'] } })).toBe(
      "sockscope listen ws://h/ --ca ca.pem --protocol mqtt\n# Not on this line: ca.pem: save the CA certificate from the TLS settings there; the protocol's settings (use --profile with a saved profile)."
    )
    expect(commandLine('listen', { url: 'ws://h/', protocol: { kind: 'stomp' } })).toBe('sockscope listen ws://h/ --protocol stomp')
  })
})
