/**
 * "New scenario from selection" (issue 18): a real exchange with a server whose replies carry fresh ids and
 * timestamps is turned into a scenario; that scenario then runs against the same server and passes, because the
 * volatile members became wildcards and the id the client sends back became an `extract` and a variable. Without
 * that, the second run would expect the first run's id and fail.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { parse } from 'yaml'
import { recordingManager } from '../helpers/events'
import { startWsServer, type RunningWs } from '../helpers/servers'
import type { MessageEvent } from '../../src/shared/events'
import { scenarioFromSelection, isVolatile } from '../../src/scenario/fromSelection'
import { parseScenario } from '../../src/scenario/parse'
import { runScenario } from '../../src/scenario/runner'

let server: RunningWs
afterEach(async () => {
  await server?.close()
})

/** An order desk: `place` gets an ack with a new order id and the time; `confirm` of that id gets `confirmed`. */
async function orderDesk(): Promise<RunningWs> {
  return startWsServer({
    onConnection: (ws) => {
      const orders = new Set<string>()
      ws.on('message', (raw) => {
        const text = String(raw)
        if (!text.startsWith('{')) return ws.send('plain reply')
        const m = JSON.parse(text) as { op: string; id?: string; item?: string }
        if (m.op === 'place') {
          const id = randomUUID()
          orders.add(id)
          ws.send(JSON.stringify({ type: 'ack', orderId: id, at: new Date().toISOString(), item: m.item }))
        } else if (m.op === 'confirm') ws.send(JSON.stringify({ type: orders.has(m.id ?? '') ? 'confirmed' : 'unknown order', id: m.id }))
      })
    }
  })
}

describe('a scenario made from selected messages', () => {
  it('replays the sends and expects the replies, with volatile values as wildcards and extracts; it passes on a new run', async () => {
    server = await orderDesk()
    const { manager, waitFor, of } = recordingManager()
    const { id } = manager.open({ url: server.url })
    await waitFor((e) => e.type === 'state' && e.state === 'open')
    await manager.send(id, { kind: 'text', data: JSON.stringify({ op: 'place', item: 'tea' }) })
    const ack = await waitFor<MessageEvent>((e) => e.type === 'message' && e.dir === 'in')
    const orderId = (JSON.parse(String(ack.data)) as { orderId: string }).orderId
    await manager.send(id, { kind: 'text', data: JSON.stringify({ op: 'confirm', id: orderId }) })
    await waitFor((e) => e.type === 'message' && e.dir === 'in' && String(e.data).includes('confirmed'))
    await manager.send(id, { kind: 'text', data: 'hello' })
    await waitFor((e) => e.type === 'message' && e.dir === 'in' && e.data === 'plain reply')
    manager.dispose()

    const selected = of('message').map((m) => ({ dir: m.dir, kind: m.kind, data: m.data, ts: m.ts }))
    const yaml = scenarioFromSelection(selected as never, { url: server.url, at: new Date() })
    const doc = parse(yaml) as { steps: Array<Record<string, unknown>> }
    expect(doc.steps.map((s) => Object.keys(s)[0])).toEqual(['connect', 'send', 'expect', 'extract', 'send', 'expect', 'send', 'expect'])
    expect(doc.steps[2]).toEqual({ expect: { json: { type: 'ack', orderId: '{{*}}', at: '{{*}}', item: 'tea' } } })
    expect(doc.steps[3]).toEqual({ extract: { path: '$.orderId', into: 'orderId' } })
    expect(doc.steps[4]).toEqual({ send: { json: { op: 'confirm', id: '{{orderId}}' } } })
    expect(yaml).not.toContain(orderId)

    const result = await runScenario(parseScenario(yaml, 'from-selection.yaml'))
    expect(result.steps.filter((s) => s.status !== 'passed')).toEqual([])
    expect(result.status).toBe('passed')
  })

  it('tells volatile values by name or by look, and leaves the others', () => {
    expect(['id', 'orderId', 'createdAt', 'ts', 'nonce', 'session_id'].every((n) => isVolatile(n, 'x'))).toBe(true)
    expect(isVolatile('note', '3f2b8c1e-8d1a-4c55-9a4e-1f2d3c4b5a69')).toBe(true)
    expect(isVolatile('note', '2026-11-29T09:00:00Z')).toBe(true)
    expect(isVolatile('n', 1_764_400_000)).toBe(true)
    expect(isVolatile('n', 1_764_400_000_000)).toBe(true)
    expect(['type', 'item', 'price', 'ok'].some((n) => isVolatile(n, 42))).toBe(false)
    expect(isVolatile('id', { nested: 1 })).toBe(false)
  })
})
