/**
 * A connection's states and the only transitions between them, written down once. The engine follows this
 * graph (it refuses an illegal step), the model-based tests check every emitted `state` event against it, and
 * the renderer reads it to know what a tab may do next.
 *
 *   closed ──► connecting ──► open ──► closing ──► closed
 *                  │            │
 *                  └──► closed ◄┘        (every attempt ends with exactly one `close` event, then `closed`)
 */
import type { ConnectionState } from './events'

export const INITIAL_STATE: ConnectionState = 'closed'

export const TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  closed: ['connecting'],
  connecting: ['open', 'closed'],
  open: ['closing', 'closed'],
  closing: ['closed']
}

export function isLegalTransition(from: ConnectionState, to: ConnectionState): boolean {
  return TRANSITIONS[from].includes(to)
}
