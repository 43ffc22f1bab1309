/** Open connection tabs, their logs and state, fed by the event stream. Logs stay outside deep reactivity. */
import { defineStore } from 'pinia'
import { computed, markRaw, reactive, ref, shallowRef, type Ref } from 'vue'
import type { ConnectionState, ErrorEvent, HandshakeEvent, SockEvent } from '../../../shared/events'
import type { OutgoingMessage } from '../../../shared/options'
import { getApi } from '../api'
import { eventToEntry } from '../lib/toEntry'
import { MessageLog } from './messageLog'
import { ConnectionStats } from './stats'
import { draftToOptions, newDraft, type Draft } from './draft'
import { useProfiles } from './profiles'
import { resolveDeep, unresolvedMessage } from '../../../shared/variables'

export interface ConnectionTab {
  key: string
  draft: Draft
  connId: string | null
  state: ConnectionState
  attempt: number
  /** Epoch ms when the scheduled reconnect fires. */
  reconnectAt: number | null
  log: MessageLog
  stats: ConnectionStats
  handshake: HandshakeEvent | null
  lastError: ErrorEvent | null
  /** A problem found before connecting or sending (validation), shown near the control. */
  problem: string | null
  /** Is the view frozen (capture continues)? and how far it showed when frozen. */
  paused: boolean
  pausedAt: number
  /** The profile this tab was opened from or saved as. */
  profileId: string | null
  /** An imported or recorded session shown for offline viewing: no connecting. */
  readOnly: boolean
  title: string | null
}

let keySeq = 0

