/**
 * Which values are secret, moving them out of (and back into) profiles and environments, and naming them as the
 * user sees them. Pure. A secret path is a dot path to a string (`options.auth.token`), or a URL's password
 * (`options.url#password`, `options.proxy.url#password`): `user:pass@` in a URL is a secret like any other.
 */
import type { Environment, Profile } from './profiles'

type Obj = Record<string, unknown>

/** Every path a profile may name as secret. Paths read back from disk are checked against it (no `__proto__`). */
export const PROFILE_SECRET_PATH =
  /^options\.(headers|query)\.\d{1,4}\.value$|^options\.auth\.(password|token|value)$|^options\.tls\.(passphrase|key|pfx)$|^options\.(url|proxy\.url)#password$|^options\.protocol\.(auth|graphql\.connectionParams|stomp\.passcode|mqtt\.password)$/
const ENVIRONMENT_SECRET_PATH = /^variables\.\d{1,4}\.value$/
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/** `scheme://user:password@` at the start of a URL (kept as typed: nothing is re-encoded). */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):([^/?#@]*)@/i
const USER_ONLY = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*)@/i

export function urlPassword(url: string): string {
  return USERINFO.exec(url)?.[2] ?? ''
}

export function withUrlPassword(url: string, password: string): string {
  if (USERINFO.test(url)) return url.replace(USERINFO, password ? `$1:${password}@` : '$1@')
  return password && USER_ONLY.test(url) ? url.replace(USER_ONLY, `$1:${password}@`) : url
}

function getPath(root: unknown, path: string): unknown {
  const [dots, part] = path.split('#')
  const v = dots.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' && !UNSAFE_KEYS.has(k) ? (o as Obj)[k] : undefined), root)
  return part === 'password' ? (typeof v === 'string' ? urlPassword(v) : undefined) : v
}

function setPath(root: unknown, path: string, value: string): void {
  const [dots, part] = path.split('#')
  const keys = dots.split('.')
  if (keys.some((k) => UNSAFE_KEYS.has(k))) return
  const last = keys.pop()!
  const parent = keys.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Obj)[k] : undefined), root)
  if (!parent || typeof parent !== 'object' || !Object.prototype.hasOwnProperty.call(parent, last)) return
  const target = parent as Obj
  if (part === 'password') {
    if (typeof target[last] === 'string') target[last] = withUrlPassword(target[last] as string, value)
  } else target[last] = value
}

/** Paths (under `options`) of a profile's secret values that are set. */
export function profileSecretPaths(p: Profile): string[] {
  const o = p.options
  const paths: string[] = []
  if (urlPassword(o.url)) paths.push('options.url#password')
  if (o.proxy && urlPassword(o.proxy.url)) paths.push('options.proxy.url#password')
  o.headers?.forEach((h, i) => h.secret && paths.push(`options.headers.${i}.value`))
  o.query?.forEach((q, i) => q.secret && paths.push(`options.query.${i}.value`))
  if (o.auth?.type === 'basic') paths.push('options.auth.password')
  if (o.auth?.type === 'bearer') paths.push('options.auth.token')
  if (o.auth?.type === 'apiKey') paths.push('options.auth.value')
  for (const k of ['passphrase', 'key', 'pfx'] as const) if (o.tls?.[k]) paths.push(`options.tls.${k}`)
  if (o.protocol?.auth) paths.push('options.protocol.auth')
  if (o.protocol?.graphql?.connectionParams) paths.push('options.protocol.graphql.connectionParams')
  if (o.protocol?.stomp?.passcode) paths.push('options.protocol.stomp.passcode')
  if (o.protocol?.mqtt?.password) paths.push('options.protocol.mqtt.password')
  return paths
}

export function environmentSecretPaths(e: Environment): string[] {
  return e.variables.flatMap((x, i) => (x.secret ? [`variables.${i}.value`] : []))
}

