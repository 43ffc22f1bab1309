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
import { optionsWithoutSecrets, profileSecretPaths, secretLabel } from '../../src/shared/secrets'
import type { Profile } from '../../src/shared/profiles'

describe('the protocol setting', () => {
  it('goes into the options only when set, and comes back into the form', () => {
    const d = newDraft('ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket')
    expect(draftToOptions(d).protocol).toBeUndefined()
    expect(draftProtocol(d)).toBe('socketio')
    Object.assign(d, { protocolKind: 'socketio', protocolNamespace: ' /admin ', protocolAuth: '{"token":"s3cret"}' })
    const o = validateConnectionOptions(draftToOptions(d))
    expect(o.protocol).toEqual({ kind: 'socketio', namespace: '/admin', auth: '{"token":"s3cret"}' })
    const back = optionsToDraft(o)
    expect([back.protocolKind, back.protocolNamespace, back.protocolAuth]).toEqual(['socketio', '/admin', '{"token":"s3cret"}'])
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

  it('refuses a namespace without its slash and an auth payload that is not a JSON object, in words', () => {
    expect(() => validateConnectionOptions({ url: 'ws://x', protocol: { namespace: 'admin' } })).toThrow(
      'options.protocol.namespace: must start with / (for example /admin)'
    )
    expect(() => validateConnectionOptions({ url: 'ws://x', protocol: { auth: '[1]' } })).toThrow(
      'options.protocol.auth: must be a JSON object, for example {"token": "…"}'
    )
    expect(argumentLabel('connect', '0.protocol.auth')).toBe('Socket.IO auth payload')
  })
})
