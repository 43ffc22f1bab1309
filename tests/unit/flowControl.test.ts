import { describe, expect, it } from 'vitest'
import { createIpcTransport, type NumberedBatch } from '../../src/main/ipc/ipcTransport'
import { ClientSession, PRESSURE_HIGH } from '../../src/main/service/session'
import { PayloadStore } from '../../src/main/core/payloadStore'
import type { MessageEvent } from '../../src/shared/events'

const msg = (seq: number, size: number): MessageEvent => ({
  type: 'message',
  id: 'c',
  seq,
  ts: seq,
  dir: 'in',
  kind: 'text',
  size,
  data: 'x'.repeat(size)
})

describe('flow control', () => {
  it('the IPC transport counts what is sent and not yet acknowledged', () => {
    const sent: NumberedBatch[] = []
    const t = createIpcTransport((p) => sent.push(p))
    t.deliver([msg(1, 1000), msg(2, 1000)])
    t.deliver([msg(3, 500)])
    expect(sent.map((s) => s.n)).toEqual([1, 2])
    const afterTwo = t.pending!()
    expect(afterTwo).toBeGreaterThan(2500)
    t.ack(1)
    expect(t.pending!()).toBeLessThan(afterTwo - 2000)
    t.ack(1) // repeated
    t.ack(99) // unknown
    t.ack(2)
    expect(t.pending!()).toBe(0)
  })

  it('a session pauses its connections when the page falls behind and resumes once it caught up', async () => {
    const sent: NumberedBatch[] = []
    const t = createIpcTransport((p) => sent.push(p))
    const s = new ClientSession('w', new PayloadStore(), t, { intervalMs: 1, maxBytes: 1024 * 1024 })
    const calls: boolean[] = []
    s.onCongestion = (paused) => calls.push(paused)
    s.own('c')
    let seq = 0
    while (t.pending!() <= PRESSURE_HIGH) s.push(msg(++seq, 64 * 1024))
    s.push(msg(seq + 1, 64 * 1024)) // the flush after the threshold reports congestion
    expect(calls).toEqual([true])
    for (const b of sent) t.ack(b.n)
    await new Promise((r) => setTimeout(r, 30))
    expect(calls).toEqual([true, false])
    s.dispose()
  })
})
