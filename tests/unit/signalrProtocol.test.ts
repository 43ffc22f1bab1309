/**
 * SignalR's JSON hub protocol (HubProtocol.md). Our parser reads every record the way the official client's
 * `JsonHubProtocol` does (`@microsoft/signalr`, the reference implementation): the same fields for what both accept,
 * and never a message where it finds none; our builders write what it writes. Frames of several records read as
 * `+N more`, and nothing, however broken, throws. The session is in signalrSession.test.ts.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { JsonHubProtocol, NullLogger, type HubMessage } from '@microsoft/signalr'
import { protocolOf } from '../../src/shared/protocols'
import {
  cancelInvocation,
  close,
  handshakeRequest,
  invocation,
  looksLikeSignalr,
  parseSignalrFrame,
  ping,
  signalrModule,
  streamCompletion,
  streamInvocation,
  streamItem,
  type SignalrRecord
} from '../../src/shared/protocols/signalr'

const RS = '\x1e'
const official = new JsonHubProtocol()
/** The official client's reading of one frame, or null when it rejects it. */
function theirs(frame: string): HubMessage[] | null {
  try {
    return official.parseMessages(frame, NullLogger.instance)
  } catch {
    return null
  }
}
function ours(frame: string): SignalrRecord[] {
  const f = parseSignalrFrame(frame)
  if ('invalid' in f) throw new Error(f.invalid)
  return f.records
}
const SPEC_FIELDS = ['type', 'invocationId', 'target', 'arguments', 'streamIds', 'item', 'result', 'error', 'allowReconnect', 'sequenceId']
/** Each message's fields by its type ("… Message Encoding"); both sides ignore the rest (headers, unknown fields). */
const FIELDS_OF: Record<number, string[]> = {
  1: ['type', 'invocationId', 'target', 'arguments', 'streamIds'],
  2: ['type', 'invocationId', 'item'],
  3: ['type', 'invocationId', 'result', 'error'],
  6: ['type'],
  7: ['type', 'error', 'allowReconnect'],
  8: ['type', 'sequenceId'],
  9: ['type', 'sequenceId']
}
const specFields = (m: HubMessage): Record<string, unknown> =>
  Object.fromEntries(Object.entries(m).filter(([k]) => FIELDS_OF[m.type].includes(k)))
// The official client ignores the messages a client never receives (StreamInvocation, CancelInvocation) and types it does not know.
const CLIENT_RECEIVES = [1, 2, 3, 6, 7, 8, 9]

const id = fc.string({ minLength: 1, maxLength: 8 })
const json = fc.jsonValue({ maxDepth: 2 })
const args = fc.array(json, { maxLength: 3 })
/** Messages as the spec's "… Message Encoding" sections write them. */
const message = fc.oneof(
  fc.record({ type: fc.constant(1), invocationId: id, target: id, arguments: args }, { requiredKeys: ['type', 'target', 'arguments'] }),
  fc.record({ type: fc.constant(1), invocationId: id, target: id, arguments: args, streamIds: fc.array(id, { maxLength: 2 }) }),
  fc.record({ type: fc.constant(2), invocationId: id, item: json }),
  fc.record({ type: fc.constant(3), invocationId: id, result: json }, { requiredKeys: ['type', 'invocationId'] }),
  fc.record({ type: fc.constant(3), invocationId: id, error: fc.string({ minLength: 1 }) }),
  fc.record({ type: fc.constant(4), invocationId: id, target: id, arguments: args }),
  fc.record({ type: fc.constant(5), invocationId: id }),
  fc.constant({ type: 6 }),
  fc.record({ type: fc.constant(7), error: fc.string(), allowReconnect: fc.boolean() }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constantFrom(8, 9), sequenceId: fc.nat() })
)
/** Records that may break any rule: a type (or none) with any of the spec's fields, holding anything. */
const anyRecord = fc
  .record({
    type: fc.oneof(fc.integer({ min: 0, max: 11 }), json),
    fields: fc.dictionary(fc.constantFrom(...SPEC_FIELDS.slice(1), 'headers', 'protocol'), fc.oneof(json, id), { maxKeys: 4 })
  })
  .map(({ type, fields }) => ({ ...fields, type }))
const recordText = fc.oneof(
  message.map((m) => JSON.stringify(m)),
  anyRecord.map((m) => JSON.stringify(m)),
  fc.string({ maxLength: 12 })
)

