/** Matrix rows 7 to 13: bad frames, illegal close frames, bombs, fragments, ignored closes, drops and half-open links. */
import { afterEach, describe, expect, it } from 'vitest'
import { deflateRawSync } from 'node:zlib'
import { recordingManager } from '../helpers/events'
import { accept, closeFrame, codeAndReason, frame, hostileServer, maskedFrame, type Upgrade } from './rawServer'
import type { CloseEvent, ErrorEvent } from '../../src/shared/events'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

/** Opens a connection to a raw server that answers the upgrade and then writes `bytes`. */
async function after(bytes: Buffer | ((u: Upgrade) => void), options: Record<string, unknown> = {}) {
  const s = await hostileServer((u) => {
    accept(u, options.perMessageDeflate ? ['Sec-WebSocket-Extensions: permessage-deflate'] : [])
    if (typeof bytes === 'function') bytes(u)
    else u.socket.write(bytes)
  })
  cleanups.push(s.close)
  const rec = recordingManager()
  cleanups.push(() => rec.manager.dispose())
  rec.manager.open({ url: s.url, perMessageDeflate: false, ...options })
  const close = await rec.waitFor<CloseEvent>((e) => e.type === 'close', 8000, 'close')
  return { close, err: rec.of('error')[0] as ErrorEvent | undefined, rec }
}

describe('rows 7 to 9: frames the protocol forbids', () => {
  it.each([
    ['invalid UTF-8 in a text frame', frame(0x1, Buffer.from([0xff, 0xfe])), 1007, 'WS_ERR_INVALID_UTF8'],
    ['invalid UTF-8 in a close reason', closeFrame(codeAndReason(1000, Buffer.from([0xc3, 0x28]))), 1007, 'WS_ERR_INVALID_UTF8'],
    ['RSV bits set', frame(0x1, 'x', { rsv: 4 }), 1002, 'WS_ERR_UNEXPECTED_RSV_1'],
    ['an unknown opcode', frame(0x3, 'x'), 1002, 'WS_ERR_INVALID_OPCODE'],
    ['a masked server frame', maskedFrame(0x1, Buffer.from('hi')), 1002, 'WS_ERR_UNEXPECTED_MASK'],
    ['an oversized control frame', frame(0x9, Buffer.alloc(126)), 1002, 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH'],
    ['a fragmented control frame', frame(0x9, 'p', { fin: false }), 1002, 'WS_ERR_EXPECTED_FIN'],
    ['close code 1005 on the wire', closeFrame(codeAndReason(1005)), 1002, 'WS_ERR_INVALID_CLOSE_CODE'],
    ['close code 999', closeFrame(codeAndReason(999)), 1002, 'WS_ERR_INVALID_CLOSE_CODE'],
    ['close code 5000', closeFrame(codeAndReason(5000)), 1002, 'WS_ERR_INVALID_CLOSE_CODE'],
    ['a one-byte close payload', closeFrame(Buffer.from([3])), 1002, 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH']
  ])('%s: closed with %i and the ws code', async (_name, bytes, code, wsCode) => {
    const { close, err } = await after(bytes)
    expect(err).toMatchObject({ class: 'protocol', code: wsCode })
    expect(close.code).toBe(code)
  })
})

describe('rows 10 and 11: too big, bombs and fragment floods', () => {
  it('a deflate bomb is refused at max payload (1009) with main-side memory bounded', async () => {
    // 64 MiB of zeros compress to about 64 KiB; the limit applies after inflation.
    const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024)).subarray(0, -4)
    const before = process.memoryUsage().rss
    const { close, err } = await after(frame(0x1, bomb, { rsv: 4 }), { perMessageDeflate: true, maxPayloadBytes: 1024 * 1024 })
    expect(err?.class).toBe('payload-too-large')
    expect(close.code).toBe(1009)
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024)
  })

  it('endless one-byte continuation frames are refused at the fragment limit', async () => {
    const parts = [frame(0x1, 'a', { fin: false })]
    for (let i = 0; i < 5000; i++) parts.push(frame(0x0, 'b', { fin: false }))
    const { close, err } = await after(Buffer.concat(parts), { maxFragments: 256 })
    expect(err).toMatchObject({ class: 'protocol', code: 'WS_ERR_TOO_MANY_BUFFERED_PARTS' })
    expect(close.code).toBe(1008)
  })
})

describe('rows 12 and 13: ignored closes, drops and half-open links', () => {
  it('an abrupt TCP drop shows 1006', async () => {
    const { close } = await after((u) => setTimeout(() => u.socket.destroy(), 30))
    expect(close).toMatchObject({ code: 1006, initiator: 'abnormal', clean: false })
  })

  it('a half-open link (no FIN, no data, pings unanswered) is declared dead by the heartbeat', async () => {
    const t0 = performance.now()
    // The raw server reads nothing and answers nothing, like a peer whose network vanished.
    const { close, err } = await after((u) => u.socket.pause(), { heartbeat: { intervalSec: 0.2, pongTimeoutMs: 300 } })
    expect(err).toMatchObject({ class: 'timeout', code: 'PONG_TIMEOUT' })
    expect(close.code).toBe(1006)
    expect(performance.now() - t0).toBeLessThan(2000)
  })
})
