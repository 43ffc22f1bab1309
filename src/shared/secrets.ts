/** Which values are secret, and moving them out of (and back into) profiles and environments. Pure. */
import type { Environment, Profile } from './profiles'

type Obj = Record<string, unknown>

function getPath(root: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Obj)[k] : undefined), root)
}

function setPath(root: unknown, path: string, value: unknown): void {
  const keys = path.split('.')
  const last = keys.pop()!
  const parent = keys.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Obj)[k] : undefined), root)
  if (parent && typeof parent === 'object') (parent as Obj)[last] = value
}

/** Paths (under `options`) of a profile's secret values that are set. */
export function profileSecretPaths(p: Profile): string[] {
  const o = p.options
  const paths: string[] = []
  o.headers?.forEach((h, i) => h.secret && paths.push(`options.headers.${i}.value`))
  o.query?.forEach((q, i) => q.secret && paths.push(`options.query.${i}.value`))
  if (o.auth?.type === 'basic') paths.push('options.auth.password')
  if (o.auth?.type === 'bearer') paths.push('options.auth.token')
  if (o.auth?.type === 'apiKey') paths.push('options.auth.value')
  for (const k of ['passphrase', 'key', 'pfx'] as const) if (o.tls?.[k]) paths.push(`options.tls.${k}`)
  return paths
}

export function environmentSecretPaths(e: Environment): string[] {
  return e.variables.flatMap((x, i) => (x.secret ? [`variables.${i}.value`] : []))
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

/** Puts held secrets back; returns which secret paths have no value held. */
export function injectProfileSecrets(p: Profile, held: (key: string) => string | undefined): { profile: Profile; missing: string[] } {
  const profile = structuredClone(p)
  const missing: string[] = []
  for (const path of p.secretPaths ?? []) {
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
  for (const path of environmentSecretPaths(e)) {
    const v = held(environmentSecretKey(e.id, path))
    if (v === undefined) missing.push(path)
    else setPath(environment, path, v)
  }
  return { environment, missing }
}

export const SECRET_PLACEHOLDER = '<secret: not exported>'

/** For exports without secrets: every secret value replaced by a visible placeholder. */
export function redactProfile(p: Profile): Profile {
  const clean = structuredClone(p)
  for (const path of profileSecretPaths(p)) if (getPath(clean, path)) setPath(clean, path, SECRET_PLACEHOLDER)
  delete clean.secretPaths
  return clean
}