describe('reading SignalR frames, against the official JsonHubProtocol', () => {
  it('reads every message the spec writes with the same fields as the official client (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 4 }), (messages) => {
        const frame = messages.map((m) => JSON.stringify(m) + RS).join('')
        const read = ours(frame)
        expect(read.map((r) => r.type)).toEqual(messages.map((m) => m.type))
        const official = theirs(frame)
        expect(official).not.toBeNull()
        expect(read.filter((r) => CLIENT_RECEIVES.includes(r.type as number))).toEqual(official!.map(specFields))
      }),
      { numRuns: 300 }
    )
  })

  it('never finds a message in a record the official client rejects, and agrees on what both accept (fast-check)', () => {
    fc.assert(
      fc.property(recordText, (text) => {
        const [read] = ours(text + RS)
        const official = theirs(text + RS)
        // A record without a type is the handshake, which the official client reads apart (HandshakeProtocol).
        if (read.type === 'handshake-request' || read.type === 'handshake-response') return
        if (official === null) expect(read.type).toBe('invalid')
        else if (official.length === 1 && read.type !== 'invalid') expect(read).toEqual(specFields(official[0]))
      }),
      { numRuns: 1000 }
    )
  })

  it('is stricter than the official client where the spec is: arguments, a Completion with both result and error, a Close’s fields', () => {
    for (const text of ['{"type":1,"target":"Send"}', '{"type":3,"invocationId":"1","result":0,"error":"boom"}', '{"type":7,"error":5}']) {
      expect(theirs(text + RS)).not.toBeNull()
      expect(ours(text + RS)[0].type).toBe('invalid')
    }
  })

  it('writes client frames that read back as built, and as the official client writes them (fast-check)', () => {
    fc.assert(
      fc.property(id, args, fc.option(id, { nil: undefined }), json, (target, a, invocationId, item) => {
        const call = invocation(target, a, invocationId)
        const built = { type: 1, target, arguments: JSON.parse(JSON.stringify(a)) as unknown[], ...(invocationId ? { invocationId } : {}) }
        expect(ours(call)).toEqual([built])
        expect(JSON.parse(call.slice(0, -1))).toEqual(JSON.parse(official.writeMessage(built as HubMessage).slice(0, -1)))
        expect(theirs(call)!.map(specFields)).toEqual([built])
        expect(ours(streamInvocation(target, a, 'x'))).toEqual([{ ...built, type: 4, invocationId: 'x' }])
        expect(ours(cancelInvocation(target))).toEqual([{ type: 5, invocationId: target }])
        expect(ours(streamItem(target, item))).toEqual([{ type: 2, invocationId: target, item: JSON.parse(JSON.stringify(item)) }])
        expect(ours(streamCompletion(target))).toEqual([{ type: 3, invocationId: target }])
      }),
      { numRuns: 200 }
    )
    expect(handshakeRequest()).toBe(`{"protocol":"json","version":1}${RS}`)
    expect(ours(handshakeRequest())).toEqual([{ type: 'handshake-request', protocol: 'json', version: 1 }])
    expect(ping()).toBe(`{"type":6}${RS}`)
    expect(ours(close())).toEqual([{ type: 7 }])
    expect(theirs(close('bye'))).toEqual([{ type: 7, error: 'bye' }])
  })

  it('describes any frame without throwing: several records as +N more, muted only when all are pings (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(recordText, { minLength: 1, maxLength: 5 }), (records) => {
        const view = signalrModule.describe(records.map((r) => r + RS).join(''), null)
        expect(view.kind.endsWith(records.length > 1 ? ` +${records.length - 1} more` : view.kind.slice(-1))).toBe(true)
        expect(view.keepAlive).toBe(records.every((r) => ours(r + RS)[0].type === 6))
      }),
      { numRuns: 300 }
    )
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 24 })), (frame) => {
        expect(typeof signalrModule.describe(frame, null).kind).toBe('string')
      }),
      { numRuns: 300 }
    )
  })

  it('names frames for the log, and says why one is not SignalR', () => {
    const d = (f: string | Uint8Array) => signalrModule.describe(f, null)
    expect(d(`{"type":1,"target":"ReceiveMessage","arguments":["ann","hi"]}${RS}`)).toEqual({
      kind: 'Invocation ReceiveMessage',
      text: '"ann", "hi"',
      keepAlive: false
    })
    expect(d(invocation('SendMessage', ['ann', { n: 1 }], '3'))).toMatchObject({
      kind: 'Invocation SendMessage #3',
      text: '"ann", {"n":1}'
    })
    expect(d(streamInvocation('Counter', [3], '2'))).toMatchObject({ kind: 'StreamInvocation Counter #2', text: '3' })
    expect(d(`{"type":2,"invocationId":"2","item":{"x":1}}${RS}`)).toMatchObject({ kind: 'StreamItem #2', text: '{"x":1}' })
    expect(d(`{"type":3,"invocationId":"3","result":42}${RS}`)).toEqual({ kind: 'Completion #3', text: '42', keepAlive: false })
    expect(d(`{"type":3,"invocationId":"3"}${RS}`)).toEqual({ kind: 'Completion #3', text: '', keepAlive: false })
    expect(d(`{"type":3,"invocationId":"3","error":"It didn't work!"}${RS}`)).toEqual({
      kind: 'Completion #3 error',
      text: "It didn't work!",
      keepAlive: false,
      error: true
    })
    expect(d(cancelInvocation('2'))).toMatchObject({ kind: 'CancelInvocation #2' })
    expect(d(ping())).toEqual({ kind: 'Ping', text: '', keepAlive: true })
    expect(d(`${ping()}${ping()}`)).toEqual({ kind: 'Ping +1 more', text: 'Ping', keepAlive: true })
    expect(d(close())).toEqual({ kind: 'Close', text: '', keepAlive: false })
    expect(d(`{"type":7,"error":"Server is stopping.","allowReconnect":true}${RS}`)).toEqual({
      kind: 'Close',
      text: 'Server is stopping. (reconnect allowed)',
      keepAlive: false,
      error: true
    })
    expect(d(handshakeRequest())).toEqual({ kind: 'handshake', text: 'protocol json, version 1', keepAlive: false })
    expect(d(`{}${RS}`)).toEqual({ kind: 'handshake', text: 'accepted', keepAlive: false })
    expect(d(`{"error":"Requested protocol 'json' is not available."}${RS}`)).toEqual({
      kind: 'handshake error',
      text: "Requested protocol 'json' is not available.",
      keepAlive: false,
      error: true
    })
    // The hub may send its first messages in the handshake response's frame.
    expect(d(`{}${RS}{"type":1,"target":"Welcome","arguments":[1]}${RS}`)).toEqual({
      kind: 'handshake +1 more',
      text: 'accepted | Invocation Welcome: 1',
      keepAlive: false
    })
    expect(d(`{"type":8,"sequenceId":12}${RS}`)).toMatchObject({ kind: 'Ack 12' })
    expect(d(`{"type":42,"x":1}${RS}`)).toEqual({ kind: 'type 42', text: '{"x":1}', keepAlive: false })
    expect(d(new TextEncoder().encode(ping()))).toMatchObject({ kind: 'Ping', keepAlive: true })
    expect(d('{"type":6}')).toEqual({
      kind: 'invalid',
      text: 'not a SignalR JSON frame: it does not end with the record separator 0x1E',
      keepAlive: false
    })
    expect(d(`{"type":3}${RS}`)).toMatchObject({ kind: 'invalid', text: 'not SignalR: a Completion without an invocationId' })
    expect(d(`{"type":1,${RS}`)).toMatchObject({ kind: 'invalid', text: expect.stringMatching(/^not SignalR: a record that is not JSON/) })
    expect(d(new Uint8Array([0x95, 0x01, 0xc0, 0xff]))).toMatchObject({ kind: 'invalid', text: expect.stringContaining('MessagePack') })
    expect(d(`{"type":1,"target":"${'x'.repeat(500)}","arguments":["${'y'.repeat(500)}"]}${RS}`).text.length).toBeLessThanOrEqual(240)
  })

  it('knows a hub by its URL', () => {
    for (const url of [
      'wss://example.test/chathub',
      'ws://127.0.0.1:5000/ChatHub?id=abc',
      'wss://example.test/hubs/notificationHub/',
      'wss://example.test/hubs/chat',
      'wss://example.test/hub',
      'wss://x.service.signalr.net/client/?hub=chat&id=1'
    ])
      expect([url, looksLikeSignalr(url)]).toEqual([url, true])
    for (const url of [
      'wss://example.test/chat?id=abc',
      'wss://example.test/socket.io/?EIO=4',
      'wss://example.test/hubspot',
      'not a url',
      'wss://example.test/client'
    ])
      expect([url, looksLikeSignalr(url)]).toEqual([url, false])
    expect(protocolOf('ws://127.0.0.1:1/chathub', undefined)).toBe('signalr')
  })
})
