/** Turns engine events into log rows: messages as they are, connection events as one readable line. */
import type { SockEvent } from '../../../shared/events'
import type { LogEntry } from '../stores/messageLog'
import { formatDuration } from '../lib/format'

export function eventToEntry(e: SockEvent): LogEntry | null {
  const base = { seq: e.seq, ts: e.ts }
  switch (e.type) {
    case 'message':
      return {
        ...base,
        dir: e.dir,
        kind: e.kind,
        size: e.size,
        data: e.data,
        ...(e.ref ? { ref: e.ref } : {}),
        ...(e.sent === false ? { failed: e.error ?? 'send failed' } : {})
      }
    case 'ping':
    case 'pong':
      return {
        ...base,
        dir: e.dir,
        kind: e.type,
        size: e.data.byteLength,
        data: e.data,
        ...(e.rttMs !== undefined ? { rttMs: e.rttMs } : {})
      }
    case 'handshake': {
      const parts = [`Connected: ${e.status} ${e.statusText}`.trim()]
      if (e.protocol) parts.push(`subprotocol ${e.protocol}`)
      if (e.extensions) parts.push(`extensions ${e.extensions}`)
      if (e.tls) parts.push(`${e.tls.protocol ?? 'TLS'}${e.tls.authorized ? '' : ' (certificate NOT verified)'}`)
      if (e.redirects.length) parts.push(`${e.redirects.length} redirect(s)`)
      parts.push(`upgrade in ${formatDuration(e.timings.upgradeMs)}`)
      return { ...base, dir: 'sys', kind: 'open', size: 0, data: parts.join(' · '), event: e }
    }
    case 'close':
      return {
        ...base,
        dir: 'sys',
        kind: 'close',
        size: 0,
        data: `Closed ${e.code} (${e.meaning}) by ${e.initiator === 'abnormal' ? 'network (abnormal)' : e.initiator === 'local' ? 'us' : 'server'}${e.reason ? `: ${e.reason}` : ''}${e.clean ? '' : ' · not clean'}`,
        event: e
      }
    case 'error':
      return { ...base, dir: 'sys', kind: 'error', size: 0, data: `${e.code ? `[${e.code}] ` : ''}${e.message} · ${e.next}`, event: e }
    case 'reconnect':
      return {
        ...base,
        dir: 'sys',
        kind: 'info',
        size: 0,
        data: e.cancelled
          ? `Reconnect attempt ${e.attempt} cancelled`
          : `Reconnect attempt ${e.attempt} scheduled in ${formatDuration(e.delayMs)}`,
        event: e
      }
    case 'throttle':
      return {
        ...base,
        dir: 'sys',
        kind: 'info',
        size: 0,
        data: e.on
          ? 'Capture throttled: the view fell behind, so reading paused and TCP slows the server (nothing is dropped)'
          : 'Capture resumed: the view caught up',
        event: e
      }
    case 'redirect':
      return {
        ...base,
        dir: 'sys',
        kind: 'info',
        size: 0,
        data: `Redirect ${e.status}: ${e.from} → ${e.to}${e.stripped.length ? ` (dropped ${e.stripped.join(', ')})` : ''}`,
        event: e
      }
    case 'state':
      return e.state === 'connecting'
        ? { ...base, dir: 'sys', kind: 'info', size: 0, data: `Connecting (attempt ${e.attempt})…`, event: e }
        : null
  }
}
