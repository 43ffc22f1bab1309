/**
 * The Protocol settings as the form holds them (strings and booleans, as typed), and their round trip to the
 * ConnectionOptions' `protocol` (shared/protocols): only what differs from the defaults is saved.
 */
import type { ProtocolKind, ProtocolOptions } from '../../../shared/protocols'

export interface ProtocolDraft {
  kind: 'auto' | ProtocolKind
  /** Answer the protocol's keep-alive. */
  keepAlive: boolean
  namespace: string
  auth: string
  graphqlParams: string
  stompHost: string
  stompLogin: string
  stompPasscode: string
  /** Empty means the default (10,000 ms). */
  stompHeartBeatMs: string
  mqttVersion: 4 | 5
  mqttClientId: string
  mqttUsername: string
  mqttPassword: string
  mqttCleanStart: boolean
  /** Empty means the default (60 s). */
  mqttKeepAliveS: string
  /** Empty means the default (15,000 ms). */
  signalrKeepAliveMs: string
}

export function newProtocolDraft(): ProtocolDraft {
  return {
    kind: 'auto',
    keepAlive: true,
    namespace: '',
    auth: '',
    graphqlParams: '',
    stompHost: '',
    stompLogin: '',
    stompPasscode: '',
    stompHeartBeatMs: '',
    mqttVersion: 4,
    mqttClientId: '',
    mqttUsername: '',
    mqttPassword: '',
    mqttCleanStart: true,
    mqttKeepAliveS: '',
    signalrKeepAliveMs: ''
  }
}

/** A number field as typed: empty is absent; anything else goes as a number (the schema says what is wrong with it). */
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s.trim()))
const str = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim())
/** Drops absent members, and the whole object when none is left. */
function present<T extends object>(o: T): T | undefined {
  const kept = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
  return Object.keys(kept).length ? kept : undefined
}

export function protocolOptionsOf(p: ProtocolDraft): ProtocolOptions | undefined {
  return present<ProtocolOptions>({
    kind: p.kind !== 'auto' ? p.kind : undefined,
    keepAlive: p.keepAlive ? undefined : false,
    namespace: str(p.namespace),
    // Secrets and JSON are kept as typed (a trailing space may be part of a passcode).
    auth: p.auth.trim() ? p.auth : undefined,
    graphql: present({ connectionParams: p.graphqlParams.trim() ? p.graphqlParams : undefined }),
    stomp: present({
      host: str(p.stompHost),
      login: str(p.stompLogin),
      passcode: p.stompPasscode || undefined,
      heartBeatMs: num(p.stompHeartBeatMs)
    }),
    mqtt: present({
      version: p.mqttVersion !== 4 ? p.mqttVersion : undefined,
      clientId: str(p.mqttClientId),
      username: str(p.mqttUsername),
      password: p.mqttPassword || undefined,
      cleanStart: p.mqttCleanStart ? undefined : false,
      keepAliveS: num(p.mqttKeepAliveS)
    }),
    signalr: present({ keepAliveMs: num(p.signalrKeepAliveMs) })
  })
}

export function protocolDraftFrom(o: ProtocolOptions | undefined): ProtocolDraft {
  const d = newProtocolDraft()
  if (!o) return d
  const text = (n: number | undefined): string => (n === undefined ? '' : String(n))
  return {
    kind: o.kind ?? 'auto',
    keepAlive: o.keepAlive !== false,
    namespace: o.namespace ?? '',
    auth: o.auth ?? '',
    graphqlParams: o.graphql?.connectionParams ?? '',
    stompHost: o.stomp?.host ?? '',
    stompLogin: o.stomp?.login ?? '',
    stompPasscode: o.stomp?.passcode ?? '',
    stompHeartBeatMs: text(o.stomp?.heartBeatMs),
    mqttVersion: o.mqtt?.version ?? 4,
    mqttClientId: o.mqtt?.clientId ?? '',
    mqttUsername: o.mqtt?.username ?? '',
    mqttPassword: o.mqtt?.password ?? '',
    mqttCleanStart: o.mqtt?.cleanStart !== false,
    mqttKeepAliveS: text(o.mqtt?.keepAliveS),
    signalrKeepAliveMs: text(o.signalr?.keepAliveMs)
  }
}
