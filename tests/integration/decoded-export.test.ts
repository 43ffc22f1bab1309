/**
 * Recording exports with decoded payloads: a real server sends Protobuf (pinned to a type of the connection's
 * imported schema), MessagePack (sniffed) and plain text; the NDJSON and HAR exports asked for decoded forms carry
 * each message's value beside its raw bytes, through the settings the connection had, and change nothing else: the
 * same exports without them are the raw events, and the decoded NDJSON is the raw NDJSON with one field added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { encodeChain, importProtoFiles, parseChain } from '../../src/shared/codecs'
import type { FileResult } from '../../src/shared/storeTypes'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { until } from '../helpers/time'
import { newTestService, type TestService } from '../helpers/service'

const proto = 'syntax = "proto3"; package feed; message Tick { string sym = 1; double px = 2; int64 vol = 3; }'
const schema = importProtoFiles([{ name: 'feed.proto', data: new TextEncoder().encode(proto) }])
const TICK = parseChain('protobuf:feed.Tick')
const SENT = [
  Buffer.from(encodeChain({ sym: 'ABC', px: 1.5, vol: '9007199254740993' }, TICK, schema) as Uint8Array),
  Buffer.from(encodeChain({ sym: 'XYZ', px: 2 }, TICK, schema) as Uint8Array),
  'plain text'
]

let t: TestService
let server: RunningWs
let call: <T>(m: string, ...a: unknown[]) => Promise<T>
let recording = ''
const exported = async (format: 'ndjson' | 'har', decoded?: boolean): Promise<string> => {
  // Without a save dialog or a downloads folder (as here), the service hands the export back as text.
  const r = await call<FileResult & { download?: { content?: string } }>('recordingExport', recording, format, decoded)
  if (typeof r.download?.content !== 'string') throw new Error(`no text export: ${JSON.stringify(r).slice(0, 200)}`)
  return r.download.content
}

beforeAll(async () => {
  t = newTestService()
  let open = false
  let received = 0
  let closed = false
  const session = t.service.openSession('s', (batch) => {
    for (const e of batch) {
      if (e.type === 'state' && e.state === 'open') open = true
      if (e.type === 'message' && e.dir === 'in') received++
      if (e.type === 'close') closed = true
    }
  })
  call = <T>(m: string, ...a: unknown[]) => t.service.call(session, m, a) as Promise<T>
  server = await startWsServer({
    onConnection: (ws) => {
      for (const m of SENT) ws.send(m, { binary: typeof m !== 'string' })
      // MessagePack the client sends: no chain is pinned for "out", so it is sniffed.
    }
  })
  const { id } = await call<{ id: string }>('connect', { url: server.url, decode: { in: 'protobuf:feed.Tick' }, protobuf: schema })
  await until(() => open && received === SENT.length, 'the server’s messages')
  const packed = Buffer.from(encodeChain({ op: 'sub', ids: [1, 2] }, ['msgpack']) as Uint8Array).toString('base64')
  await call('send', id, { kind: 'binary', encoding: 'base64', data: packed })
  await call('close', id)
  await until(() => closed, 'close')
  await call('remove', id)
  recording = (await call<Array<{ id: string }>>('recordingsList'))[0].id
}, 30_000)

afterAll(async () => {
  await server?.close()
  await t?.dispose()
})

type Line = { type: string; dir?: string; data?: unknown; decoded?: unknown }

describe('exports with decoded payloads', () => {
  it('NDJSON: each message line gains its decoded form, and nothing else changes', async () => {
    const raw = (await exported('ndjson')).trimEnd().split('\n')
    const dec = (await exported('ndjson', true)).trimEnd().split('\n')
    expect(dec).toHaveLength(raw.length)
    const lines = dec.map((l) => JSON.parse(l) as Line)
    const messages = lines.filter((l) => l.type === 'message')
    expect(messages.map((m) => m.decoded ?? null)).toEqual([
      { codec: 'pb:Tick', value: { sym: 'ABC', px: 1.5, vol: '9007199254740993' } },
      { codec: 'pb:Tick', value: { sym: 'XYZ', px: 2, vol: 0 } },
      // Text pinned to a Protobuf type is not one: the pinned chain says why rather than staying silent.
      { codec: 'pb:Tick', error: expect.stringMatching(/^not valid Protobuf for feed\.Tick/) },
      { codec: 'msgpack', value: { op: 'sub', ids: [1, 2] } }
    ])
    for (let i = 0; i < raw.length; i++) {
      const { decoded: _left, ...rest } = lines[i]
      expect(JSON.stringify(rest)).toBe(raw[i])
    }
  })

  it('HAR: each WebSocket message gains `_decoded`; without the option there is none', async () => {
    const har = JSON.parse(await exported('har', true)) as {
      log: { entries: Array<{ _webSocketMessages: Array<Record<string, unknown>> }> }
    }
    const msgs = har.log.entries[0]._webSocketMessages
    expect(msgs.map((m) => [m.type, (m._decoded as { codec?: string } | undefined)?.codec])).toEqual([
      ['receive', 'pb:Tick'],
      ['receive', 'pb:Tick'],
      ['receive', 'pb:Tick'],
      ['send', 'msgpack']
    ])
    expect(msgs[0].data).toBe(SENT[0].toString('base64'))
    expect(await exported('har')).not.toContain('_decoded')
  })

  it('refuses an option that is not true or false, in words', async () => {
    await expect(call('recordingExport', recording, 'har', 'yes')).rejects.toThrow(/must be true or false/)
  })

  it('keeps the schema in the recording, where the export reads it', () => {
    const file = join(t.dir, 'recordings', recording)
    expect(readFileSync(file).includes(Buffer.from('"Tick"'))).toBe(true)
  })
})
