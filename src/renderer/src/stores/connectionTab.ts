/** One connection tab's state, and how engine events change it. Plain data: the store makes it reactive. */
import type { ReplayTiming } from '../../../shared/storeTypes'
import { attemptRow, newAttemptState, type AttemptState } from '../mappers/attemptRows'
import { markRaw } from 'vue'
import type { ConnectionState, ErrorEvent, HandshakeEvent, SockEvent } from '../../../shared/events'
import { eventToEntry } from '../mappers/toEntry'
import { missedEntry } from '../lib/resync'
import { MessageLog } from './messageLog'
import { ConnectionStats } from './stats'
import { draftProtocol, newDraft, type Draft } from '../mappers/draft'
import { ProtocolOperations } from '../../../shared/protocols/operations'
import { newFailureState, trackFailure, type FailureState } from '../lib/connectionFailure'

export interface ConnectionTab {
  key: string
  draft: Draft
  connId: string | null
  state: ConnectionState
  attempt: number
  /** Epoch ms when the scheduled reconnect fires. */
  reconnectAt: number | null
  /** The last event `seq` applied: events are applied once, in order, and re-sync asks for what follows it. */
  lastSeq: number
  /** Since when capture is throttled (the view fell behind), or null. */
  throttledSince: number | null
  /** The link to the host is down: this connection's state is not known until it is back. */
  unknown: boolean
  log: MessageLog
  stats: ConnectionStats
  handshake: HandshakeEvent | null
  lastError: ErrorEvent | null
  /** The last failed attempt, for the error banner under the URL bar. */
  failure: FailureState
  /** The connection attempt in flight, so a failed one reads as one row (attemptRows.ts). */
  attemptRows: AttemptState
  /** A problem found before connecting or sending (validation), shown near the control. */
  problem: string | null
  /** What the connection's protocol has running (subscriptions, emits awaiting their ack), followed from its frames. */
  operations: ProtocolOperations
  /** Rows show their raw frames instead of the protocol's messages (the log's "Raw frames" toggle). */
  rawFrames: boolean
  /** Is the view frozen (capture continues)? and how far it showed when frozen. */
  paused: boolean
  pausedAt: number
  /** The profile this tab was opened from or saved as. */
  profileId: string | null
  /** An imported or recorded session shown for offline viewing: no connecting. */
  readOnly: boolean
  /** The recording a read-only tab shows (read again after a reload). */
  recordingId: string | null
  title: string | null
  /** A replay in this tab: messages it will send (null until the host says) and sent so far, counted from the log. */
  replay: { total: number | null; sent: number } | null
  /** A replay waiting for the secrets its recording could not keep (named as the user knows them). */
  pendingReplay: { recordingId: string; timing: ReplayTiming; secrets: string[] } | null
}

export function createTab(key: string, url?: string): ConnectionTab {
  return {
    key,
    draft: newDraft(url),
    connId: null,
    state: 'closed',
    attempt: 0,
    reconnectAt: null,
    lastSeq: 0,
    throttledSince: null,
    unknown: false,
    log: markRaw(new MessageLog()),
    stats: markRaw(new ConnectionStats()),
    handshake: null,
    lastError: null,
    failure: newFailureState(),
    attemptRows: markRaw(newAttemptState()),
    replay: null,
    pendingReplay: null,
    problem: null,
    operations: markRaw(new ProtocolOperations()),
    rawFrames: false,
    paused: false,
    pausedAt: 0,
    profileId: null,
    readOnly: false,
    recordingId: null,
    title: null
  }
}

/** The tab's connection is gone (the host no longer has it): back to a closed tab that says why. */
export function forgetConnection(tab: ConnectionTab, why: string): void {
  tab.connId = null
  tab.state = 'closed'
  tab.reconnectAt = null
  tab.throttledSince = null
  tab.unknown = false
  tab.problem = why
}

/** Applies one engine event to its tab: once, in `seq` order, with a marker row where events are missing. */
export function applyEvent(tab: ConnectionTab, e: SockEvent): void {
  if (e.seq <= tab.lastSeq) return // seen already (a re-sync overlaps the live stream)
  if (tab.lastSeq && e.seq > tab.lastSeq + 1) tab.log.push(missedEntry(e.seq - tab.lastSeq - 1, tab.lastSeq + 1, e.ts, 'gap'))
  tab.lastSeq = e.seq
  const folded = attemptRow(tab.attemptRows, e)
  const entry = folded === undefined ? eventToEntry(e) : folded
  if (entry) tab.log.push(entry)
  trackFailure(tab.failure, e)
  switch (e.type) {
    case 'message':
      tab.stats.message(e.dir, e.size, e.ts)
      // A replay's progress is its messages out (applied past the proxy: shown on the next log redraw).
      if (e.dir === 'out' && tab.replay && e.sent !== false) tab.replay.sent++
      if (e.ref) tab.operations.skipped(e.dir)
      else if (e.sent !== false) {
        const { kind, subprotocol } = tab.operations.spoken
        tab.operations.follow(kind, subprotocol, e.dir, e.kind, e.data, e.seq)
      }
      break
    case 'pong':
      if (e.rttMs !== undefined) tab.stats.roundTrip(e.rttMs, e.ts)
      break
    case 'state':
      tab.state = e.state
      tab.attempt = e.attempt
      if (e.state !== 'closed') tab.reconnectAt = null
      if (e.state === 'open') tab.operations.reset()
      if (e.state === 'closed' && tab.reconnectAt === null) tab.reconnectAt = null
      break
    case 'reconnect':
      tab.reconnectAt = e.cancelled ? null : e.ts + e.delayMs
      break
    case 'throttle':
      tab.throttledSince = e.on ? e.ts : null
      break
    case 'handshake':
      // What this connection speaks, decided once per attempt: a flood's messages do not each read the URL again.
      tab.operations.spoken = { kind: draftProtocol(tab.draft, e.protocol || null), subprotocol: e.protocol || null }
      tab.handshake = markRaw(e)
      tab.lastError = null
      break
    case 'error':
      tab.lastError = markRaw(e)
      break
  }
}

/** A read-only tab's events, applied one by one: one that cannot be shown is counted, never fatal. */
export function showEvents(tab: ConnectionTab, events: SockEvent[], notes: string[]): void {
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
}
