/** What the model-based runs covered, for the report printed at the end and for coverage checks. */
import type { SockEvent } from '../../src/shared/events'
import { behaviourKey, protocolKey, type Scenario } from './arbitraries'

export const coverage = {
  sequences: 0,
  steps: 0,
  behaviours: new Set<string>(),
  /** State transitions seen in recordings, as "from→to". */
  transitions: new Set<string>(),
  events: 0,
  /** Protocols connections were pinned to, and the protocol behaviours of the servers they met. */
  protocols: new Set<string>(),
  protocolBehaviours: new Set<string>()
}

export function noteScenario(sc: Scenario): void {
  coverage.sequences++
  coverage.steps += sc.ops.length
  for (const b of sc.behaviours) coverage.behaviours.add(behaviourKey(b))
  const pinned = sc.ops.flatMap((o) => (o.op === 'open' && o.options.protocol ? [o.options.protocol.kind] : []))
  for (const kind of pinned) coverage.protocols.add(kind)
  if (pinned.length) for (const b of sc.behaviours) coverage.protocolBehaviours.add(protocolKey(b))
}

export function noteRecording(events: SockEvent[]): void {
  coverage.events += events.length
  let from = 'closed'
  for (const e of events) {
    if (e.type !== 'state') continue
    coverage.transitions.add(`${from}→${e.state}`)
    from = e.state
  }
}
