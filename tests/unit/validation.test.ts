/**
 * Issue 15, validation defects: each refusal says what was wrong and what to do, in the user's words, and nothing
 * the user typed is sent other than as typed. The settings form's part is in tests/renderer/validationForm.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { newTestService } from '../helpers/service'
import { headerValueProblem, splitSubprotocols, wsSchemeFix, wsUrlProblem } from '../../src/shared/validate'
import { validateConnectionOptions } from '../../src/shared/schema'
import { parseProfilesDoc, PROFILES_SCHEMA_VERSION } from '../../src/shared/profiles'

/** The message a `connect` call is refused with, as the UI shows it. */
const refusal = async (options: unknown): Promise<string> => {
  const svc = newTestService()
  try {
    await svc.service.call(
      svc.service.openSession('v', () => undefined),
      'connect',
      [options]
    )
    throw new Error('the call was accepted')
  } catch (err) {
    return (err as Error).message
  } finally {
    await svc.dispose()
  }
}

describe('URL checks', () => {
  it('says a port outside 1–65535 is out of range, not only "not a valid URL"', async () => {
    expect(await refusal({ url: 'wss://localhost:99999/' })).toBe('URL: the port 99999 is out of range; use a port from 1 to 65535')
    expect(wsUrlProblem('ws://user:pw@[::1]:70000/x?y=1')).toMatch(/port 70000 is out of range/)
    expect(wsUrlProblem('ws://127.0.0.1:0/')).toMatch(/port 0 is out of range; use a port from 1 to 65535/)
    expect(wsUrlProblem('ws://h:8o8o/')).toMatch(/the port "8o8o" is not a number/)
    expect(wsUrlProblem('wss://localhost:65535/')).toBeNull()
    expect(wsUrlProblem('ws://[::1]:8080/')).toBeNull()
    expect(wsUrlProblem('not a url')).toMatch(/is not a valid URL/)
  })

  it('names a web-page scheme and its WebSocket fix, with no argument path', async () => {
    const m = await refusal({ url: 'https://example.com/socket?token=s3cret' })
    expect(m).toBe('URL: https:// is for web pages, not WebSockets; use wss://example.com/socket')
    expect(m).not.toMatch(/argument|options\.|\b\d+\.[a-z]/)
    expect(await refusal({ url: 'http://example.com/' })).toMatch(
      /^URL: http:\/\/ is for web pages, not WebSockets; use ws:\/\/example\.com\/$/
    )
  })

  it('offers the fix as the URL as typed with only the scheme changed', () => {
    expect(wsSchemeFix(' https://example.com/socket?x=1 ')).toBe('wss://example.com/socket?x=1')
    expect(wsSchemeFix('HTTP://{{host}}:8080/feed')).toBe('ws://{{host}}:8080/feed')
    expect(wsSchemeFix('wss://example.com/')).toBeNull()
    expect(wsSchemeFix('httpx://example.com/')).toBeNull()
  })
})

describe('subprotocols', () => {
  it('accepts commas and/or spaces between subprotocols', () => {
    expect(splitSubprotocols(' chat  superchat,v2.json ,\tgraphql-ws, ')).toEqual(['chat', 'superchat', 'v2.json', 'graphql-ws'])
    const migrated = parseProfilesDoc({ schemaVersion: 1, connections: [{ name: 'a', url: 'ws://h/', protocols: 'a b,c' }] })
    expect(migrated.schemaVersion).toBe(PROFILES_SCHEMA_VERSION)
    expect(migrated.profiles[0].options.subprotocols).toEqual(['a', 'b', 'c'])
  })

  it('says which subprotocol is repeated, and how to separate several', async () => {
    expect(await refusal({ url: 'ws://x', subprotocols: ['chat', 'chat'] })).toMatch(/^Subprotocols: .*"chat" is listed twice/)
    expect(await refusal({ url: 'ws://x', subprotocols: ['a/b'] })).toMatch(/^Subprotocol 1: .*separate several with commas or spaces/)
  })
})

