/** Matrix rows 7 to 13: bad frames, illegal close frames, bombs, fragments, ignored closes, drops and half-open links. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { once } from 'node:events'
import { constants, createDeflateRaw } from 'node:zlib'
import { recordingManager } from '../helpers/events'
import { accept, closeFrame, codeAndReason, frame, hostileServer, maskedFrame, type Upgrade } from './rawServer'
import type { CloseEvent, ErrorEvent } from '../../src/shared/events'
import { MiB, watchMemory } from '../helpers/memory'
import { until } from '../helpers/time'
import { useFakeClock } from '../helpers/fakeClock'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  vi.useRealTimers()
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

/** `bytes` of zeros as one permessage-deflate payload (about bytes/1000), streamed so the test never holds them. */
async function deflateBomb(bytes: number): Promise<Buffer> {
  const z = createDeflateRaw({ level: 9 })
  const out: Buffer[] = []
  z.on('data', (c: Buffer) => out.push(c))
  const zeros = Buffer.alloc(MiB)
  for (let n = 0; n < bytes; n += MiB) if (!z.write(zeros)) await once(z, 'drain')
  await new Promise<void>((r) => z.flush(constants.Z_SYNC_FLUSH, () => r()))
  const all = Buffer.concat(out)
  return all.subarray(0, all.length - 4) // the 00 00 ff ff tail of the flush is left off on the wire (RFC 7692 §7.2.1)
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
  it('a deflate bomb is refused at max payload (1009) while it inflates, with main-side memory bounded', async () => {
    const bomb = await deflateBomb(128 * MiB)
    const s = await hostileServer((u) => {
      accept(u, ['Sec-WebSocket-Extensions: permessage-deflate'])
      u.socket.write(frame(0x1, bomb, { rsv: 4 }))
    })
    cleanups.push(s.close)
    const rec = recordingManager()
    cleanups.push(() => rec.manager.dispose())
    const memory = await watchMemory()
    rec.manager.open({ url: s.url, perMessageDeflate: true, maxPayloadBytes: MiB })
    // Either the refusal, or (limit missing) the whole inflated message.
    const end = await rec.waitFor((e) => e.type === 'error' || e.type === 'message', 20_000, 'the refusal')
    const growth = memory.stop()
    // Refused while inflating: about 1 MiB held. Checked only once inflated: 128 MiB (twice that once joined).
    expect(growth.arrayBuffers).toBeLessThan(16 * MiB)
    expect(end).toMatchObject({ type: 'error', class: 'payload-too-large' })
    expect((await rec.waitFor<CloseEvent>((e) => e.type === 'close', 8000, 'close')).code).toBe(1009)
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

  it('a half-open link (no FIN, no data, pings unanswered) is declared dead at ping interval + pong timeout', async () => {
    useFakeClock()
    // The raw server reads nothing and answers nothing, like a peer whose network vanished.
    const s = await hostileServer((u) => {
      accept(u)
      u.socket.pause()
    })
    cleanups.push(s.close)
    const rec = recordingManager()
    cleanups.push(() => rec.manager.dispose())
    rec.manager.open({ url: s.url, perMessageDeflate: false, heartbeat: { intervalSec: 0.2, pongTimeoutMs: 300 } })
    await until(() => rec.of('state').some((e) => e.state === 'open'), 'open')
    vi.advanceTimersByTime(199)
    expect(rec.of('ping')).toEqual([])
    vi.advanceTimersByTime(1)
    expect(rec.of('ping').map((p) => p.dir)).toEqual(['out'])
    // Armed from the ping's own clock reading, the deadline is exact.
    vi.advanceTimersByTime(299)
    expect(rec.of('error')).toEqual([])
    vi.advanceTimersByTime(1)
    expect(rec.of('error')).toMatchObject([{ class: 'timeout', code: 'PONG_TIMEOUT' }])
    await until(() => rec.of('close').length > 0, 'close')
    expect(rec.of('close')[0].code).toBe(1006)
  })
})
