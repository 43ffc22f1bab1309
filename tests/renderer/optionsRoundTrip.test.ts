/**
 * Issue 11, item 12: every valid options object survives profile → settings form → profile unchanged, an edit in
 * the form changes only what was edited, and secrets survive being kept apart. Property-based (fast-check).
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { ConnectionOptions, KeyValue, OutgoingMessage } from '../../src/shared/options'
import { validateConnectionOptions } from '../../src/shared/schema'
import { extractProfileSecrets, injectProfileSecrets, profileSecretKey } from '../../src/shared/secrets'
import { parseProfilesDoc, type Profile } from '../../src/shared/profiles'
import { draftToOptions, preambleMessages } from '../../src/renderer/src/mappers/draft'
import { optionsToDraft } from '../../src/renderer/src/mappers/draftFromOptions'

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/)
const value = fc.string({ maxLength: 20 }).filter((s) => !/[\r\n\0]/.test(s))
const kv = (name: fc.Arbitrary<string>): fc.Arbitrary<KeyValue> =>
  fc.record(
    { name, value, secret: fc.option(fc.boolean(), { nil: undefined }), enabled: fc.option(fc.boolean(), { nil: undefined }) },
    { requiredKeys: ['name', 'value'] }
  )
const message: fc.Arbitrary<OutgoingMessage> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), data: fc.string({ maxLength: 30 }) }),
  fc.record({
    kind: fc.constant('binary' as const),
    encoding: fc.constant('hex' as const),
    data: fc.stringMatching(/^([0-9a-f]{2}){0,8}$/)
  }),
  fc.record({
    kind: fc.constant('binary' as const),
    encoding: fc.constant('base64' as const),
    data: fc.constantFrom('', 'AAEC', 'aGVsbG8=')
  })
)
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'
const count = (min: number, max: number) => fc.integer({ min, max })

const options: fc.Arbitrary<ConnectionOptions> = fc
  .record(
    {
      url: fc
        .tuple(
          fc.constantFrom('ws', 'wss'),
          fc.constantFrom('', 'user@', 'user:pa55@'),
          fc.domain(),
          fc.stringMatching(/^(\/[a-z0-9]{0,6}){0,3}$/)
        )
        .map(([s, userinfo, host, path]) => `${s}://${userinfo}${host}${path}`),
      query: fc.array(kv(fc.stringMatching(/^[a-z]{1,6}$/)), { maxLength: 3 }),
      headers: fc.array(kv(token), { maxLength: 3 }),
      subprotocols: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9.]{0,8}$/), { maxLength: 3 }),
      origin: fc.constantFrom('https://app.example', 'http://localhost:3000'),
      auth: fc.oneof(
        fc.constant({ type: 'none' as const }),
        fc.record({ type: fc.constant('basic' as const), username: value.filter((s) => !s.includes(':')), password: value }),
        fc.record({ type: fc.constant('bearer' as const), token: value }),
        fc.record({ type: fc.constant('apiKey' as const), name: token, value, in: fc.constantFrom('header' as const, 'query' as const) })
      ),
      tls: fc.record(
        {
          ca: fc.array(fc.constant(PEM), { maxLength: 2 }),
          passphrase: value,
          servername: fc.domain(),
          allowInvalidCertificates: fc.boolean()
        },
        { requiredKeys: [] }
      ),
      proxy: fc.record({
        type: fc.constantFrom('http' as const, 'socks5' as const),
        url: fc.constantFrom('http://127.0.0.1:8080', 'socks5://u:p@127.0.0.1:1080')
      }),
      handshakeTimeoutMs: count(1, 600_000),
      closeTimeoutMs: count(1, 600_000),
      maxPayloadBytes: count(1, 1 << 30),
      maxFragments: count(1, 1_000_000),
      maxBufferedChunks: count(1, 10_000_000),
      perMessageDeflate: fc.boolean(),
      followRedirects: fc.boolean(),
      maxRedirects: count(0, 20),
      heartbeat: fc.record(
        { intervalSec: count(0, 86_400), payload: fc.string({ maxLength: 10 }), pongTimeoutMs: count(0, 600_000), autoPong: fc.boolean() },
        { requiredKeys: ['intervalSec'] }
      ),
      reconnect: fc.record(
        {
          enabled: fc.boolean(),
          baseMs: count(1, 1000),
          capMs: count(1000, 3_600_000),
          maxAttempts: count(0, 100),
          stableMs: count(0, 3_600_000)
        },
        { requiredKeys: ['enabled'] }
      ),
      preamble: fc.array(message, { maxLength: 4 })
    },
    { requiredKeys: ['url'] }
  )
  .filter((o) => {
    try {
      validateConnectionOptions(o)
      return true
    } catch {
      return false
    }
  })

const profileOf = (o: ConnectionOptions): Profile => ({ id: 'p1', name: 'P', folder: '', options: o, savedMessages: [], updatedAt: '' })

describe('issue 11 item 12: options survive the settings form', () => {
  it('item 12: every valid options object round-trips profile → form → profile unchanged', () => {
    fc.assert(
      fc.property(options, (o) => {
        // Before the fix maxFragments, maxBufferedChunks, maxRedirects, stableMs and binary preamble messages were lost.
        expect(draftToOptions(optionsToDraft(o))).toEqual(o)
      }),
      { numRuns: 500 }
    )
  })

  it('item 12: an edit in the form changes only what was edited, and stays valid', () => {
    const edits = fc.constantFrom('url', 'ping', 'preamble', 'fragments', 'header') as fc.Arbitrary<
      'url' | 'ping' | 'preamble' | 'fragments' | 'header'
    >
    fc.assert(
      fc.property(options, edits, (o, edit) => {
        const d = optionsToDraft(o)
        const apply: Record<typeof edit, () => keyof ConnectionOptions> = {
          url: () => ((d.url = 'ws://edited.example/x'), 'url'),
          ping: () => ((d.heartbeat.intervalSec = d.heartbeat.intervalSec === 7 ? 8 : 7), 'heartbeat'),
          preamble: () => ((d.preamble = `${d.preamble}\nhex:0a0b`), 'preamble'),
          fragments: () => ((d.maxFragments = d.maxFragments === 33 ? 34 : 33), 'maxFragments'),
          header: () => (d.headers.push({ name: 'X-Added', value: 'yes' }), 'headers')
        }
        const key = apply[edit]()
        const out = draftToOptions(d)
        expect(validateConnectionOptions(out)).toEqual(out)
        const rest = (x: ConnectionOptions): ConnectionOptions => ({ ...x, [key]: undefined })
        expect(JSON.parse(JSON.stringify(rest(out)))).toEqual(JSON.parse(JSON.stringify(rest(o))))
        if (edit === 'preamble') expect(out.preamble?.at(-1)).toEqual({ kind: 'binary', encoding: 'hex', data: '0a0b' })
        if (edit === 'header') expect(out.headers?.at(-1)).toEqual({ name: 'X-Added', value: 'yes' })
      }),
      { numRuns: 300 }
    )
  })

  it('item 12: through the profiles file and the secrets store, options come back unchanged', () => {
    fc.assert(
      fc.property(options, (o) => {
        const { clean, secrets } = extractProfileSecrets(profileOf(o))
        const stored = parseProfilesDoc(
          JSON.parse(
            JSON.stringify({
              schemaVersion: 2,
              folders: [],
              profiles: [clean],
              environments: [],
              settings: { persistInsecureSecrets: false }
            })
          )
        )
        const back = injectProfileSecrets(stored.profiles[0], (k) => secrets[k]).profile
        expect(back.options).toEqual(o)
        for (const k of Object.keys(secrets)) expect(k.startsWith(profileSecretKey('p1', 'options.'))).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it('the preamble editor reads binary lines and keeps look-alike text as text', () => {
    expect(preambleMessages('hello\nhex:0a0b\nbase64:AAE=\ntext:hex:not binary')).toEqual([
      { kind: 'text', data: 'hello' },
      { kind: 'binary', encoding: 'hex', data: '0a0b' },
      { kind: 'binary', encoding: 'base64', data: 'AAE=' },
      { kind: 'text', data: 'hex:not binary' }
    ])
  })
})