/** How the user knows a secret: "the value of header “X-Api-Key”", not `headers.1.value`. */
export function secretLabel(p: Profile, path: string): string {
  const o = p.options
  const m = /^options\.(headers|query)\.(\d+)\.value$/.exec(path)
  if (m) {
    const name = (m[1] === 'headers' ? o.headers : o.query)?.[Number(m[2])]?.name ?? '?'
    return m[1] === 'headers' ? `the value of header “${name}”` : `the value of query parameter “${name}”`
  }
  const fixed: Record<string, string> = {
    'options.url#password': 'the password in the URL',
    'options.proxy.url#password': 'the proxy password',
    'options.auth.password': 'the Basic auth password',
    'options.auth.token': 'the bearer token',
    'options.auth.value': `the API key${o.auth?.type === 'apiKey' ? ` “${o.auth.name}”` : ''}`,
    'options.tls.passphrase': 'the client certificate passphrase',
    'options.tls.key': 'the client certificate key',
    'options.tls.pfx': 'the PFX client certificate',
    'options.protocol.auth': 'the Socket.IO auth payload',
    'options.protocol.graphql.connectionParams': 'the GraphQL connection params',
    'options.protocol.stomp.passcode': 'the STOMP passcode',
    'options.protocol.mqtt.password': 'the MQTT password'
  }
  return fixed[path] ?? path
}

/**
 * Connection options with every secret value emptied, and how the user knows each one: what a recording keeps of
 * its connection's settings, so a replay can reuse them without a secret ever reaching the disk.
 */
export function optionsWithoutSecrets(options: Profile['options']): { options: Profile['options']; secrets: string[] } {
  const clean = { options: structuredClone(options) } as Profile
  const paths = profileSecretPaths(clean)
  for (const path of paths) setPath(clean, path, '')
  return { options: clean.options, secrets: paths.map((path) => secretLabel({ options } as Profile, path)) }
}

/** Of the secret paths a profile misses, those still empty in `options` (the user may have typed some in). */
export function unfilledSecrets(options: Profile['options'], paths: string[]): string[] {
  return paths.filter((path) => !getPath({ options }, path))
}

export const profileSecretKey = (id: string, path: string): string => `profile:${id}:${path}`
export const environmentSecretKey = (id: string, path: string): string => `environment:${id}:${path}`

export interface Extracted<T> {
  clean: T
  secrets: Record<string, string>
}

function extract<T extends { id: string }>(item: T, paths: string[], key: (id: string, p: string) => string): Extracted<T> {
  const clean = structuredClone(item)
  const secrets: Record<string, string> = {}
  for (const path of paths) {
    const value = getPath(clean, path)
    if (typeof value === 'string' && value !== '') secrets[key(item.id, path)] = value
    setPath(clean, path, '')
  }
  return { clean, secrets }
}

export function extractProfileSecrets(p: Profile): Extracted<Profile> {
  const paths = profileSecretPaths(p)
  const r = extract(p, paths, profileSecretKey)
  if (paths.length) r.clean.secretPaths = paths
  else delete r.clean.secretPaths
  return r
}

export function extractEnvironmentSecrets(e: Environment): Extracted<Environment> {
  return extract(e, environmentSecretPaths(e), environmentSecretKey)
}

/** Puts held secrets back; returns which secret paths have no value held. Unknown paths (a crafted file) are ignored. */
export function injectProfileSecrets(p: Profile, held: (key: string) => string | undefined): { profile: Profile; missing: string[] } {
  const profile = structuredClone(p)
  const missing: string[] = []
  for (const path of (p.secretPaths ?? []).filter((x) => PROFILE_SECRET_PATH.test(x))) {
    const v = held(profileSecretKey(p.id, path))
    if (v === undefined) missing.push(path)
    else setPath(profile, path, v)
  }
  return { profile, missing }
}

export function injectEnvironmentSecrets(
  e: Environment,
  held: (key: string) => string | undefined
): { environment: Environment; missing: string[] } {
  const environment = structuredClone(e)
  const missing: string[] = []
  for (const path of environmentSecretPaths(e).filter((x) => ENVIRONMENT_SECRET_PATH.test(x))) {
    const v = held(environmentSecretKey(e.id, path))
    if (v === undefined) missing.push(path)
    else setPath(environment, path, v)
  }
  return { environment, missing }
}

export const SECRET_PLACEHOLDER = '<secret: not exported>'

/** How a secret value shows where it must not be read: request headers in recordings, HAR and URLs. */
export const SECRET_MASK = '••••••'

/** For exports without secrets: every secret value replaced by a visible placeholder. */
export function redactProfile(p: Profile): Profile {
  const clean = structuredClone(p)
  for (const path of profileSecretPaths(p))
    if (getPath(clean, path)) setPath(clean, path, path.endsWith('#password') ? 'REDACTED' : SECRET_PLACEHOLDER)
  delete clean.secretPaths
  return clean
}
