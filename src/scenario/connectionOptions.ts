/**
 * A connect step's options: a saved profile or a `connections:` definition as the base, the step's own options over
 * it, variables filled in, and the app's own option schema (src/shared/schema.ts) as the judge, its errors named as
 * the settings panel names the field.
 */
import type { ConnectionOptions } from '../shared/options'
import { validateConnectionOptions, ValidationError } from '../shared/schema'
import { optionLabel } from '../shared/fieldLabels'
import { splitSubprotocols } from '../shared/validate'
import { resolveDeep } from '../shared/variables'
import type { ConnectSource } from './format'
import type { DocPath } from './schemaCheck'

type Raw = Record<string, unknown>

/** Saved profiles, by name (the CLI reads them from the data folder's profiles.json). */
export interface ProfileLookup {
  /** Where they come from, for messages: `the data folder /home/me/.config/Sockscope`. */
  where: string
  names(): string[]
  /** The profile's options, and the option paths whose secret values are not available here. */
  find(name: string): { options: Raw; missingSecrets: string[] } | undefined
}

/** Keys of a connect step that are the step's, not connection options. */
const STEP_KEYS = new Set(['as', 'connection', 'timeout', 'record'])

/**
 * Options as written in YAML → as the app keeps them: `headers`/`query` mappings become lists of {name, value},
 * subprotocols written as text are split, and a protocol's JSON settings written as mappings become JSON text.
 */
export function normalizeOptions(raw: Raw): { options: Raw; mappedLists: string[] } {
  const options: Raw = {}
  const mappedLists: string[] = []
  for (const [k, v] of Object.entries(raw)) {
    if (STEP_KEYS.has(k)) continue
    if ((k === 'headers' || k === 'query') && v && typeof v === 'object' && !Array.isArray(v)) {
      options[k] = Object.entries(v as Raw).map(([name, value]) => ({ name, value: String(value) }))
      mappedLists.push(k)
    } else if (k === 'subprotocols' && typeof v === 'string') options[k] = splitSubprotocols(v)
    else if (k === 'protocol' && v && typeof v === 'object') options[k] = protocolJson(v as Raw)
    else options[k] = v
  }
  return { options, mappedLists }
}

function protocolJson(p: Raw): Raw {
  const out: Raw = { ...p }
  if (p.auth && typeof p.auth === 'object') out.auth = JSON.stringify(p.auth)
  const gql = p.graphql as Raw | undefined
  if (gql && typeof gql.connectionParams === 'object' && gql.connectionParams !== null)
    out.graphql = { ...gql, connectionParams: JSON.stringify(gql.connectionParams) }
  return out
}

/** The options a connect step opens with, variables not yet filled in: profile, then definition, then the step's own. */
export function composeConnect(source: ConnectSource, connections: Record<string, Raw>, profiles: ProfileLookup | undefined): Raw {
  const definition = source.definition ? (connections[source.definition] ?? {}) : {}
  const profileName = (source.profile ?? definition.profile) as string | undefined
  const profile = profileName ? (profiles?.find(profileName)?.options ?? {}) : {}
  const out: Raw = { ...profile, ...definition, ...source.options }
  delete out.profile
  delete out.record
  return out
}

/** The options to open with once variables are filled in; the step's timeout bounds the handshake unless set. */
export function finalOptions(resolved: Raw, timeoutMs: number): Raw {
  return { ...resolved, handshakeTimeoutMs: resolved.handshakeTimeoutMs ?? Math.max(1, Math.round(timeoutMs)) }
}

export interface OptionProblem {
  message: string
  /** The top-level option at fault (`headers`), '' when the options as a whole are. */
  topField: string
  /** Where in the written options it is (`['headers', 1, '#key']` for a header written as a mapping). */
  docPath(mappedLists: string[]): DocPath
}

/** Checks options whose variables are all known now; null when fine, or when some can only be filled in later. */
export function checkConnectOptions(composed: Raw, vars: Record<string, string>, timeoutMs: number): OptionProblem | null {
  const { value, missing } = resolveDeep(composed, new Map(Object.entries(vars)))
  if (missing.length) return null
  try {
    validateOptions(value, timeoutMs)
    return null
  } catch (e) {
    if (e instanceof ValidationError) return optionProblem(e)
    throw e
  }
}

export function validateOptions(resolved: Raw, timeoutMs: number): ConnectionOptions {
  return validateConnectionOptions(finalOptions(resolved, timeoutMs))
}

/** A ValidationError (`options.headers.0.name: …`) said with the settings panel's name for the field. */
export function optionProblem(e: ValidationError): OptionProblem {
  const field = e.field.replace(/^options\.?/, '')
  const problem = e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message
  const segs = field ? field.split('.') : []
  return {
    message: field ? `${optionLabel(field)}: ${problem}` : problem,
    topField: segs[0] ?? '',
    docPath(mappedLists) {
      const [top, index, part] = segs
      if (mappedLists.includes(top) && index !== undefined && /^\d+$/.test(index))
        return part === 'name' ? [top, Number(index), '#key'] : [top, Number(index)]
      return segs.map((s) => (/^\d+$/.test(s) ? Number(s) : s))
    }
  }
}
