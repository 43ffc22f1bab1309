/**
 * The protocol setting travels from the form into the options and back, a profile keeps its Socket.IO auth payload
 * as a secret (never in profiles.json or a recording's header), and a namespace or payload it cannot use is refused
 * naming the field as the panel does.
 */
import { describe, expect, it } from 'vitest'
import { draftProtocol, draftToOptions, newDraft } from '../../src/renderer/src/mappers/draft'
import { optionsToDraft } from '../../src/renderer/src/mappers/draftFromOptions'
import { validateConnectionOptions } from '../../src/shared/schema'
import { argumentLabel } from '../../src/shared/fieldLabels'
import {
  extractProfileSecrets,
  injectProfileSecrets,
  optionsWithoutSecrets,
  profileSecretPaths,
  secretLabel
} from '../../src/shared/secrets'
import { profileSchema, type Profile } from '../../src/shared/profiles'
import * as v from 'valibot'
import { rowDecoded } from '../../src/renderer/src/components/log/rowText'
import { decodeSetup } from '../../src/renderer/src/lib/decodeSetup'
import type { LogEntry } from '../../src/renderer/src/stores/messageLog'

describe('the protocol setting', () => {
  it('goes into the options only when set, and comes back into the form', () => {
    const d = newDraft('ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket')
    expect(draftToOptions(d).protocol).toBeUndefined()
    expect(draftProtocol(d)).toBe('socketio')
    Object.assign(d.protocol, { kind: 'socketio', namespace: ' /admin ', auth: '{"token":"s3cret"}' })
    const o = validateConnectionOptions(draftToOptions(d))
    expect(o.protocol).toEqual({ kind: 'socketio', namespace: '/admin', auth: '{"token":"s3cret"}' })
    const back = optionsToDraft(o)
    expect([back.protocol.kind, back.protocol.namespace, back.protocol.auth]).toEqual(['socketio', '/admin', '{"token":"s3cret"}'])
  })

  it("keeps each protocol's connect settings, only where they differ from the defaults, and brings them back", () => {
    const d = newDraft('ws://127.0.0.1:1/mqtt')
    Object.assign(d.protocol, {
      kind: 'mqtt',
      keepAlive: false,
      graphqlParams: '{"authorization":"Bearer t"}',
      stompHost: 'vhost',
      stompLogin: 'guest',
      stompPasscode: 'pw ',
      stompHeartBeatMs: '5000',
      mqttVersion: 5,
      mqttClientId: 'probe-1',
      mqttUsername: 'u',
      mqttPassword: 'p',
      mqttCleanStart: false,
      mqttKeepAliveS: '30',
      signalrKeepAliveMs: '1000'
    })
    const o = validateConnectionOptions(draftToOptions(d))
    expect(o.protocol).toEqual({
      kind: 'mqtt',
      keepAlive: false,
      graphql: { connectionParams: '{"authorization":"Bearer t"}' },
      stomp: { host: 'vhost', login: 'guest', passcode: 'pw ', heartBeatMs: 5000 },
      mqtt: { version: 5, clientId: 'probe-1', username: 'u', password: 'p', cleanStart: false, keepAliveS: 30 },
      signalr: { keepAliveMs: 1000 }
    })
    expect(optionsToDraft(o).protocol).toEqual(d.protocol)
    expect(draftProtocol(optionsToDraft(o))).toBe('mqtt')
  })

  it('picks the protocol from the negotiated subprotocol before the URL', () => {
    const d = newDraft('ws://127.0.0.1:1/socket.io/?EIO=4')
    expect(draftProtocol(d, 'v12.stomp')).toBe('stomp')
    expect(draftProtocol(d, null)).toBe('socketio')
    d.protocol.kind = 'raw'
    expect(draftProtocol(d, 'v12.stomp')).toBe('raw')
  })

  it('keeps the auth payload as a secret', () => {
    const options = { url: 'ws://x/socket.io/', protocol: { namespace: '/admin', auth: '{"token":"s3cret"}' } }
    const profile = { options } as unknown as Profile
    expect(profileSecretPaths(profile)).toEqual(['options.protocol.auth'])
    expect(secretLabel(profile, 'options.protocol.auth')).toBe('the Socket.IO auth payload')
    const clean = optionsWithoutSecrets(options)
    expect(clean.options.protocol).toEqual({ namespace: '/admin', auth: '' })
    expect(JSON.stringify(clean)).not.toContain('s3cret')
  })

  it('puts every protocol secret back into a profile read from disk (found by the profile-per-protocol e2e test)', () => {
    const profile = {
      id: 'p1',
      name: 'All protocols',
      folder: '',
      savedMessages: [],
      updatedAt: '2026-11-29T00:00:00.000Z',
      options: {
        url: 'ws://x/',
        protocol: {
          auth: '{"token":"a"}',
          graphql: { connectionParams: '{"t":"g"}' },
          stomp: { passcode: 's' },
          mqtt: { password: 'm' }
        }
      }
    } as unknown as Profile
    const { clean, secrets } = extractProfileSecrets(profile)
    expect(JSON.stringify(clean.options)).not.toMatch(/"(a|g|s|m)"|token|"t"/)
    // What profiles.json keeps goes through the profile schema on the next load, secret paths included.
    const onDisk = v.parse(profileSchema, JSON.parse(JSON.stringify(clean))) as Profile
    const back = injectProfileSecrets(onDisk, (k) => secrets[k])
    expect(back.missing).toEqual([])
    expect(back.profile.options.protocol).toEqual(profile.options.protocol)
    expect(injectProfileSecrets(onDisk, () => undefined).missing).toHaveLength(4)
  })

  it('keeps the GraphQL params, the STOMP passcode and the MQTT password as secrets too', () => {
    const options = {
      url: 'ws://x/',
      protocol: { graphql: { connectionParams: '{"t":"g-secret"}' }, stomp: { passcode: 's-secret' }, mqtt: { password: 'm-secret' } }
    }
    const profile = { options } as unknown as Profile
    expect(profileSecretPaths(profile).map((p) => secretLabel(profile, p))).toEqual([
      'the GraphQL connection params',
      'the STOMP passcode',
      'the MQTT password'
    ])
    expect(JSON.stringify(optionsWithoutSecrets(options))).not.toMatch(/-secret/)
  })

  it('refuses a namespace without its slash and an auth payload that is not a JSON object, in words', () => {
    expect(() => validateConnectionOptions({ url: 'ws://x', protocol: { namespace: 'admin' } })).toThrow(
      'options.protocol.namespace: must start with / (for example /admin)'
    )
    expect(() => validateConnectionOptions({ url: 'ws://x', protocol: { auth: '[1]' } })).toThrow(
      'options.protocol.auth: must be a JSON object, for example {"token": "…"}'
    )
    expect(argumentLabel('connect', '0.protocol.auth')).toBe('Socket.IO auth payload')
    expect(() => validateConnectionOptions({ url: 'ws://x', protocol: { stomp: { login: 'a\nb' } } })).toThrow(
      'options.protocol.stomp.login: must be one line (no line breaks)'
    )
    expect(() => validateConnectionOptions({ url: 'ws://x', protocol: { mqtt: { keepAliveS: 70000 } } })).toThrow(
      'options.protocol.mqtt.keepAliveS: must be at most 65535'
    )
    expect(() => validateConnectionOptions({ url: 'ws://x', protocol: { kind: 'amqp' } })).toThrow(
      /must be auto, raw, socketio, graphql, stomp, mqtt or signalr/
    )
    expect(argumentLabel('connect', '0.protocol.mqtt.keepAliveS')).toBe('MQTT keep-alive (s)')
  })
})

describe('a Socket.IO connection’s log rows', () => {
  it('name the message, mute the keep-alive, and read each payload once', () => {
    const setup = decodeSetup(newDraft(), 'in')
    const entry = (data: string): LogEntry => ({ seq: 1, ts: 1, dir: 'in', kind: 'text', size: data.length, data })
    const event = entry('42/chat,5["message",{"text":"hi"}]')
    const row = rowDecoded(event, 'socketio', null, setup)
    expect(row).toEqual({ badge: 'event message /chat ack 5', text: '{"text":"hi"}', keepAlive: false })
    expect(rowDecoded(event, 'socketio', null, setup)).toBe(row)
    expect(rowDecoded(entry('3'), 'socketio', null, setup)).toEqual({ badge: 'engine pong', text: '', keepAlive: true })
    // Raw, the same frame is left to the codecs (none reads it): the row shows the text.
    expect(rowDecoded(entry('42["x"]'), 'raw', null, setup)).toBeNull()
  })
})
