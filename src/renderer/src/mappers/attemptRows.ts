/**
 * A connection attempt that never opened reads as one log row. Each failed attempt used to add four (connecting,
 * the error, "Closed 1006" for a socket that never opened, the retry scheduled); now retries add no "connecting"
 * row, the error and the close are held until the close and then shown as one row, and the schedule shows in the
 * connection bar, not the log. The recording and exports keep every event as it came.
 */
import type { ErrorEvent, SockEvent } from '../../../shared/events'
import type { LogEntry } from '../stores/messageLog'

export interface AttemptState {
  /** Between an attempt's "connecting" and its close. */
  inAttempt: boolean
  opened: boolean
  attempt: number
  /** The error of the attempt in flight, held until its close. */
  error: ErrorEvent | null
}

export const newAttemptState = (): AttemptState => ({ inAttempt: false, opened: false, attempt: 0, error: null })

/** What a failed attempt's one row says: which attempt, what failed, what to do. */
export function failedAttemptEntry(attempt: number, err: ErrorEvent, seq: number, ts: number): LogEntry {
  return {
    seq,
    ts,
    dir: 'sys',
    kind: 'error',
    size: 0,
    data: `Attempt ${attempt} failed: ${err.code ? `[${err.code}] ` : ''}${err.message} · ${err.next}`,
    event: err
  }
}

/**
 * The row an event makes in view of the attempt in flight: `undefined` when the event is shown as usual, `null`
 * when it makes no row (held or folded), or the folded row.
 */
export function attemptRow(a: AttemptState, e: SockEvent): LogEntry | null | undefined {
  switch (e.type) {
    case 'state':
      if (e.state !== 'connecting') return undefined
      Object.assign(a, { inAttempt: true, opened: false, attempt: e.attempt, error: null })
      return e.attempt > 1 ? null : undefined
    case 'handshake':
      a.opened = true
      return undefined
    case 'error':
      if (!a.inAttempt || a.opened || a.error) return undefined
      a.error = e
      return null
    case 'close': {
      const err = a.inAttempt && !a.opened ? a.error : null
      a.inAttempt = false
      a.error = null
      return err ? failedAttemptEntry(a.attempt, err, e.seq, e.ts) : undefined
    }
    case 'reconnect':
      return e.cancelled ? undefined : null
    default:
      return undefined
  }
}
