/** The reverse of draftToOptions: a saved profile's options back into the editable form. */
import type { ConnectionOptions } from '../../../shared/options'
import { newDraft, preambleText, type Draft } from './draft'
import { protocolDraftFrom } from './protocolDraft'

/** A profile's options in the form, remembering them as the form's base (see draftToOptions). */
export function optionsToDraft(o: ConnectionOptions): Draft {
  return { ...optionsToDraftFields(o), base: structuredClone(o) }
}

/** The form fields for these options, without a base. */
export function optionsToDraftFields(o: ConnectionOptions): Draft {
  const d = newDraft(o.url)
  d.query = (o.query ?? []).map((x) => ({ ...x }))
  d.headers = (o.headers ?? []).map((x) => ({ ...x }))
  d.subprotocols = (o.subprotocols ?? []).join(', ')
  d.origin = o.origin ?? ''
  d.auth = o.auth ? { ...o.auth } : { type: 'none' }
  const t = o.tls ?? {}
  d.tls = {
    ca: (t.ca ?? []).join('\n'),
    cert: t.cert ?? '',
    key: t.key ?? '',
    pfx: t.pfx ?? '',
    passphrase: t.passphrase ?? '',
    servername: t.servername ?? '',
    allowInvalidCertificates: !!t.allowInvalidCertificates
  }
  d.proxy = o.proxy ? { ...o.proxy } : { type: 'none', url: '' }
  if (o.handshakeTimeoutMs) d.handshakeTimeoutMs = o.handshakeTimeoutMs
  if (o.closeTimeoutMs) d.closeTimeoutMs = o.closeTimeoutMs
  if (o.maxPayloadBytes) d.maxPayloadBytes = o.maxPayloadBytes
  if (o.maxFragments) d.maxFragments = o.maxFragments
  if (o.maxBufferedChunks) d.maxBufferedChunks = o.maxBufferedChunks
  if (o.maxRedirects !== undefined) d.maxRedirects = o.maxRedirects
  if (o.perMessageDeflate !== undefined) d.perMessageDeflate = o.perMessageDeflate
  if (o.followRedirects !== undefined) d.followRedirects = o.followRedirects
  if (o.heartbeat) d.heartbeat = { ...d.heartbeat, ...o.heartbeat, payload: o.heartbeat.payload ?? '' }
  if (o.reconnect) d.reconnect = { ...d.reconnect, ...o.reconnect, enabled: o.reconnect.enabled }
  d.preamble = preambleText(o.preamble ?? [])
  d.record = o.record !== false
  d.decodeIn = o.decode?.in ?? ''
  d.decodeOut = o.decode?.out ?? ''
  d.decodeMaxOutputMiB = o.decode?.maxOutputBytes ? o.decode.maxOutputBytes / (1024 * 1024) : d.decodeMaxOutputMiB
  d.protobuf = o.protobuf ?? null
  d.protocol = protocolDraftFrom(o.protocol)
  return d
}
