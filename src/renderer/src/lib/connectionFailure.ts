/**
 * Which engine events make a failed connection worth a banner (issue 15, "errors where the eyes are"): an attempt
 * that could not open or that ended abnormally, with the error that ended it; and, while the socket stays open, an
 * error of the protocol spoken over it (a refused Socket.IO namespace, a STOMP ERROR frame, a refused MQTT CONNACK)
 * or of a codec the user pinned. A close the user asked for is not a failure, and neither are errors that leave the
 * connection running unremarked (a failed send, a recording that cannot be written, a ping flood).
 */
import type { CloseEvent, ErrorEvent, SockEvent } from '../../../shared/events'

export interface ConnectionFailure {
  /** The last error of the attempt that failed, if the engine reported one. */
  error: ErrorEvent | null
  /** Null while the connection is still open: a protocol or codec error, not a failed attempt. */
  close: CloseEvent | null
  /** The attempt had opened before it ended (a dropped connection rather than one that never came up). */
  wasOpen: boolean
}

export interface FailureState {
  /** The attempt in progress, from `connecting` to its close. */
  attempt: { opened: boolean; error: ErrorEvent | null } | null
  /** What the banner shows; null when there is nothing to show. */
  shown: ConnectionFailure | null
  /** The user dismissed the banner: automatic retries that fail the same way do not bring it back. */
  dismissed: boolean
  /** The pinned decode setting whose failure was last shown: said once per setting, dismissed or not. */
  codecShown: string | null
}

export function newFailureState(): FailureState {
  return { attempt: null, shown: null, dismissed: false, codecShown: null }
}

/** Errors the engine reports while the connection carries on: they never explain why it ended. */
const NON_FATAL_CLASSES = new Set<ErrorEvent['class']>(['send', 'recording'])
const NON_FATAL_CODES = new Set(['PING_FLOOD', 'CLOSE_TIMEOUT'])

function canEndConnection(e: ErrorEvent): boolean {
  return !NON_FATAL_CLASSES.has(e.class) && !(e.code && NON_FATAL_CODES.has(e.code))
}

/** Closes that are part of normal life: the server said goodbye, or we closed and nothing went wrong. */
const NORMAL_REMOTE_CODES = new Set([1000, 1001, 1005])

export function isFailedClose(close: CloseEvent, error: ErrorEvent | null): boolean {
  if (close.initiator === 'abnormal') return true
  if (close.initiator === 'remote') return !NORMAL_REMOTE_CODES.has(close.code) || !!error
  // Local: the user's own close, unless we closed because the server broke the protocol (the error says so).
  return !!error && close.code !== 1000
}

/** Follows one engine event of a tab's connection (events arrive once, in `seq` order). */
export function trackFailure(s: FailureState, e: SockEvent): void {
  switch (e.type) {
    case 'state':
      if (e.state === 'connecting') {
        s.attempt = { opened: false, error: null }
        // Attempt 1 is a new connection the user started: a dismissal applies to the one before it only.
        if (e.attempt <= 1) s.dismissed = false
      } else if (e.state === 'open') {
        if (s.attempt) s.attempt.opened = true
        s.shown = null
        s.dismissed = false
      } else if (e.state === 'closed') s.attempt = null
      break
    case 'error':
      if (s.attempt && canEndConnection(e)) s.attempt.error = e
      // The server said no in its own protocol: news at once, whether or not an earlier banner was dismissed.
      if (e.class === 'app-protocol') s.shown = { error: e, close: null, wasOpen: true }
      break
    case 'close':
      if (s.attempt && isFailedClose(e, s.attempt.error) && !s.dismissed) {
        s.shown = { error: s.attempt.error, close: e, wasOpen: s.attempt.opened }
      }
      s.attempt = null
      break
  }
}

/** The user closed the banner. */
export function dismissFailure(s: FailureState): void {
  s.shown = null
  s.dismissed = true
}

/** A payload did not decode through the chain the user pinned: the same banner, with the codec's words. */
export function codecFailure(s: FailureState, error: ErrorEvent, setting: string): void {
  if (s.codecShown === setting || s.shown?.close) return
  s.codecShown = setting
  s.shown = { error, close: null, wasOpen: true }
}