export const useConnections = defineStore('connections', () => {
  const api = getApi()
  // Typed as declared: Vue's unwrapping would hide the log's private fields from the type.
  const tabs = ref([]) as Ref<ConnectionTab[]>
  const activeKey = ref<string | null>(null)
  /** Bumped at most once per animation frame when any log changed. */
  const logVersion = shallowRef(0)
  const byConn = new Map<string, ConnectionTab>()
  let frameQueued = false

  const active = computed(() => tabs.value.find((t) => t.key === activeKey.value) ?? null)

  function addTab(url?: string): ConnectionTab {
    const tab = reactive({
      key: `tab-${++keySeq}`,
      draft: newDraft(url),
      connId: null,
      state: 'closed',
      attempt: 0,
      reconnectAt: null,
      log: markRaw(new MessageLog()),
      stats: markRaw(new ConnectionStats()),
      handshake: null,
      lastError: null,
      problem: null,
      paused: false,
      pausedAt: 0,
      profileId: null,
      readOnly: false,
      title: null
    }) as ConnectionTab
    tabs.value.push(tab)
    activeKey.value = tab.key
    return tabs.value[tabs.value.length - 1]
  }

  function bump(): void {
    if (frameQueued) return
    frameQueued = true
    requestAnimationFrame(() => {
      frameQueued = false
      logVersion.value++
    })
  }

  function apply(tab: ConnectionTab, e: SockEvent): void {
    const entry = eventToEntry(e)
    if (entry) tab.log.push(entry)
    switch (e.type) {
      case 'message':
        tab.stats.message(e.dir, e.size, e.ts)
        break
      case 'pong':
        if (e.rttMs !== undefined) tab.stats.roundTrip(e.rttMs, e.ts)
        break
      case 'state':
        tab.state = e.state
        tab.attempt = e.attempt
        if (e.state !== 'closed') tab.reconnectAt = null
        if (e.state === 'closed' && tab.reconnectAt === null) tab.reconnectAt = null
        break
      case 'reconnect':
        tab.reconnectAt = e.ts + e.delayMs
        break
      case 'handshake':
        tab.handshake = markRaw(e)
        tab.lastError = null
        break
      case 'error':
        tab.lastError = markRaw(e)
        break
    }
  }

  function onBatch(batch: SockEvent[]): void {
    for (const e of batch) {
      const tab = byConn.get(e.id)
      if (tab) apply(tab, e)
    }
    bump()
  }

  async function connect(tab: ConnectionTab): Promise<void> {
    tab.problem = null
    if (tab.connId) {
      byConn.delete(tab.connId)
      await api.remove(tab.connId).catch(() => undefined)
      tab.connId = null
    }
    const { value: options, missing } = resolveDeep(draftToOptions(tab.draft), useProfiles().variables)
    if (missing.length) {
      tab.problem = unresolvedMessage(missing, 'This connection')
      return
    }
    try {
      tab.state = 'connecting'
      const { id } = await api.connect(options)
      tab.connId = id
      byConn.set(id, tab)
    } catch (err) {
      tab.state = 'closed'
      tab.problem = (err as Error).message
    }
  }

  async function disconnect(tab: ConnectionTab, code?: number, reason?: string): Promise<void> {
    if (!tab.connId) return
    tab.reconnectAt = null
    try {
      if (tab.state === 'closed') await api.cancelReconnect(tab.connId)
      else await api.close(tab.connId, code, reason)
    } catch (err) {
      tab.problem = (err as Error).message
    }
  }

  async function send(tab: ConnectionTab, msg: OutgoingMessage): Promise<boolean> {
    tab.problem = null
    if (!tab.connId) {
      tab.problem = 'Not connected: press Connect first.'
      return false
    }
    const { value, missing } = resolveDeep(msg, useProfiles().variables)
    if (missing.length) {
      tab.problem = unresolvedMessage(missing, 'This message')
      return false
    }
    try {
      await api.send(tab.connId, value)
      return true
    } catch (err) {
      tab.problem = (err as Error).message
      return false
    }
  }

  async function control(tab: ConnectionTab, type: 'ping' | 'pong', payload: string): Promise<void> {
    tab.problem = null
    if (!tab.connId) return
    try {
      await (type === 'ping' ? api.ping(tab.connId, payload) : api.pong(tab.connId, payload))
    } catch (err) {
      tab.problem = (err as Error).message
    }
  }

  async function closeTab(tab: ConnectionTab): Promise<void> {
    if (tab.connId) {
      byConn.delete(tab.connId)
      await api.remove(tab.connId).catch(() => undefined)
    }
    const i = tabs.value.findIndex((t) => t.key === tab.key)
    tabs.value.splice(i, 1)
    if (activeKey.value === tab.key) activeKey.value = tabs.value[Math.min(i, tabs.value.length - 1)]?.key ?? null
    if (!tabs.value.length) addTab()
  }

  function clearLog(tab: ConnectionTab): void {
    tab.log.clear()
    bump()
  }

  /** On start (and after a reload): adopt the connections main still holds for us, with their recent events. */
  async function init(): Promise<void> {
    api.onEvents(onBatch)
    try {
      const s = await api.sync()
      for (const c of s.connections) {
        const tab = addTab(c.url.replace(/\?.*$/, ''))
        tab.connId = c.id
        tab.state = c.state
        byConn.set(c.id, tab)
      }
      onBatch(s.events)
    } catch {
      // The host is not reachable yet; the bridge retries and new tabs still work.
    }
    if (!tabs.value.length) addTab()
  }

  /** Shows recorded or imported events read-only in a new tab. */
  function openReadOnly(title: string, url: string, events: SockEvent[]): void {
    const tab = addTab(url)
    tab.readOnly = true
    tab.title = title
    for (const e of events) apply(tab, e)
    tab.state = 'closed'
    tab.reconnectAt = null
    bump()
  }

  /** Starts a replay of a recording over a new connection in a new tab. */
  async function replay(
    recordingId: string,
    tab: ConnectionTab,
    timing: { mode: 'original' } | { mode: 'interval'; ms: number }
  ): Promise<void> {
    const { value: options, missing } = resolveDeep(draftToOptions(tab.draft), useProfiles().variables)
    if (missing.length) {
      tab.problem = unresolvedMessage(missing, 'This connection')
      return
    }
    try {
      const { id } = await api.replay(recordingId, options, timing)
      tab.connId = id
      byConn.set(id, tab)
    } catch (err) {
      tab.problem = (err as Error).message
    }
  }

  return {
    tabs,
    activeKey,
    active,
    logVersion,
    addTab,
    connect,
    disconnect,
    send,
    control,
    closeTab,
    clearLog,
    init,
    bump,
    openReadOnly,
    replay
  }
})
