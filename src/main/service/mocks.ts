/**
 * "Serve as mock…" (issue 18): recordings served back as WebSocket servers by the app, each with its log of what
 * clients did. Loopback unless the user chose another host; every mock stops when the app quits.
 */
import { randomUUID } from 'node:crypto'
import type { MockLogLine, MockSettings } from '../../shared/api'
import type { SockEvent } from '../../shared/events'
import { startMock, type MockServer } from '../../scenario/mock'

export class RecordingMocks {
  private readonly running = new Map<string, { server: MockServer; total: number }>()

  async start(events: SockEvent[], settings: MockSettings): Promise<{ id: string; url: string; notes: string[] }> {
    const id = randomUUID()
    // The mock keeps its latest 10,000 entries: counting them all keeps `since` an absolute index past that.
    const entry = { server: null as unknown as MockServer, total: 0 }
    entry.server = await startMock(events, {
      host: settings.host || '127.0.0.1',
      timing: settings.timing,
      match: settings.match,
      onLog: () => void entry.total++
    })
    this.running.set(id, entry)
    return { id, url: entry.server.url, notes: entry.server.script.notes }
  }

  /** Entries from absolute index `since` on, and the index to ask from next. */
  log(id: string, since: number): { entries: MockLogLine[]; next: number; running: boolean } {
    const entry = this.running.get(id)
    if (!entry) return { entries: [], next: since, running: false }
    const { log } = entry.server
    const dropped = entry.total - log.length
    const entries = log.slice(Math.max(0, since - dropped)).map(({ ts, client, kind, text }) => ({ ts, client, kind, text }))
    return { entries, next: entry.total, running: true }
  }

  async stop(id: string): Promise<void> {
    const entry = this.running.get(id)
    this.running.delete(id)
    await entry?.server.close()
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)))
  }
}
