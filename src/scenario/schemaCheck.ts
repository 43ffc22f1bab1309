/**
 * Checks a parsed scenario document against schemas/scenario.schema.json (JSON Schema draft 2020-12, with ajv) and
 * turns the most telling error into a sentence in the user's words, with where it is: never `/steps/2/send`.
 */
// The .js suffix: the built command imports it as Node ESM, which needs the file's full name.
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020.js'
import scenarioSchema from '../../schemas/scenario.schema.json'
import { STEP_KINDS } from './format'

export type DocPath = Array<string | number>

export interface SchemaProblem {
  message: string
  /** Where to point: the value at this path, or with `'#key'` last, the key of the last member. */
  docPath: DocPath
}

type Schema = Record<string, unknown>

let validator: ReturnType<Ajv2020['compile']> | null = null

function validate(doc: unknown): ErrorObject[] {
  // allErrors: the best error is chosen from all of them (see pickError); verbose: each carries its schema.
  validator ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(
    scenarioSchema
  )
  return validator(doc) ? [] : [...(validator.errors ?? [])]
}

export const SCENARIO_SCHEMA: Schema = scenarioSchema

/** The first problem with the document, or null when it fits the schema. */
export function schemaProblem(doc: unknown, sourceText?: (path: DocPath) => string | undefined): SchemaProblem | null {
  const errors = validate(doc)
  if (!errors.length) return null
  return describe(pickError(errors), errors, doc, sourceText)
}

/**
 * Every place the document does not fit the schema, one problem per place: per step (the innermost, for a step in a
 * repeat's block: the repeat's own settings are its own place), per connection, env, and the file itself.
 */
export function schemaProblems(doc: unknown, sourceText?: (path: DocPath) => string | undefined): SchemaProblem[] {
  const errors = validate(doc)
  const groups = new Map<string, ErrorObject[]>()
  for (const e of errors) {
    const area = areaOf(e.instancePath)
    groups.set(area, [...(groups.get(area) ?? []), e])
  }
  return [...groups.values()].map((group) => describe(pickError(group), errors, doc, sourceText))
}

/** Which problem an error belongs to: its innermost step, its connection, env, or the file (''). */
function areaOf(pointer: string): string {
  const step = /^(.*\/steps\/\d+)/.exec(pointer)
  if (step) return step[1]
  return /^\/(?:connections\/[^/]+|env)/.exec(pointer)?.[0] ?? ''
}

const segmentsOf = (pointer: string): string[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))

/** A `required` inside a "one of these members" group says nothing alone: the group's own oneOf error speaks for it. */
const isRequiredOnly = (s: unknown): boolean => !!s && typeof s === 'object' && Object.keys(s).join() === 'required'
const isOneOfRequired = (e: ErrorObject): boolean =>
  e.keyword === 'oneOf' && Array.isArray(e.schema) && (e.schema as unknown[]).every(isRequiredOnly)

const RANK: Record<string, number> = {
  additionalProperties: 0,
  unevaluatedProperties: 0,
  propertyNames: 0,
  required: 1,
  oneOfRequired: 2,
  enum: 3,
  const: 3,
  pattern: 3,
  minimum: 3,
  maximum: 3,
  minLength: 3,
  maxLength: 3,
  minItems: 3,
  oneOf: 4,
  anyOf: 4,
  type: 5
}

/**
 * The error to show: the deepest in the document (a wrong field beats "this step is not valid"), then the most
 * specific kind. Errors from alternatives (a step's value may be text or settings) land at the same place; the
 * alternatives' own summary (oneOf, anyOf) beats the type errors of each branch.
 */
