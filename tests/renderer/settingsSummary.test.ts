import { describe, expect, it } from 'vitest'
import { newDraft } from '../../src/renderer/src/mappers/draft'
import { settingsSummary } from '../../src/renderer/src/lib/settingsSummary'

describe('the folded settings line', () => {
  it('says "defaults" for a plain connection', () => {
    expect(settingsSummary(newDraft('ws://127.0.0.1:1/'))).toBe('defaults')
  })

  it('names what differs, in the order of the tabs, and never a secret', () => {
    const d = newDraft('wss://127.0.0.1:1/')
    d.headers.push({ name: 'X-A', value: '1' }, { name: 'Authorization', value: 'Bearer s3cret', secret: true }, { name: '', value: '' })
    d.subprotocols = 'chat.v2, json  graphql-ws'
    d.auth = { type: 'bearer', token: 's3cret' }
    d.tls.ca = '-----BEGIN CERTIFICATE-----'
    d.heartbeat.intervalSec = 5
    d.reconnect.enabled = true
    const line = settingsSummary(d)
    expect(line).toBe('2 headers · chat.v2, json +1 · Bearer token · TLS: custom CA · ping 5 s · reconnects')
    expect(line).not.toContain('s3cret')
  })

  it('names the decode chains, the Protobuf schema and a changed decoded size limit', () => {
    const d = newDraft('ws://127.0.0.1:1/')
    d.decodeIn = 'protobuf:feed.Tick'
    d.decodeOut = 'gzip → json'
    d.protobuf = { files: ['feed.proto', 'common.proto'], id: 'x', definitions: {} }
    d.decodeMaxOutputMiB = 8
    expect(settingsSummary(d)).toBe(
      'decode in: protobuf:feed.Tick · decode out: gzip → json · Protobuf: feed.proto, common.proto · decoded size limit 8 MiB'
    )
  })

  it('names the protocol the URL or the setting picks, with its namespace', () => {
    const d = newDraft('ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket')
    expect(settingsSummary(d)).toBe('Socket.IO')
    d.protocol.namespace = '/admin'
    expect(settingsSummary(d)).toBe('Socket.IO /admin')
    d.protocol.kind = 'raw'
    expect(settingsSummary(d)).toBe('defaults')
  })
})
