/**
 * The connection flags of `sockscope send` and `listen` (URL, --header, --subprotocol, --ca, --insecure, --profile
 * with --data-dir and --env, --var, --protocol) turned into ConnectionOptions, checked by the same schema the app
 * uses. Every refusal is a UsageError that names the flag or the setting as the app's settings panel does.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ConnectionOptions, KeyValue } from '../shared/options'
import type { Environment, Profile } from '../shared/profiles'
import { PROTOCOL_NAMES, type ProtocolKind } from '../shared/protocols'
import { ValidationError, validateConnectionOptions } from '../shared/schema'
import { optionLabel } from '../shared/fieldLabels'
import { secretLabel } from '../shared/secrets'
import { resolveDeep, variableMap } from '../shared/variables'
import { splitSubprotocols } from '../shared/validate'
import { defaultDataDir } from '../main/store/dataDir'
import { ProfileStore } from '../main/store/profileStore'
import { NO_ENCRYPTION } from '../main/store/secrets'
import { UsageError, type FlagSpecs, type FlagValues } from './args'

export const CONNECTION_FLAGS = {
  header: { type: 'string', multiple: true, short: 'H', value: 'K:V' },
  subprotocol: { type: 'string', multiple: true, value: 'NAME' },
  ca: { type: 'string', multiple: true, value: 'FILE' },
  insecure: { type: 'boolean', short: 'k' },
  protocol: { type: 'string', value: 'KIND' },
  profile: { type: 'string', value: 'NAME' },
  env: { type: 'string', value: 'NAME' },
  var: { type: 'string', multiple: true, value: 'NAME=VALUE' },
  'data-dir': { type: 'string', value: 'DIR' }
} as const satisfies FlagSpecs

export const CONNECTION_HELP = `  -H, --header K:V        add a request header (repeatable), e.g. -H "Authorization: Bearer abc"
  --subprotocol NAME      offer a subprotocol (repeatable, or comma separated)
  --ca FILE               trust this CA certificate (PEM; repeatable)
  -k, --insecure          accept an invalid or self-signed server certificate
  --protocol KIND         what the socket speaks: auto (default: from the subprotocol and URL), raw, socketio,
                          graphql, stomp, mqtt or signalr (its handshake and keep-alive are done for you)
  --profile NAME          start from a profile saved in the app (its URL, headers, TLS, protocol…); the
                          URL argument and the flags above override its settings
  --env NAME              resolve {{variables}} from this environment (default: the profile's own)
  --var NAME=VALUE        set a variable (repeatable; wins over the environment)
  --data-dir DIR          the app's data folder with the profiles (default: the desktop app's, or
                          env SOCKSCOPE_DATA_DIR)`

export type ConnectionFlagValues = FlagValues<typeof CONNECTION_FLAGS>

export interface ConnectTarget {
  options: ConnectionOptions
  /** The variables `{{name}}` in messages resolve from: the environment's, then --var. */
  variables: Map<string, string>
}

const PROTOCOL_KINDS = ['auto', ...Object.keys(PROTOCOL_NAMES)] as Array<'auto' | ProtocolKind>

/** What the flags and the optional URL ask to connect to; throws a UsageError on bad input. */
export function connectTarget(
  url: string | undefined,
  flags: ConnectionFlagValues,
  ctx: { cwd: string; env?: NodeJS.ProcessEnv }
): ConnectTarget {
  const store = flags.profile !== undefined || flags.env !== undefined ? openStore(flags, ctx) : null
  const profile = store && flags.profile !== undefined ? findProfile(store, flags.profile) : null
  const options: ConnectionOptions = profile ? structuredClone(profile.options) : { url: '' }
  const { variables, hiddenSecrets } = store
    ? environmentVariables(store, flags.env ?? null, profile)
    : { variables: new Map<string, string>(), hiddenSecrets: [] as string[] }
  for (const pair of flags.var ?? []) {
    const at = pair.indexOf('=')
    if (at < 1) throw new UsageError(`--var takes NAME=VALUE, e.g. --var token=abc (got ${JSON.stringify(pair)}).`)
    const name = pair.slice(0, at).trim()
    variables.set(name, pair.slice(at + 1))
    if (hiddenSecrets.includes(name)) hiddenSecrets.splice(hiddenSecrets.indexOf(name), 1)
  }
  if (url !== undefined) options.url = url
  if (!options.url) throw new UsageError('Give the URL to connect to (ws://host:port/path or wss://…), or --profile NAME.')
  const given = applyHeaders(options, flags.header ?? [])
  if (flags.subprotocol?.length) options.subprotocols = flags.subprotocol.flatMap(splitSubprotocols)
  if (flags.ca?.length) options.tls = { ...options.tls, ca: [...(options.tls?.ca ?? []), ...flags.ca.map((f) => readCa(f, ctx.cwd))] }
  if (flags.insecure) options.tls = { ...options.tls, allowInvalidCertificates: true }
  if (flags.protocol !== undefined) {
    if (!PROTOCOL_KINDS.includes(flags.protocol as ProtocolKind)) {
      throw new UsageError(`--protocol takes one of ${PROTOCOL_KINDS.join(', ')} (got ${JSON.stringify(flags.protocol)}).`)
    }
    options.protocol = { ...options.protocol, kind: flags.protocol as ProtocolKind }
  }
  if (profile) refuseMissingSecrets(store!, profile, given)
  const resolved = resolveDeep(options, variables)
  if (resolved.missing.length) throw new UsageError(unresolved(resolved.missing, hiddenSecrets))
  return { options: validated(resolved.value), variables }
}

