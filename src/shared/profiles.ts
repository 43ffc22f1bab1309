/** Saved profiles, folders and environments: types, the on-disk schema, and its migrations. */
import * as v from 'valibot'
import type { KeyValue, OutgoingMessage, ConnectionOptions } from './options'
import { connectionOptionsObject, keyValueSchema, outgoingMessageSchema } from './schema'
import { PROFILE_SECRET_PATH } from './secrets'
import { splitSubprotocols } from './validate'

export const PROFILES_SCHEMA_VERSION = 2

export interface SavedMessage {
  name: string
  message: OutgoingMessage
}

/** Connection options whose strings may hold `{{variables}}`; checked strictly once resolved. */
export type ProfileOptions = ConnectionOptions

export interface Profile {
  id: string
  name: string
  /** '' for the top level. */
  folder: string
  options: ProfileOptions
  savedMessages: SavedMessage[]
  environmentId?: string
  /** Option paths whose values are secret and kept out of the profiles file. */
  secretPaths?: string[]
  updatedAt: string
}

export interface Environment {
  id: string
  name: string
  variables: KeyValue[]
}

export interface ProfilesDoc {
  schemaVersion: typeof PROFILES_SCHEMA_VERSION
  folders: string[]
  profiles: Profile[]
  environments: Environment[]
  settings: { persistInsecureSecrets: boolean }
}

const profileOptionsSchema = v.strictObject({ ...connectionOptionsObject.entries, url: v.string() })

export const profileSchema = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  name: v.pipe(v.string(), v.minLength(1, 'a profile needs a name'), v.maxLength(200)),
  folder: v.pipe(v.string(), v.maxLength(200)),
  options: profileOptionsSchema,
  savedMessages: v.array(v.strictObject({ name: v.pipe(v.string(), v.minLength(1)), message: outgoingMessageSchema })),
  environmentId: v.optional(v.string()),
  // Paths read back from disk reach the secret setter: keep only the ones a profile can have (never `__proto__`).
  secretPaths: v.optional(
    v.pipe(
      v.array(v.string()),
      v.transform((paths) => paths.filter((p) => PROFILE_SECRET_PATH.test(p)))
    )
  ),
  updatedAt: v.string()
})

export const environmentSchema = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  name: v.pipe(v.string(), v.minLength(1, 'an environment needs a name'), v.maxLength(200)),
  variables: v.array(keyValueSchema)
})

export const profilesDocSchema = v.strictObject({
  schemaVersion: v.literal(PROFILES_SCHEMA_VERSION),
  folders: v.array(v.string()),
  profiles: v.array(profileSchema),
  environments: v.array(environmentSchema),
  settings: v.strictObject({ persistInsecureSecrets: v.boolean() })
})

export function emptyProfilesDoc(): ProfilesDoc {
  return {
    schemaVersion: PROFILES_SCHEMA_VERSION,
    folders: [],
    profiles: [],
    environments: [],
    settings: { persistInsecureSecrets: false }
  }
}

/**
 * Version 1 (the first prototype's file): `{ version: 1, connections: [{ name, url, headers: {k: v},
 * protocols: "a, b", pingSeconds }] }`. Each migration takes one version to the next.
 */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  1: (doc) => {
    const conns = (doc.connections as Array<Record<string, unknown>>) ?? []
    return {
      schemaVersion: 2,
      folders: [],
      environments: [],
      settings: { persistInsecureSecrets: false },
      profiles: conns.map((c, i) => {
        const options: Record<string, unknown> = { url: String(c.url ?? '') }
        const headers = Object.entries((c.headers as Record<string, string>) ?? {}).map(([name, value]) => ({ name, value: String(value) }))
        if (headers.length) options.headers = headers
        const subs = splitSubprotocols(String(c.protocols ?? ''))
        if (subs.length) options.subprotocols = subs
        if (typeof c.pingSeconds === 'number') options.heartbeat = { intervalSec: c.pingSeconds }
        return {
          id: `migrated-${i + 1}`,
          name: String(c.name ?? `Connection ${i + 1}`),
          folder: '',
          options,
          savedMessages: [],
          updatedAt: new Date(0).toISOString()
        }
      })
    }
  }
}

/** Migrates any known version to the current one, then validates. Throws with a readable reason. */
export function parseProfilesDoc(raw: unknown): ProfilesDoc {
  if (!raw || typeof raw !== 'object') throw new Error('not a JSON object')
  let doc = raw as Record<string, unknown>
  let version = (doc.schemaVersion ?? doc.version) as number
  if (typeof version !== 'number') throw new Error('no schemaVersion')
  if (version > PROFILES_SCHEMA_VERSION)
    throw new Error(`schemaVersion ${version} is newer than this Sockscope understands (${PROFILES_SCHEMA_VERSION})`)
  while (version < PROFILES_SCHEMA_VERSION) {
    const step = MIGRATIONS[version]
    if (!step) throw new Error(`no migration from schemaVersion ${version}`)
    doc = step(doc)
    version++
  }
  const r = v.safeParse(profilesDocSchema, doc)
  if (!r.success) throw new Error(`${v.getDotPath(r.issues[0]) ?? 'document'}: ${r.issues[0].message}`)
  return r.output as ProfilesDoc
}