describe('header and query rows', () => {
  it('refuses a header or query parameter with a value but no name', async () => {
    expect(await refusal({ url: 'ws://x', headers: [{ name: '', value: 'abc' }] })).toBe(
      'Header 1 name: a header with a value needs a name; type the name, or clear the value to drop the row'
    )
    expect(await refusal({ url: 'ws://x', query: [{ name: '', value: 'v' }] })).toMatch(
      /^Query parameter 1 name: a query parameter with a value needs a name/
    )
    expect(await refusal({ url: 'ws://x', headers: [{ name: 'a b', value: '' }] })).toMatch(
      /^Header 1 name: "a b" is not a valid header name/
    )
  })

  it('refuses a non-ASCII header value, says why (RFC 9110) and what to do', async () => {
    const m = await refusal({ url: 'ws://x', headers: [{ name: 'X-User', value: 'café' }] })
    expect(m).toBe(
      'Header 1 value: character 4 ("é") is not US-ASCII: header values are US-ASCII text (RFC 9110 §5.5), so the server would read other bytes than you typed; percent-encode the value ("é" is %C3%A9) or base64 it, whichever the server expects'
    )
    // A secret's characters are not repeated in the message.
    const secret = await refusal({ url: 'ws://x', headers: [{ name: 'X-Key', value: 'pässword', secret: true }] })
    expect(secret).toMatch(/^Header 1 value: character 2 is not US-ASCII/)
    expect(secret).not.toContain('ä')
    expect(headerValueProblem('a😀b')).toMatch(/character 2 \("😀"\) .*%F0%9F%98%80/)
    expect(headerValueProblem('a\u0001b')).toMatch(/character 2 is a control character/)
    expect(headerValueProblem('plain ASCII\tvalue ~!')).toBeNull()
    expect(validateConnectionOptions({ url: 'ws://x', headers: [{ name: 'X-User', value: 'caf%C3%A9' }] }).headers).toHaveLength(1)
    // A saved profile keeps the value as typed: only sending refuses it.
    const saved = parseProfilesDoc({
      schemaVersion: PROFILES_SCHEMA_VERSION,
      folders: [],
      environments: [],
      settings: { persistInsecureSecrets: false },
      profiles: [
        {
          id: 'p',
          name: 'P',
          folder: '',
          options: { url: 'ws://x', headers: [{ name: 'X-User', value: 'naïve' }] },
          savedMessages: [],
          updatedAt: new Date(0).toISOString()
        }
      ]
    })
    expect(saved.profiles[0].options.headers?.[0].value).toBe('naïve')
  })
})

describe('auth and Origin go out as header values', () => {
  it('refuses a non-ASCII bearer token or header API key without echoing the secret, and names the field', async () => {
    const bearer = await refusal({ url: 'ws://x', auth: { type: 'bearer', token: 'abc€def' } })
    expect(bearer).toMatch(/^Token: character 4 is not US-ASCII: header values are US-ASCII text \(RFC 9110 §5\.5\)/)
    expect(bearer).not.toContain('€')
    const key = await refusal({ url: 'ws://x', auth: { type: 'apiKey', name: 'X-Key', value: 'ключ', in: 'header' } })
    expect(key).toMatch(/^Key value: character 1 is not US-ASCII/)
    expect(await refusal({ url: 'ws://x', auth: { type: 'apiKey', name: 'X Key', value: 'k', in: 'header' } })).toMatch(
      /^Key name: "X Key" is not a valid header name/
    )
  })

  it('accepts what is sent encoded: an API key in the query, Basic credentials (UTF-8, RFC 7617 §2.1)', () => {
    expect(() =>
      validateConnectionOptions({ url: 'ws://x', auth: { type: 'apiKey', name: 'key', value: 'ключ', in: 'query' } })
    ).not.toThrow()
    expect(() => validateConnectionOptions({ url: 'ws://x', auth: { type: 'basic', username: 'zoë', password: 'pässword' } })).not.toThrow()
  })

  it('refuses a non-ASCII Origin and offers its punycode form', async () => {
    expect(await refusal({ url: 'ws://x', origin: 'https://café.example' })).toBe(
      "Origin: is not ASCII; an origin's host goes in its punycode form: use https://xn--caf-dma.example"
    )
    expect(await refusal({ url: 'ws://x', origin: 'not a url ü' })).toMatch(/^Origin: character 11 \("ü"\) is not US-ASCII/)
    expect(() => validateConnectionOptions({ url: 'ws://x', origin: 'https://xn--caf-dma.example' })).not.toThrow()
  })
})
