/**
 * The one line that stands for a tab's connection settings while they are folded away (issue 15: the log gets the
 * space), e.g. "2 headers · chat.v2 · Bearer token · TLS: custom CA · ping 5 s". Only what differs from a plain
 * connection is named; nothing secret is shown.
 */
import { DEFAULT_DECODE_MAX_MIB, draftProtocol, type Draft } from '../mappers/draft'
import { PROTOCOL_NAMES } from '../../../shared/protocols'
import { splitSubprotocols } from '../../../shared/validate'

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`
const AUTH: Record<string, string> = { basic: 'Basic auth', bearer: 'Bearer token', apiKey: 'API key' }

export function settingsSummary(d: Draft): string {
  const parts: string[] = []
  const headers = d.headers.filter((h) => h.name.trim()).length
  if (headers) parts.push(count(headers, 'header'))
  const query = d.query.filter((q) => q.name.trim()).length
  if (query) parts.push(count(query, 'query parameter'))
  const protocols = splitSubprotocols(d.subprotocols)
  if (protocols.length)
    parts.push(protocols.length > 2 ? `${protocols.slice(0, 2).join(', ')} +${protocols.length - 2}` : protocols.join(', '))
  if (d.origin.trim()) parts.push('Origin set')
  if (d.auth.type !== 'none') parts.push(AUTH[d.auth.type])
  const tls = [
    d.tls.ca.trim() && 'custom CA',
    (d.tls.cert.trim() || d.tls.pfx.trim()) && 'client certificate',
    d.tls.allowInvalidCertificates && 'not verified'
  ]
  if (tls.some(Boolean)) parts.push(`TLS: ${tls.filter(Boolean).join(', ')}`)
  if (d.proxy.type !== 'none') parts.push(`${d.proxy.type === 'http' ? 'HTTP' : 'SOCKS5'} proxy`)
  if (d.heartbeat.intervalSec > 0) parts.push(`ping ${d.heartbeat.intervalSec} s`)
  if (d.reconnect.enabled) parts.push('reconnects')
  if (!d.perMessageDeflate) parts.push('no compression')
  if (!d.record) parts.push('not recorded')
  const protocol = draftProtocol(d)
  const namespace = protocol === 'socketio' ? d.protocol.namespace.trim() : ''
  if (protocol !== 'raw')
    parts.push(`${PROTOCOL_NAMES[protocol]}${namespace ? ` ${namespace}` : ''}${d.protocol.keepAlive ? '' : ' (keep-alive unanswered)'}`)
  if (d.decodeIn) parts.push(`decode in: ${d.decodeIn}`)
  if (d.decodeOut) parts.push(`decode out: ${d.decodeOut}`)
  if (d.protobuf) parts.push(`Protobuf: ${d.protobuf.files.join(', ')}`)
  if (d.decodeMaxOutputMiB !== DEFAULT_DECODE_MAX_MIB) parts.push(`decoded size limit ${d.decodeMaxOutputMiB} MiB`)
  return parts.length ? parts.join(' · ') : 'defaults'
}
