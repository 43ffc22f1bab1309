/**
 * What the log makes of a protocol's frames in the page: the operations running (an emit awaiting its ack) and the
 * name its answer is shown with, a binary event's attachments named as its parts, the keep-alive hidden by the
 * filter when asked, and the composer's Socket.IO form building the frames the protocol expects.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ProtocolOperations } from '../../src/shared/protocols/operations'
import { rowDecoded } from '../../src/renderer/src/components/log/rowText'
import { decodeSetup } from '../../src/renderer/src/lib/decodeSetup'
import { newDraft } from '../../src/renderer/src/mappers/draft'
import { MessageLog, compileFilter, ALL_DIRS, ALL_KINDS, type LogEntry } from '../../src/renderer/src/stores/messageLog'
import { buildFormFrame, newFormState } from '../../src/renderer/src/lib/protocolForms'
import { parseSocketIoFrame } from '../../src/shared/protocols/socketio'
import { publishPacket } from '../../src/shared/protocols/mqttBuild'
import { pack } from 'msgpackr'
import { gzipSync } from 'fflate'

const setup = decodeSetup(newDraft(), 'in')
let seq = 0
const entry = (dir: 'in' | 'out', data: string | Uint8Array): LogEntry => ({
  seq: ++seq,
  ts: 1,
  dir,
  kind: typeof data === 'string' ? 'text' : 'binary',
  size: typeof data === 'string' ? data.length : data.byteLength,
  data
})

describe('operations of a Socket.IO connection', () => {
  it('an emit with an ack id runs until its ack, and the ack row names the emit', () => {
    const ops = new ProtocolOperations()
    const emit = entry('out', '42/admin,3["chat","hi"]')
    ops.follow('socketio', null, 'out', 'text', emit.data!, emit.seq)
    expect([...ops.running.values()]).toEqual([{ id: '/admin#3', name: 'chat', seq: emit.seq }])
    const ack = entry('in', '43/admin,3[{"ok":true}]')
    expect(rowDecoded(ack, 'socketio', null, setup, { operations: ops.names })?.badge).toBe('ack 3 /admin ← chat')
    ops.follow('socketio', null, 'in', 'text', ack.data!, ack.seq)
    expect(ops.running.size).toBe(0)
    // An ack of another namespace, or one nobody waited for, ends nothing and names nothing.
    expect(rowDecoded(entry('in', '433[1]'), 'socketio', null, setup, { operations: ops.names })?.badge).toBe('ack 3')
  })

  it('names the attachments of a binary event as its parts, in order, per direction (any interleaving)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.boolean(), { maxLength: 8 }), (n, textBetween) => {
        const ops = new ProtocolOperations()
        ops.follow('socketio', null, 'in', 'text', `45${n}-["upload",${'{"_placeholder":true},'.repeat(n).slice(0, -1)}]`, 1)
        const parts: Uint8Array[] = []
        for (let i = 0; i < n; i++) {
          // Our own frames going out meanwhile do not take the incoming attachments' places.
          if (textBetween[i]) ops.follow('socketio', null, 'out', 'text', '2', 1)
          const bytes = new Uint8Array([i])
          parts.push(bytes)
          ops.follow('socketio', null, 'in', 'binary', bytes, 1)
        }
        expect(parts.map((p) => ops.partOf(p))).toEqual(parts.map((_, i) => `event upload ${i + 1}/${n}`))
        const after = new Uint8Array([9])
        ops.follow('socketio', null, 'in', 'binary', after, 1)
        expect(ops.partOf(after)).toBeUndefined()
      }),
      { numRuns: 100 }
    )
  })
})

describe('payloads inside a protocol', () => {
  it('go through the codec chain: MessagePack in an MQTT PUBLISH is read, a STOMP text body is left as it is', () => {
    const publish = publishPacket('sensors/1', pack({ t: 21.5, unit: 'C' }), 0, false)
    const row = rowDecoded(entry('in', publish), 'mqtt', 'mqtt', setup, {})
    expect(row).toMatchObject({ badge: 'PUBLISH sensors/1 QoS0 · msgpack', text: '{"t":21.5,"unit":"C"}' })
    const message = 'MESSAGE\ndestination:/topic/prices\n\nEUR 1.08\u0000'
    expect(rowDecoded(entry('in', message), 'stomp', null, setup)).toMatchObject({ badge: 'MESSAGE /topic/prices', text: 'EUR 1.08' })
    // A chain the user pinned for the direction reads the payload, not the frame around it.
    const gz = gzipSync(new TextEncoder().encode('{"price":3001}'))
    const pinned = decodeSetup(Object.assign(newDraft(), { decodeIn: 'gzip → json' }), 'in')
    expect(rowDecoded(entry('in', publishPacket('prices', gz, 0, false)), 'mqtt', 'mqtt', pinned, {})).toMatchObject({
      badge: 'PUBLISH prices QoS0 · gzip→json',
      text: '{"price":3001}'
    })
  })
})

describe('hiding the keep-alive', () => {
  it('hides the protocol’s pings and pongs only, and shows everything on a raw connection', () => {
    const log = new MessageLog()
    for (const [dir, data] of [
      ['in', '2'],
      ['out', '3'],
      ['in', '42["chat","x"]'],
      ['out', '2'],
      ['in', '0{"sid":"a"}']
    ] as const)
      log.push(entry(dir, data))
    const spec = { text: '', caseSensitive: false, dirs: new Set(ALL_DIRS), kinds: new Set(ALL_KINDS) }
    log.setFilter(compileFilter({ ...spec, hideKeepAlive: { protocol: 'socketio', subprotocol: null } }))
    expect(log.viewLength()).toBe(2)
    expect(compileFilter({ ...spec, hideKeepAlive: { protocol: 'raw', subprotocol: null } })).toBeNull()
  })
})

describe('the Socket.IO form', () => {
  it('builds an emit with the next ack id only when an ack is expected, spreading an array into arguments', () => {
    const s = newFormState()
    s.values = { event: 'chat', namespace: '/admin', ack: true }
    s.nextId = 7
    const built = buildFormFrame('socketio', s, '["a", {"b": 1}]', null)
    expect(built).toEqual({ ok: true, tookId: true, message: { kind: 'text', data: '42/admin,7["chat","a",{"b":1}]' } })
    s.values = { event: 'chat', ack: false }
    expect(buildFormFrame('socketio', s, "{text: 'json5 too'}", null)).toMatchObject({
      message: { data: '42["chat",{"text":"json5 too"}]' }
    })
  })

  it('refuses a nameless event and arguments that are not JSON, in words', () => {
    const s = newFormState()
    expect(buildFormFrame('socketio', s, '', null)).toEqual({ ok: false, problem: 'Name the event to emit.' })
    s.values = { event: 'chat' }
    expect(buildFormFrame('socketio', s, '{oops', null)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^The arguments must be JSON: /)
    })
  })

  it('writes frames our own reader reads back as what the form said (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() === s && s.length > 0),
        fc.constantFrom('', '/', '/admin'),
        fc.option(fc.nat({ max: 1000 }), { nil: undefined }),
        fc.array(fc.jsonValue(), { maxLength: 3 }),
        (event, namespace, ackId, args) => {
          const s = newFormState()
          s.values = { event, namespace, ack: ackId !== undefined }
          s.nextId = ackId ?? 1
          const built = buildFormFrame('socketio', s, JSON.stringify(args), null)
          if (!built.ok || built.message.kind !== 'text') throw new Error(JSON.stringify(built))
          const f = parseSocketIoFrame(built.message.data)
          if (f.engine !== 'message') throw new Error(built.message.data)
          expect([f.packet.type, f.packet.nsp, f.packet.id]).toEqual(['event', namespace || '/', ackId])
          expect(f.packet.data).toEqual(JSON.parse(JSON.stringify([event, ...args])))
        }
      ),
      { numRuns: 200 }
    )
  })
})
