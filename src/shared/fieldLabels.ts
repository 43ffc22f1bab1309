/**
 * Names a refused argument as the user sees it ("URL", "Header 2 name"), never by the contract's path
 * (`argument 0.url`): validation messages reach the UI as they are. The labels are the settings panel's.
 */
import type { MethodName } from './api'

const OPTION_LABELS: Record<string, string> = {
  url: 'URL',
  origin: 'Origin',
  subprotocols: 'Subprotocols',
  handshakeTimeoutMs: 'Handshake timeout (ms)',
  closeTimeoutMs: 'Close timeout (ms)',
  maxPayloadBytes: 'Max payload (bytes)',
  maxFragments: 'Max fragments per message',
  maxBufferedChunks: 'Max buffered chunks',
  perMessageDeflate: 'Compression (permessage-deflate)',
  followRedirects: 'Follow redirects',
  maxRedirects: 'Max redirects',
  auth: 'Auth',
  'auth.username': 'Username',
  'auth.password': 'Password',
  'auth.token': 'Token',
  'auth.name': 'Key name',
  'auth.value': 'Key value',
  'auth.in': 'Send in',
  tls: 'TLS settings',
  'tls.ca': 'Extra CA certificates (PEM)',
  'tls.cert': 'Client certificate (PEM)',
  'tls.key': 'Client key (PEM)',
  'tls.pfx': 'Client certificate (PFX/P12)',
  'tls.passphrase': 'PFX passphrase',
  'tls.servername': 'Server name (SNI)',
  'tls.allowInvalidCertificates': 'Allow invalid certificates',
  proxy: 'Proxy',
  'proxy.type': 'Proxy',
  'proxy.url': 'Proxy address',
  heartbeat: 'Ping settings',
  'heartbeat.intervalSec': 'Ping interval (seconds)',
  'heartbeat.payload': 'Ping payload',
  'heartbeat.pongTimeoutMs': 'Pong timeout (ms)',
  'heartbeat.autoPong': 'Answer server pings',
  reconnect: 'Reconnect settings',
  'reconnect.enabled': 'Reconnect automatically',
  'reconnect.baseMs': 'Backoff base (ms)',
  'reconnect.capMs': 'Backoff cap (ms)',
  'reconnect.maxAttempts': 'Max attempts',
  'reconnect.stableMs': 'Stable after (ms)',
  record: 'Record this connection',
  'decode.in': 'Decode received messages as',
  'decode.out': 'Decode sent messages as',
  'decode.maxOutputBytes': 'Decoded size limit',
  protobuf: 'Protobuf schema',
  'protocol.kind': 'Protocol',
  'protocol.namespace': 'Socket.IO namespace',
  'protocol.auth': 'Socket.IO auth payload',
  'protocol.keepAlive': 'Answer the keep-alive',
  'protocol.graphql.connectionParams': 'GraphQL connection params',
  'protocol.stomp.host': 'STOMP host',
  'protocol.stomp.login': 'STOMP login',
  'protocol.stomp.passcode': 'STOMP passcode',
  'protocol.stomp.heartBeatMs': 'STOMP heart-beat (ms)',
  'protocol.mqtt.version': 'MQTT version',
  'protocol.mqtt.clientId': 'MQTT client id',
  'protocol.mqtt.username': 'MQTT user name',
  'protocol.mqtt.password': 'MQTT password',
  'protocol.mqtt.cleanStart': 'MQTT clean start',
  'protocol.mqtt.keepAliveS': 'MQTT keep-alive (s)',
  'protocol.signalr.keepAliveMs': 'SignalR ping interval (ms)'
}

/** Lists whose items the panel numbers from 1: `headers.1.name` is "Header 2 name". */
const LISTS: Record<string, string> = {
  headers: 'Header',
  query: 'Query parameter',
  subprotocols: 'Subprotocol',
  preamble: 'Message sent on connect'
}

/** A path inside connection options, e.g. `headers.1.name`, as the settings panel names it. */
export function optionLabel(path: string): string {
  const [head, index, ...rest] = path.split('.')
  if (LISTS[head] && index !== undefined && /^\d+$/.test(index)) {
    const item = `${LISTS[head]} ${Number(index) + 1}`
    return rest.length && head !== 'preamble' ? `${item} ${rest[0]}` : item
  }
  for (let parts = path.split('.'); parts.length; parts.pop()) {
    const label = OPTION_LABELS[parts.join('.')]
    if (label) return label
  }
  return 'Connection settings'
}

/** Where each method's connection options are, and names for its other arguments. */
const OPTIONS_AT: Partial<Record<MethodName, number>> = { connect: 0, replay: 1 }
const ARGUMENT_LABELS: Partial<Record<MethodName, Record<string, string>>> = {
  send: { '1.kind': 'Message kind', '1.data': 'Message', '1': 'Message' },
  ping: { '1': 'Ping payload' },
  pong: { '1': 'Pong payload' },
  close: { '1': 'Close code', '2': 'Close reason' },
  replay: { '2': 'Replay timing', '2.ms': 'Replay interval (ms)' },
  profileSave: { '0.name': 'Profile name' },
  environmentSave: { '0.name': 'Environment name' }
}

/** The user's name for a refused argument at `path` (valibot's dot path) of a call, or null for "the request". */
export function argumentLabel(method: MethodName, path: string | null): string | null {
  if (path === null) return null
  const at = OPTIONS_AT[method]
  if (at !== undefined && (path === String(at) || path.startsWith(`${at}.`))) return optionLabel(path.slice(String(at).length + 1))
  const options = /^0\.options\.(.+)$/.exec(path)
  if (method === 'profileSave' && options) return optionLabel(options[1])
  const labels = ARGUMENT_LABELS[method] ?? {}
  for (let parts = path.split('.'); parts.length; parts.pop()) {
    const label = labels[parts.join('.')]
    if (label) return label
  }
  return null
}