function pickError(errors: ErrorObject[]): ErrorObject {
  // ajv goes on checking a branch whose type is wrong (allErrors): what else it says about that branch is noise.
  const deadBranches = errors
    .filter((e) => e.keyword === 'type' && /\/(oneOf|anyOf)\/\d+\/type$/.test(e.schemaPath))
    .map((e) => ({ at: e.instancePath, branch: e.schemaPath.slice(0, -'type'.length) }))
  const inDeadBranch = (e: ErrorObject): boolean =>
    e.keyword !== 'type' && deadBranches.some((d) => e.instancePath === d.at && e.schemaPath.startsWith(d.branch))
  const useful = errors.filter((e) => !(e.keyword === 'required' && isRequiredOnly(e.parentSchema)) && !inDeadBranch(e))
  const depth = (e: ErrorObject): number => segmentsOf(e.instancePath).length
  const rank = (e: ErrorObject): number => (isOneOfRequired(e) ? RANK.oneOfRequired : (RANK[e.keyword] ?? 3))
  return [...useful].sort((a, b) => depth(b) - depth(a) || rank(a) - rank(b) || b.schemaPath.length - a.schemaPath.length)[0]
}

/** `step 3 (send)`, `"within" of step 4.2 (expect)`, `"url" of connection "alice"`, `"port" in env`: a place, in words. */
export function placeName(path: DocPath): string {
  let step = ''
  let kind = ''
  const rest: string[] = []
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]
    if (seg === 'steps' && typeof path[i + 1] === 'number') {
      step = step ? `${step}.${Number(path[i + 1]) + 1}` : String(Number(path[i + 1]) + 1)
      kind = ''
      rest.length = 0
      i++
      const next = path[i + 1]
      // A repeat's own `steps` start a nested step, which the loop reads next.
      if (typeof next === 'string' && (STEP_KINDS as readonly string[]).includes(next)) [kind, i] = [next, i + 1]
    } else if (seg !== '#key') rest.push(typeof seg === 'number' ? `item ${seg + 1}` : seg)
  }
  const field = (parts: string[], owner: string): string => (parts.length ? `"${parts.join(' ')}" of ${owner}` : owner)
  if (step) return field(rest, `step ${step}${kind ? ` (${kind})` : ''}`)
  if (path[0] === 'connections' && path.length > 1) return field(rest.slice(2), `connection "${String(path[1])}"`)
  if (path[0] === 'env' && path.length > 1) return `"${String(path[1])}" in env`
  return rest.length ? `"${rest.join(' ')}"` : 'the scenario'
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'settings (name: value lines)',
  array: 'a list (lines starting with -)',
  null: 'empty'
}