function openStore(flags: ConnectionFlagValues, ctx: { cwd: string; env?: NodeJS.ProcessEnv }): ProfileStore {
  const dir = flags['data-dir'] !== undefined ? resolve(ctx.cwd, flags['data-dir']) : defaultDataDir(ctx.env ?? process.env)
  if (!existsSync(join(dir, 'profiles.json'))) {
    throw new UsageError(
      `No saved profiles in ${dir} (profiles.json is not there). Save the profile in the app first, or point --data-dir at the app's data folder.`
    )
  }
  // No keychain here (as in browser mode): secrets the desktop app encrypted stay unread; see refuseMissingSecrets.
  // No data lock either: the command line only reads, and must work while the app is open.
  const store = new ProfileStore(dir, NO_ENCRYPTION, 'browser')
  store.load()
  return store
}

/** By exact name, else the one name that matches ignoring case. */
function byName<T extends { name: string }>(items: T[], name: string, what: string, flag: string): T {
  const exact = items.find((i) => i.name === name)
  if (exact) return exact
  const loose = items.filter((i) => i.name.toLowerCase() === name.trim().toLowerCase())
  if (loose.length === 1) return loose[0]
  const names = items.map((i) => `“${i.name}”`)
  const listed = names.length
    ? `Saved ${what}s: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}.`
    : `There are no saved ${what}s.`
  throw new UsageError(`${flag}: no ${what} is named “${name}”. ${listed}`)
}

function findProfile(store: ProfileStore, name: string): Profile {
  return byName(store.state().profiles, name, 'profile', '--profile')
}

/** The environment's variables; the names of secret ones the command line cannot read are left out (and listed). */
function environmentVariables(
  store: ProfileStore,
  envName: string | null,
  profile: Profile | null
): { variables: Map<string, string>; hiddenSecrets: string[] } {
  const state = store.state()
  let env: Environment | undefined
  if (envName !== null) env = byName(state.environments, envName, 'environment', '--env')
  else if (profile?.environmentId) env = state.environments.find((e) => e.id === profile.environmentId)
  if (!env) return { variables: new Map(), hiddenSecrets: [] }
  const missing = new Set(
    (state.missingSecrets[env.id] ?? []).map((path) => env.variables[Number(/^variables\.(\d+)\.value$/.exec(path)?.[1] ?? -1)]?.name)
  )
  const kept: KeyValue[] = env.variables.filter((v) => !missing.has(v.name))
  return { variables: variableMap(kept), hiddenSecrets: [...missing].filter((n): n is string => !!n) }
}

/** `--header "K: V"` replaces a header of the same name (from the profile) and is otherwise added. */
function applyHeaders(options: ConnectionOptions, raw: string[]): Set<string> {
  const given = new Set<string>()
  const headers = [...(options.headers ?? [])]
  for (const h of raw) {
    const at = h.indexOf(':')
    if (at < 1) throw new UsageError(`--header takes NAME:VALUE, e.g. --header "Authorization: Bearer abc" (got ${JSON.stringify(h)}).`)
    const name = h.slice(0, at).trim()
    const key = name.toLowerCase()
    if (!given.has(key)) for (let i = headers.length - 1; i >= 0; i--) if (headers[i].name.toLowerCase() === key) headers.splice(i, 1)
    given.add(key)
    headers.push({ name, value: h.slice(at + 1).trimStart() })
  }
  if (headers.length) options.headers = headers
  return given
}

function readCa(file: string, cwd: string): string {
  const path = resolve(cwd, file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new UsageError(
      `--ca: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Give a PEM file of the CA certificate.`
    )
  }
  if (!text.includes('-----BEGIN '))
    throw new UsageError(`--ca: ${path} is not PEM text (no -----BEGIN line). Give the CA certificate in PEM form.`)
  return text
}

/**
 * A profile's secrets are kept by the desktop app in the OS keychain, which the command line does not open: it
 * refuses rather than connect without them, unless the user gave a header of that name on the command line.
 */
function refuseMissingSecrets(store: ProfileStore, profile: Profile, givenHeaders: Set<string>): void {
  const missing = (store.state().missingSecrets[profile.id] ?? []).filter((path) => {
    const m = /^options\.headers\.(\d+)\.value$/.exec(path)
    return !(m && givenHeaders.has((profile.options.headers?.[Number(m[1])]?.name ?? '').toLowerCase()))
  })
  if (!missing.length) return
  const what = missing.map((p) => secretLabel(profile, p)).join(', ')
  throw new UsageError(
    `Profile “${profile.name}” keeps ${what} in the desktop app's keychain, which the command line cannot read. ` +
      `Give ${missing.length > 1 ? 'them' : 'it'} on the command line instead (a header with --header "Name: value"), or connect without --profile.`
  )
}

function unresolved(missing: string[], hiddenSecrets: string[]): string {
  const names = missing.map((m) => `{{${m}}}`).join(', ')
  const secret = missing.filter((m) => hiddenSecrets.includes(m))
  const why = secret.length
    ? ` (${secret.join(', ')} ${secret.length > 1 ? 'are secrets' : 'is a secret'} the desktop app keeps in the keychain, which the command line cannot read)`
    : ''
  return `The connection settings use ${names}, which no variable defines${why}. Give ${missing.length > 1 ? 'them' : 'it'} with --var NAME=VALUE, or choose an environment with --env NAME.`
}

/** The app's schema, its refusal named as the settings panel names the field. */
function validated(options: ConnectionOptions): ConnectionOptions {
  try {
    return validateConnectionOptions(options)
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e
    const path = e.field.replace(/^options\.?/, '')
    const message = e.message.slice(e.message.indexOf(': ') + 2)
    throw new UsageError(`${path ? optionLabel(path) : 'Connection settings'}: ${message}.`.replace(/\.\.$/, '.'))
  }
}
