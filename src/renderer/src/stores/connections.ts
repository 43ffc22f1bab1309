/** Open connection tabs, their logs and state, fed by the event stream. Logs stay outside deep reactivity. */
import { defineStore } from 'pinia'
import { computed, reactive, ref, toRaw, watch, type Ref } from 'vue'
import type { SockEvent } from '../../../shared/events'
import type { OutgoingMessage } from '../../../shared/options'
import { getApi } from '../api'
import { draftToOptions } from '../mappers/draft'
import { rowsProblem } from '../mappers/draftCheck'
import { applyEvent, createTab, showEvents, type ConnectionTab } from './connectionTab'
import { useProfiles } from './profiles'
import { resolveDeep, unresolvedMessage } from '../../../shared/variables'
import { debouncedSaver, snapshotTabs } from './tabMemory'
import { createHostLink } from './hostLink'
import { useComposers } from './composers'
import { newConnectionId } from '../lib/resync'
import { unheldSecretsProblem } from '../lib/secretsProblem'
import { createRenderPacing } from './renderPacing'

export type { ConnectionTab } from './connectionTab'

let keySeq = 0

export const useConnections = defineStore('connections', () => {
  const api = getApi()
  // Typed as declared: Vue's unwrapping would hide the log's private fields from the type.
  const tabs = ref([]) as Ref<ConnectionTab[]>
  const activeKey = ref<string | null>(null)
  const { logVersion, countsVersion, bump } = createRenderPacing()
  const byConn = new Map<string, ConnectionTab>()
  /** Batches that arrive while a re-sync is in flight wait for it, so rows are applied in `seq` order. */
  const pending: { held: SockEvent[][] | null } = { held: null }

  const active = computed(() => tabs.value.find((t) => t.key === activeKey.value) ?? null)

  function addTab(url?: string): ConnectionTab {
    const tab = reactive(createTab(`tab-${++keySeq}`, url)) as ConnectionTab
    tabs.value.push(tab)
    activeKey.value = tab.key
    return tabs.value[tabs.value.length - 1]
  }

  function onBatch(batch: SockEvent[]): void {
    if (pending.held) {
      pending.held.push(batch)
      return
    }
    for (const e of batch) {
      const tab = byConn.get(e.id)
      if (!tab) continue
      // Frames touch only the log (kept raw) and lastSeq (never rendered): write them past the proxy, whose
      // bookkeeping per write cost more than the rest of applying a 64 B message. Other events change what is shown.
      applyEvent(e.type === 'message' || e.type === 'ping' || e.type === 'pong' ? toRaw(tab) : tab, e)
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
    const profiles = useProfiles()
    const vars = profiles.variables
    const profile = profiles.profiles.find((p) => p.id === tab.profileId)
    const { value: options, missing } = resolveDeep(draftToOptions(tab.draft), vars)
    if (missing.length) {
      tab.problem = unresolvedMessage(missing, 'This connection')
      return
    }
    // Checked here too, to name rows as the editor numbers them (the host sees them without the empty ones).
    tab.problem = rowsProblem(resolveDeep({ headers: tab.draft.headers, query: tab.draft.query }, vars).value, true)
    if (tab.problem) return
    tab.problem = unheldSecretsProblem(profile, profiles.state?.missingSecrets ?? {}, options)
    if (tab.problem) return
    // Our own id, registered before the call: events can arrive before its reply (IPC does not order them).
    const id = newConnectionId()
    tab.connId = id
    tab.lastSeq = 0
    tab.throttledSince = null
    byConn.set(id, tab)
    try {
      tab.state = 'connecting'
      await api.connect(options, id, profile ? { profile: profile.name } : undefined)
    } catch (err) {
      byConn.delete(id)
      tab.connId = null
      tab.state = 'closed'
      tab.problem = (err as Error).message
    }
  }

  async function disconnect(tab: ConnectionTab, code?: number, reason?: string): Promise<void> {
    if (!tab.connId) return
    tab.reconnectAt = null
    // A close refused before (a bad code, say) is not news once a close goes through.
    tab.problem = null
    try {
      if (tab.state === 'closed') await api.cancelReconnect(tab.connId)
      else await api.close(tab.connId, code, reason)
    } catch (err) {
      tab.problem = (err as Error).message
    }
  }

  /**
   * Sends a message. What the user composed goes through `{{variable}}` substitution; a captured message sent
   * again (`verbatim`) goes exactly as it was captured: its bytes are data, not a template.
   */
  async function send(
    tab: ConnectionTab,
    msg: OutgoingMessage,
    opts: { verbatim?: boolean; /** Variables of this send only: a Repeat run's `$counter`. */ extra?: Map<string, string> } = {}
  ): Promise<boolean> {
    tab.problem = null
    if (!tab.connId) {
      tab.problem = 'Not connected: press Connect first.'
      return false
    }
    const vars = opts.extra ? new Map([...useProfiles().variables, ...opts.extra]) : useProfiles().variables
    const { value, missing } = opts.verbatim ? { value: msg, missing: [] } : resolveDeep(msg, vars)
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
    useComposers().free(tab.key)
    if (activeKey.value === tab.key) activeKey.value = tabs.value[Math.min(i, tabs.value.length - 1)]?.key ?? null
    if (!tabs.value.length) addTab()
  }

  /** Skips the wait of a scheduled retry. */
  async function reconnectNow(tab: ConnectionTab): Promise<void> {
    if (!tab.connId) return
    tab.problem = null
    try {
      await api.reconnectNow(tab.connId)
    } catch (err) {
      tab.problem = (err as Error).message
    }
  }

  /** First run: the app's own echo server on 127.0.0.1, its URL in the tab, connected. */
  async function tryEchoServer(tab: ConnectionTab): Promise<void> {
    tab.problem = null
    try {
      tab.draft.url = (await api.echoServerStart()).url
    } catch (err) {
      tab.problem = `The local echo server did not start: ${(err as Error).message}`
      return
    }
    await connect(tab)
  }

  function clearLog(tab: ConnectionTab): void {
    tab.log.clear()
    tab.stats.reset()
    bump(true)
  }

  /** On start (and after a reload): adopt the connections main still holds for us, with their recent events. */
  const host = createHostLink({
    api,
    tabs,
    activeKey,
    byConn,
    pending,
    addTab,
    onBatch,
    reopen: (tab, events, notes) => fillReadOnly(tab, events, notes)
  })

  async function init(): Promise<void> {
    api.onEvents(onBatch)
    api.onNotice(host.onNotice)
    await host.resync(true)
    // Registered after the first sync: a reconnected bridge re-syncs the tabs it finds.
    api.onLink(host.onLink)
    if (!tabs.value.length) addTab()
    // From now on the host keeps what the tabs hold, for the next reload (started after the restore, not before it).
    const save = debouncedSaver((t) => api.tabsSave(t))
    watch(() => snapshotTabs(tabs.value, activeKey.value), save, { deep: true })
  }

  /** Shows recorded or imported events read-only in a new tab; an event that cannot be shown is counted, not fatal. */
  function openReadOnly(
    title: string,
    url: string,
    events: SockEvent[],
    notes: string[] = [],
    recordingId: string | null = null
  ): ConnectionTab {
    const tab = addTab(url)
    tab.readOnly = true
    tab.title = title
    tab.recordingId = recordingId
    fillReadOnly(tab, events, notes)
    return tab
  }

  function fillReadOnly(tab: ConnectionTab, events: SockEvent[], notes: string[]): void {
    showEvents(tab, events, notes)
    bump(true)
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
    const id = newConnectionId()
    tab.connId = id
    tab.lastSeq = 0
    tab.replay = { total: null, sent: 0 }
    byConn.set(id, tab)
    try {
      tab.replay.total = (await api.replay(recordingId, options, timing, id)).total
    } catch (err) {
      tab.replay = null
      byConn.delete(id)
      tab.connId = null
      tab.problem = (err as Error).message
    }
  }

  return {
    tabs,
    link: host.link,
    notices: host.notices,
    activeKey,
    active,
    logVersion,
    countsVersion,
    addTab,
    connect,
    disconnect,
    send,
    control,
    closeTab,
    clearLog,
    tryEchoServer,
    reconnectNow,
    init,
    bump,
    openReadOnly,
    replay
  }
})
