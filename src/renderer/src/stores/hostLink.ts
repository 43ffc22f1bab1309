/**
 * The page and the host finding each other again: after a reload or a dropped bridge the page re-syncs by `seq`
 * (nothing twice, a marker for what the host no longer held), restores its tabs as they were, resets tabs whose
 * connection the host no longer has, and shows the link state and the host's notices.
 */
import { ref, type Ref } from 'vue'
import type { HostNotice, LinkState, SockscopeApi, SyncState } from '../../../shared/api'
import type { SockEvent } from '../../../shared/events'
import type { SavedTab } from '../../../shared/tabs'
import { missedEntry } from '../lib/resync'
import { forgetConnection, type ConnectionTab } from './connectionTab'
import { restoreTab } from './tabMemory'

export interface HostLinkContext {
  api: SockscopeApi
  tabs: Ref<ConnectionTab[]>
  activeKey: Ref<string | null>
  byConn: Map<string, ConnectionTab>
  pending: { held: SockEvent[][] | null }
  addTab(url?: string): ConnectionTab
  onBatch(batch: SockEvent[]): void
  /** Fills a restored read-only tab with its recording. */
  reopen(tab: ConnectionTab, events: SockEvent[], notes: string[]): void
}

export function createHostLink(ctx: HostLinkContext) {
  /** The bridge to the host: 'down' while it is lost, 'taken' once another page took this session. */
  const link = ref<LinkState>('up')
  const notices = ref<HostNotice[]>([])

  /**
   * Adopts the connections main holds for this page and their events after what each tab already shows;
   * tabs whose connection the host no longer knows are reset; what could not be recovered gets a marker row.
   */
  async function resync(restore = false): Promise<void> {
    const since: Record<string, number> = {}
    for (const t of ctx.tabs.value) if (t.connId && t.lastSeq) since[t.connId] = t.lastSeq
    ctx.pending.held ??= []
    let s: SyncState
    try {
      s = await ctx.api.sync(since)
    } catch {
      const waiting = ctx.pending.held
      ctx.pending.held = null
      for (const b of waiting) ctx.onBatch(b)
      return // the host went away again; the next 'up' retries
    }
    const known = new Set(s.connections.map((c) => c.id))
    if (restore && s.tabs?.length) restoreTabs(s.tabs, known)
    for (const c of s.connections) {
      let tab = ctx.byConn.get(c.id)
      if (!tab) {
        tab = ctx.addTab(c.url.replace(/\?.*$/, ''))
        tab.connId = c.id
        ctx.byConn.set(c.id, tab)
      }
      tab.state = c.state
      tab.attempt = c.attempt
      tab.unknown = false
      const missed = s.missed[c.id]
      if (missed) tab.log.push(missedEntry(missed, tab.lastSeq + 1, Date.now(), 'resync'))
      // The marker covers the gap: the first held event continues from there.
      if (missed) tab.lastSeq += missed
    }
    for (const t of ctx.tabs.value) {
      if (!t.connId || known.has(t.connId)) continue
      ctx.byConn.delete(t.connId)
      forgetConnection(t, 'The Sockscope host restarted and no longer has this connection. Press Connect to open it again.')
    }
    const waiting = [s.events, ...(ctx.pending.held ?? [])]
    ctx.pending.held = null
    for (const b of waiting) ctx.onBatch(b)
  }

  /** After a reload: the tabs as they were, each with its settings, composer, profile link and connection. */
  function restoreTabs(saved: SavedTab[], known: Set<string>): void {
    for (const st of saved) {
      const tab = ctx.addTab()
      restoreTab(tab, st)
      if (st.active) ctx.activeKey.value = tab.key
      if (st.recordingId) void reopenRecording(tab, st.recordingId)
      else if (st.connId && known.has(st.connId)) {
        tab.connId = st.connId
        ctx.byConn.set(st.connId, tab)
      } else if (st.connId) forgetConnection(tab, 'The Sockscope host no longer has this connection. Press Connect to open it again.')
    }
  }

  async function reopenRecording(tab: ConnectionTab, recordingId: string): Promise<void> {
    try {
      const r = await ctx.api.recordingRead(recordingId)
      ctx.reopen(tab, r.events, r.notes)
    } catch (err) {
      tab.problem = (err as Error).message
    }
  }

  function onLink(state: LinkState): void {
    link.value = state
    if (state === 'up') {
      void resync()
      return
    }
    for (const t of ctx.tabs.value) if (t.connId) t.unknown = true
  }

  function onNotice(n: HostNotice): void {
    notices.value = [...notices.value.slice(-4), n]
  }

  return { link, notices, resync, onLink, onNotice }
}