function typeWords(t: unknown): string {
  const list = (Array.isArray(t) ? t : String(t).split(',')).map((x) => TYPE_WORDS[String(x)] ?? String(x))
  if (list.length === 1) return list[0]
  const words = list.map((w) => (w === 'true or false' ? 'true/false' : w))
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`
}

function describe(e: ErrorObject, all: ErrorObject[], doc: unknown, sourceText?: (path: DocPath) => string | undefined): SchemaProblem {
  const path: DocPath = segmentsOf(e.instancePath).map((s, i, segs) =>
    /^\d+$/.test(s) && isArrayAt(doc, segs.slice(0, i)) ? Number(s) : s
  )
  const where = placeName(path)
  const parent = (e.parentSchema ?? {}) as Schema
  const described = (s: Schema): string | undefined => (typeof s.description === 'string' ? s.description : undefined)
  const params = e.params as Record<string, unknown>
  const sameSpot = all.filter((x) => x.instancePath === e.instancePath && (x.keyword === 'oneOf' || x.keyword === 'anyOf'))
  const summary = [parent, ...sameSpot.map((x) => (x.parentSchema ?? {}) as Schema)].map(described).find(Boolean)
  switch (e.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty)
      const isStep = path.length >= 2 && path[path.length - 2] === 'steps'
      const allowed = isStep ? [...STEP_KINDS, 'name'] : allowedKeys(parent)
      const hint = closest(key, allowed)
      if (isStep)
        return {
          docPath: [...path, key, '#key'],
          message: `${where} is "${key}", which is not a kind of step${hint ? ` (did you mean "${hint}"?)` : ''}. A step is one of ${STEP_KINDS.join(', ')}.`
        }
      return {
        docPath: [...path, key, '#key'],
        message: `${where} has "${key}", which is not one of its settings${hint ? ` (did you mean "${hint}"?)` : ''}. It takes ${allowed.join(', ')}.`
      }
    }
    case 'propertyNames':
      return {
        docPath: [...path, String(params.propertyName), '#key'],
        message: `${where} has the name "${String(params.propertyName)}", which is not ${described(resolveRef((parent.propertyNames ?? {}) as Schema)) ?? 'a valid name'}.`
      }
    case 'required': {
      const missing = String(params.missingProperty)
      const what = described(((parent.properties ?? {}) as Record<string, Schema>)[missing] ?? {})
      return { docPath: path, message: `${where} needs "${missing}"${what ? ` (${lower(what)})` : ''}.` }
    }
    case 'oneOf':
      if (isOneOfRequired(e)) {
        const keys = (e.schema as Schema[]).map((b) => String((b.required as string[])[0]))
        const data = e.data && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : {}
        const present = keys.filter((k) => k in data)
        // A step's own place is an item of a steps list (a protocol form has a `connect` action too).
        const isStep = path.length >= 2 && path[path.length - 2] === 'steps'
        if (!present.length)
          return {
            docPath: path,
            message: isStep
              ? `${where} does not say what to do: give it one of ${keys.join(', ')}.`
              : `${where} needs one of ${keys.join(', ')}.`
          }
        return {
          docPath: path,
          message: isStep
            ? `${where} has both ${present.join(' and ')}: a step does one thing; put each in its own step (a new "- " item).`
            : `${where} takes only one of ${keys.join(', ')}, not ${present.join(' and ')}.`
        }
      }
      return { docPath: path, message: notValid(where, summary) }
    case 'anyOf':
      return { docPath: path, message: notValid(where, summary) }
    case 'type': {
      // YAML reads 010203 as a number: show the text as written, in quotes, as the fix.
      const written = sourceText?.(path) ?? String(e.data)
      const quoted = typeof e.data === 'number' && params.type === 'string' ? ` (write it in quotes: "${written}")` : ''
      return { docPath: path, message: `${where} must be ${typeWords(params.type)}${quoted}.` }
    }
    case 'minItems':
      // Only step lists have a minimum.
      return { docPath: path, message: `${where} must list at least one step.` }
    case 'minLength':
      return { docPath: path, message: `${where} must not be empty.` }
    default:
      return { docPath: path, message: notValid(where, described(parent) ?? summary, e.message) }
  }
}

function notValid(where: string, description: string | undefined, fallback?: string): string {
  if (!description) return `${where} ${fallback ?? 'is not valid here'}.`
  return /^[a-z]/.test(description) ? `${where} must be ${description}.` : `${where} is not valid here. ${description}`
}

const lower = (s: string): string => s.replace(/\.$/, '').replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())

function isArrayAt(doc: unknown, segs: string[]): boolean {
  let v = doc
  for (const s of segs) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined
  return Array.isArray(v)
}

function resolveRef(s: Schema): Schema {
  const ref = typeof s.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(s.$ref)?.[1] : undefined
  return ref ? { ...((scenarioSchema.$defs as Record<string, Schema>)[ref] ?? {}), ...s } : s
}

/** The members a schema (and the schema it refers to) names. */
function allowedKeys(s: Schema): string[] {
  const keys = Object.keys((s.properties ?? {}) as object)
  const ref = typeof s.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(s.$ref)?.[1] : undefined
  const target = ref ? ((scenarioSchema.$defs as Record<string, Schema>)[ref] ?? {}) : {}
  return [...new Set([...(ref ? allowedKeys(target) : []), ...keys])]
}

/** The allowed name a typo most likely meant (at most two edits away), else undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [c, d]
  }
  return best
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]
}
