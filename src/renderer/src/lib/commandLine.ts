/**
 * "Copy as command" (issue 18): a tab's connection as the `sockscope send` / `sockscope listen` line that does the same
 * from a shell. Secrets never go into the clipboard: each becomes a placeholder named as the settings name it. What the
 * command line cannot say (a client certificate, a proxy, a protocol's settings) is listed after it as a comment.
 */
import type { ConnectionOptions } from '../../../shared/options'
import type { Profile } from '../../../shared/profiles'
import { profileSecretPaths, secretLabel } from '../../../shared/secrets'
import { shellQuote } from '../../../shared/shellQuote'

const placeholder = (label: string): string => `<${label}>`

export function commandLine(kind: 'send' | 'listen', options: ConnectionOptions, profileName?: string): string {
  if (profileName) return `sockscope ${kind} --profile ${shellQuote(profileName)}`
  const secrets = new Set(profileSecretPaths({ options } as Profile))
  const label = (path: string): string => placeholder(secretLabel({ options } as Profile, path))
  const url = new URL(options.url)
  if (secrets.has('options.url#password')) url.password = 'PASSWORD'
  options.query?.forEach((q, i) => {
    if (q.enabled === false || !q.name) return
    url.searchParams.append(q.name, secrets.has(`options.query.${i}.value`) ? label(`options.query.${i}.value`) : q.value)
  })
  const headers: string[] = []
  options.headers?.forEach((h, i) => {
    if (h.enabled === false || !h.name) return
    headers.push(`${h.name}: ${secrets.has(`options.headers.${i}.value`) ? label(`options.headers.${i}.value`) : h.value}`)
  })
  const auth = options.auth
  if (auth?.type === 'bearer') headers.push(`Authorization: Bearer ${label('options.auth.token')}`)
  if (auth?.type === 'basic')
    headers.push(`Authorization: Basic <base64 of ${auth.username}:${label('options.auth.password').slice(1, -1)}>`)
  if (auth?.type === 'apiKey' && auth.in === 'header') headers.push(`${auth.name}: ${label('options.auth.value')}`)
  if (auth?.type === 'apiKey' && auth.in === 'query') url.searchParams.append(auth.name, label('options.auth.value'))
  const words = [`sockscope ${kind}`, shellQuote(url.toString().replace('PASSWORD', label('options.url#password')))]
  for (const h of headers) words.push(`--header ${shellQuote(h)}`)
  for (const p of options.subprotocols ?? []) words.push(`--subprotocol ${shellQuote(p)}`)
  if (options.tls?.ca?.length) words.push('--ca ca.pem')
  if (options.tls?.allowInvalidCertificates) words.push('--insecure')
  const { kind: protocolKind, ...protocolSettings } = options.protocol ?? {}
  if (protocolKind && protocolKind !== 'auto') words.push(`--protocol ${protocolKind}`)
  const unsaid = [
    options.tls?.ca?.length && 'ca.pem: save the CA certificate from the TLS settings there',
    (options.tls?.cert || options.tls?.pfx) && 'the client certificate',
    options.proxy && 'the proxy',
    Object.keys(protocolSettings).length > 0 && "the protocol's settings",
    options.preamble?.length && 'the preamble'
  ].filter((x): x is string => !!x)
  return unsaid.length
    ? `${words.join(' ')}\n# Not on this line: ${unsaid.join('; ')} (use --profile with a saved profile).`
    : words.join(' ')
}
