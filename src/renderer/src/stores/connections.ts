/** Open connection tabs, their logs and state, fed by the event stream. Logs stay outside deep reactivity. */
import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef, type Ref } from 'vue'
import type { SockEvent } from '../../../shared/events'
import type { OutgoingMessage } from '../../../shared/options'
import { getApi } from '../api'
import { draftToOptions } from './draft'
import { applyEvent, createTab, forgetConnection, type ConnectionTab } from './connectionTab'
import { useProfiles } from './profiles'
import { resolveDeep, unresolvedMessage } from '../../../shared/variables'
import type { HostNotice, LinkState, SyncState } from '../../../shared/api'
import { missedEntry, newConnectionId } from '../lib/resync'
import { secretLabel, unfilledSecrets } from '../../../shared/secrets'
import type { ConnectionOptions } from '../../../shared/options'

export type { ConnectionTab } from './connectionTab'

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
  /** The bridge to the host: 'down' while it is lost, 'taken' once another page took this session. */
  const link = ref<LinkState>('up')
  const notices = ref<HostNotice[]>([])
  /** Batches that arrive while a re-sync is in flight wait for it, so rows are applied in `seq` order. */
  let held: SockEvent[][] | null = null

  const active = computed(() => tabs.value.find((t) => t.key === activeKey.value) ?? null)

  function addTab(url?: string): ConnectionTab {
    const tab = reactive(createTab(`tab-${++keySeq}`, url)) as ConnectionTab
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

  function onBatch(batch: SockEvent[]): void {
    if (held) {
      held.push(batch)
      return
    }
    for (const e of batch) {
      const tab = byConn.get(e.id)
      if (tab) applyEvent(tab, e)
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
    const secretsProblem = missingSecretsProblem(tab, options)
    if (secretsProblem) {
      tab.problem = secretsProblem
      return
    }
    // Our own id, registered before the call: events can arrive before its reply (IPC does not order them).
    const id = newConnectionId()
    tab.connId = id
    tab.lastSeq = 0
    tab.throttledSince = null
    byConn.set(id, tab)
    try {
      tab.state = 'connecting'
      await api.connect(options, id)
    } catch (err) {
      byConn.delete(id)
      tab.connId = null
      tab.state = 'closed'
      tab.problem = (err as Error).message
    }
  }

  /** A profile whose secrets are not held (browser mode, a refused keychain) must not connect with empty values. */
  function missingSecretsProblem(tab: ConnectionTab, options: ConnectionOptions): string | null {
    const profiles = useProfiles()
    const profile = tab.profileId ? profiles.profiles.find((p) => p.id === tab.profileId) : undefined
    const missing = profile ? unfilledSecrets(options, profiles.state?.missingSecrets[profile.id] ?? []) : []
    if (!profile || !missing.length) return null
    const names = missing.map((path) => secretLabel(profile, path))
    return `Not connected: this profile's secrets are not held here (${names.join(', ')}). Enter them above, or in the settings, then connect.`
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

  /**
   * Sends a message. What the user composed goes through `{{variable}}` substitution; a captured message sent
   * again (`verbatim`) goes exactly as it was captured: its bytes are data, not a template.
   */
  async function send(tab: ConnectionTab, msg: OutgoingMessage, opts: { verbatim?: boolean } = {}): Promise<boolean> {
    tab.problem = null
    if (!tab.connId) {
      tab.problem = 'Not connected: press Connect first.'
      return false
    }
    const { value, missing } = opts.verbatim ? { value: msg, missing: [] } : resolveDeep(msg, useProfiles().variables)
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

  /**
   * Adopts the connections main holds for this page and their events after what each tab already shows;
   * tabs whose connection the host no longer knows are reset; what could not be recovered gets a marker row.
   */
  async function resync(): Promise<void> {
    const since: Record<string, number> = {}
    for (const t of tabs.value) if (t.connId && t.lastSeq) since[t.connId] = t.lastSeq
    held ??= []
    let s: SyncState
    try {
      s = await api.sync(since)
    } catch {
      const waiting = held
      held = null
      for (const b of waiting) onBatch(b)
      return // the host went away again; the next 'up' retries
    }
    const known = new Set(s.connections.map((c) => c.id))
    for (const c of s.connections) {
      let tab = byConn.get(c.id)
      if (!tab) {
        tab = addTab(c.url.replace(/\?.*$/, ''))
        tab.connId = c.id
        byConn.set(c.id, tab)
      }
      tab.state = c.state
      tab.attempt = c.attempt
      tab.unknown = false
      const missed = s.missed[c.id]
      if (missed) tab.log.push(missedEntry(missed, tab.lastSeq + 1, Date.now(), 'resync'))
      // The marker covers the gap: the first held event continues from there.
      if (missed) tab.lastSeq += missed
    }
    for (const t of tabs.value) {
      if (!t.connId || known.has(t.connId)) continue
      byConn.delete(t.connId)
      forgetConnection(t, 'The Sockscope host restarted and no longer has this connection. Press Connect to open it again.')
    }
    const waiting = [s.events, ...held]
    held = null
    for (const b of waiting) onBatch(b)
  }

  function onLink(state: LinkState): void {
    link.value = state
    if (state === 'up') {
      void resync()
      return
    }
    for (const t of tabs.value) if (t.connId) t.unknown = true
  }

  function onNotice(n: HostNotice): void {
    notices.value = [...notices.value.slice(-4), n]
  }

  /** On start (and after a reload): adopt the connections main still holds for us, with their recent events. */
  async function init(): Promise<void> {
    api.onEvents(onBatch)
    api.onNotice(onNotice)
    await resync()
    // Registered after the first sync: a reconnected bridge re-syncs the tabs it finds.
    api.onLink(onLink)
    if (!tabs.value.length) addTab()
  }

  /** Shows recorded or imported events read-only in a new tab; an event that cannot be shown is counted, not fatal. */
  function openReadOnly(title: string, url: string, events: SockEvent[], notes: string[] = []): void {
    const tab = addTab(url)
    tab.readOnly = true
    tab.title = title
    let broken = 0
    for (const e of events) {
      try {
        applyEvent(tab, e)
      } catch {
        broken++
      }
    }
    tab.state = 'closed'
    tab.reconnectAt = null
    const all = broken ? [...notes, `${broken} event(s) could not be shown.`] : notes
    tab.problem = all.length ? all.join(' ') : null
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
    const id = newConnectionId()
    tab.connId = id
    tab.lastSeq = 0
    byConn.set(id, tab)
    try {
      await api.replay(recordingId, options, timing, id)
    } catch (err) {
      byConn.delete(id)
      tab.connId = null
      tab.problem = (err as Error).message
    }
  }

  return {
    tabs,
    link,
    notices,
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
