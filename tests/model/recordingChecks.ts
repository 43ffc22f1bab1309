/** Lifecycle invariants checked on everything a connection emitted (its recording), in order. */
import type { ConnectionState, SockEvent } from '../../src/shared/events'
import { INITIAL_STATE, isLegalTransition } from '../../src/shared/lifecycle'

export function checkRecording(id: string, events: SockEvent[]): string[] {
  const out: string[] = []
  const who = id.slice(0, 8)
  let state: ConnectionState = INITIAL_STATE
  let attempt = 0
  let closes = 0
  let closedSinceOpen = false
  let throttled = false
  events.forEach((e, i) => {
    if (e.seq !== i + 1) out.push(`${who}: recorded seq ${e.seq} at position ${i + 1} (gap or repeat)`)
    switch (e.type) {
      case 'state':
        if (!isLegalTransition(state, e.state)) out.push(`${who}: illegal state ${state} → ${e.state} (seq ${e.seq})`)
        if (e.state === 'connecting') {
          attempt++
          closes = 0
          closedSinceOpen = false
        }
        if (e.state === 'open') closedSinceOpen = false
        if (e.state === 'closed' && closes !== 1)
          out.push(`${who}: attempt ${attempt} reached closed after ${closes} close events (seq ${e.seq})`)
        state = e.state
        break
      case 'close':
        closes++
        closedSinceOpen = true
        if (throttled) out.push(`${who}: closed while capture was still marked throttled (seq ${e.seq})`)
        break
      case 'throttle':
        if (e.on === throttled) out.push(`${who}: throttle ${e.on ? 'on' : 'off'} twice in a row (seq ${e.seq})`)
        throttled = e.on
        break
      case 'error':
        // An internal error is a bug of ours that a guard caught: the app survived, but it must not happen.
        if (e.class === 'internal') out.push(`${who}: internal error (seq ${e.seq}): ${e.message}`)
        break
      case 'message':
        if (e.dir === 'out' && e.sent !== false && closedSinceOpen) out.push(`${who}: a message was sent after the close (seq ${e.seq})`)
        break
      case 'ping':
      case 'pong':
        if (e.dir === 'out' && closedSinceOpen) out.push(`${who}: a ${e.type} was sent after the close (seq ${e.seq})`)
        break
    }
  })
  return out
}
