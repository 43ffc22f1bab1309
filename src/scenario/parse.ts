/**
 * Reads a scenario file (format.ts) into steps the runner can run, or throws a ScenarioInputError that says which
 * file, line and column is wrong, what is wrong, and what to write instead. Everything that can be checked before
 * any connection opens is checked here: the schema, regular expressions, field expressions, codec chains, which
 * connection each step is on, the variables used, saved profiles and (when no variable is left) the options.
 */
import { basename } from 'node:path'
import { looksLikeFieldExpr } from '../shared/fieldExpr'
import { base64Problem, hexProblem } from '../shared/validate'
import { DEFAULT_STEP_TIMEOUT_MS, parseDuration, type MessageMatch, type Scenario, type SendPayload, type Step } from './format'
import { readYaml, type ScenarioDocument } from './document'
import { placeName, schemaProblem, type DocPath } from './schemaCheck'
import { checkConnectOptions, composeConnect, normalizeOptions, type ProfileLookup } from './connectionOptions'
import { ScenarioInputError } from './types'
import { checkFieldExpr, checkProfile, checkVariables, extractedNames, groupCount, readChain, readRegex } from './checks'
import { protocolMismatch, readProtocolSend, staticProtocol } from './protocolForms'
import { protocolWord, withArticle } from './protocolViews'
import type { ProtocolKind } from '../shared/protocols'

export interface ParseContext {
  /** Variables from --env or --env-file: they override the file's `env`. */
  vars?: Record<string, string>
  /** Saved profiles, for `profile: Name`. */
  profiles?: ProfileLookup
  /** --timeout: what waiting steps wait for when neither they nor the file say. */
  defaultTimeoutMs?: number
}

type Raw = Record<string, unknown>

export function parseScenario(text: string, file: string, ctx: ParseContext = {}): Scenario {
  const yaml = readYaml(text, file)
  const fail = (message: string, path: DocPath): never => {
    const at = yaml.locate(path)
    throw new ScenarioInputError(message, file, at?.line, at?.column)
  }
  if (!yaml.value || typeof yaml.value !== 'object' || Array.isArray(yaml.value))
    fail('a scenario is a mapping with at least "steps:" (and optionally name, env, connections); see schemas/scenario.schema.json.', [])
  const problem = schemaProblem(yaml.value, (p) => yaml.sourceText(p))
  if (problem) fail(problem.message, problem.docPath)
  const root = yaml.value as Raw
  const env = Object.fromEntries(Object.entries((root.env ?? {}) as Raw).map(([k, v]) => [k, String(v)]))
  const known = new Set([...Object.keys(env), ...Object.keys(ctx.vars ?? {}), ...extractedNames(root.steps as Raw[])])
  checkVariables(yaml, known, fail)
  const timeoutMs = parseDuration(root.timeout) ?? ctx.defaultTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS
  const connections: Record<string, Raw> = {}
  for (const [name, def] of Object.entries((root.connections ?? {}) as Record<string, Raw>)) {
    if (typeof def.profile === 'string') checkProfile(def.profile, ctx.profiles, ['connections', name, 'profile'], fail)
    connections[name] = normalizeOptions(def).options
  }
  const builder = new StepBuilder(yaml, fail, ctx, { ...env, ...ctx.vars }, connections, timeoutMs)
  const steps = builder.steps(root.steps as Raw[], ['steps'], '')
  return {
    file,
    name: typeof root.name === 'string' ? root.name : basename(file).replace(/\.ya?ml$/i, ''),
    env,
    connections,
    steps,
    locate: (p) => yaml.locate(p)
  }
}

class StepBuilder {
  /** Connections opened by the connect steps read so far, and the latest one (the default `on`). */
  private readonly opened = new Set<string>()
  private current: string | undefined
  /** What each connection's latest connect step says of its protocol, where the file alone decides it. */
  private readonly spoken = new Map<string, { kind: ProtocolKind; pinned: boolean } | undefined>()

  constructor(
    private readonly yaml: ScenarioDocument,
    private readonly fail: (m: string, p: DocPath) => never,
    private readonly ctx: ParseContext,
    private readonly staticVars: Record<string, string>,
    private readonly connections: Record<string, Raw>,
    private readonly timeoutMs: number
  ) {}

  steps(list: Raw[], at: DocPath, prefix: string): Step[] {
    return list.map((raw, i) => this.step(raw, [...at, i], `${prefix}${i + 1}`))
  }

  private step(raw: Raw, docPath: DocPath, path: string): Step {
    const kind = Object.keys(raw).find((k) => k !== 'name') as Step['kind']
    const value = raw[kind]
    const base = { path, docPath, line: this.yaml.locate(docPath)?.line ?? 0, ...(typeof raw.name === 'string' ? { name: raw.name } : {}) }
    const here = [...docPath, kind]
    const obj = (value && typeof value === 'object' ? value : {}) as Raw
    const timeout = (): number => parseDuration(obj.timeout) ?? this.timeoutMs
    switch (kind) {
      case 'connect':
        return this.connect(value, base, here)
      case 'close':
        return {
          ...base,
          kind,
          on: this.on(obj.on, here),
          ...closeFields(value, obj),
          timeoutMs: timeout()
        }
      case 'wait':
        return { ...base, kind, ms: parseDuration(value) ?? 0 }
      case 'send':
        return this.send(value, base, here)
      case 'expect': {
        const match: MessageMatch =
          typeof value === 'string' ? (looksLikeFieldExpr(value) ? { match: value } : { contains: value }) : this.match(obj, here)
        if (typeof value === 'string' && match.match) checkFieldExpr(this.fail, value, here)
        const withinMs = parseDuration(obj.within)
        return { ...base, kind, on: this.on(obj.on, here), match, ...(withinMs !== null ? { withinMs } : {}), timeoutMs: timeout() }
      }
      case 'expect-none': {
        const forMs = parseDuration(typeof value === 'object' && value !== null ? obj.for : value) ?? 0
        return { ...base, kind, on: this.on(obj.on, here), match: this.match(obj, here), forMs }
      }
      case 'expect-close':
        return {
          ...base,
          kind,
          on: this.on(obj.on, here),
          ...closeFields(value, obj),
          timeoutMs: timeout()
        }
      case 'expect-pong':
        return {
          ...base,
          kind,
          on: this.on(obj.on, here),
          withinMs: parseDuration(typeof value === 'object' && value !== null ? obj.within : value) ?? 2000,
          ...(typeof obj.payload === 'string' ? { payload: obj.payload } : {})
        }
      case 'extract': {
        if (typeof obj.path === 'string') checkFieldExpr(this.fail, `exists(${obj.path})`, [...here, 'path'], obj.path)
        const regex = typeof obj.regex === 'string' ? readRegex(this.fail, obj.regex, [...here, 'regex']) : undefined
        const group = (obj.group as number | string | undefined) ?? 1
        if (regex && typeof group === 'number' && group > groupCount(regex))
          this.fail(`${placeName([...here, 'group'])} asks for group ${group}, but the regular expression has ${groupCount(regex)}.`, [
            ...here,
            'group'
          ])
        return {
          ...base,
          kind,
          on: this.on(obj.on, here),
          into: String(obj.into),
          ...(typeof obj.path === 'string' ? { valuePath: obj.path } : {}),
          ...(regex ? { regex } : {}),
          group
        }
      }
      case 'repeat': {
        const forMs = parseDuration(obj.for)
        return {
          ...base,
          kind,
          ...(typeof obj.times === 'number' ? { times: obj.times } : {}),
          ...(forMs !== null ? { forMs } : {}),
          steps: this.steps(obj.steps as Raw[], [...here, 'steps'], `${path}.`)
        }
      }
    }
  }

  /** The connection a step is on: the one named (opened by an earlier connect step), else the latest opened. */
  private on(name: unknown, here: DocPath): string {
    if (typeof name === 'string') {
      if (this.opened.has(name)) return name
      const known = [...this.opened]
      return this.fail(
        `${placeName(here)} is on "${name}", which no connect step before it opens${known.length ? ` (opened so far: ${known.join(', ')})` : ''}. Connect it first with connect: { …, as: ${name} }.`,
        [...here, 'on']
      )
    }
    if (this.current) return this.current
    return this.fail(`${placeName(here)} has no connection to work on: put a connect step before it.`, here)
  }

  private connect(value: unknown, base: Omit<Step, 'kind'> & { path: string }, here: DocPath): Step {
    // A bare name is one of the file's connections; anything else (ws://…, {{base}}/chat) is a URL.
    const obj: Raw = typeof value === 'string' ? (/^[\w.-]+$/.test(value) ? { connection: value } : { url: value }) : (value as Raw)
    const definition = typeof obj.connection === 'string' ? obj.connection : undefined
    if (definition !== undefined && !this.connections[definition]) {
      const names = Object.keys(this.connections)
      this.fail(
        `${placeName(here)} opens "${definition}", which the file's connections do not define${names.length ? ` (it defines ${names.join(', ')})` : ''}. Define it under connections:, or give a url.`,
        typeof value === 'string' ? here : [...here, 'connection']
      )
    }
    if (typeof obj.profile === 'string') this.checkProfileAt(obj.profile, [...here, 'profile'])
    if (!definition && typeof obj.profile !== 'string' && typeof obj.url !== 'string')
      this.fail(`${placeName(here)} needs a url, a saved profile (profile: Name) or one of the file's connections.`, here)
    const as = typeof obj.as === 'string' ? obj.as : (definition ?? 'main')
    const timeoutMs = parseDuration(obj.timeout) ?? this.timeoutMs
    const { options, mappedLists } = normalizeOptions(obj)
    const source = {
      ...(typeof obj.profile === 'string' ? { profile: obj.profile } : {}),
      ...(definition ? { definition } : {}),
      options,
      optionsDocPath: here,
      mappedLists
    }
    const composed = composeConnect(source, this.connections, this.ctx.profiles)
    const problem = checkConnectOptions(composed, this.staticVars, timeoutMs)
    if (problem) {
      const inline = problem.topField in options
      const defined = definition && problem.topField in (this.connections[definition] ?? {})
      const at: DocPath = inline
        ? [...here, ...problem.docPath(mappedLists)]
        : defined
          ? ['connections', definition, ...problem.docPath([])]
          : here
      this.fail(`${placeName(here)}${inline ? '' : defined ? ` (connection "${definition}")` : ' (its profile)'}, ${problem.message}`, at)
    }
    this.opened.add(as)
    this.current = as
    this.spoken.set(as, staticProtocol(composed))
    return { ...base, kind: 'connect', as, source, timeoutMs }
  }

  private checkProfileAt(name: string, path: DocPath): void {
    checkProfile(name, this.ctx.profiles, path, this.fail)
  }

  private send(value: unknown, base: Omit<Step, 'kind'> & { path: string }, here: DocPath): Step {
    const obj = (typeof value === 'string' ? { text: value } : value) as Raw
    const on = this.on(obj.on, here)
    const form = readProtocolSend(obj, here, this.fail)
    let payload: SendPayload
    if (form) {
      const spoken = this.spoken.get(on)
      const mismatch = spoken && protocolMismatch(form.protocol, spoken, on, 'will speak')
      if (mismatch)
        this.fail(`${placeName(here)} sends ${withArticle(protocolWord(form.protocol))} message, but ${mismatch}`, [
          ...here,
          form.protocol,
          '#key'
        ])
      payload = { protocol: form }
    } else if ('json' in obj) payload = { json: obj.json }
    else if (typeof obj.binary === 'string') {
      const hex = obj.binary.replace(/\s+/g, '')
      const problem = hex.includes('{{') ? null : hexProblem(hex)
      if (problem) this.fail(`"binary" of ${placeName(here)} is not hex: ${problem}.`, [...here, 'binary'])
      payload = { hex }
    } else if (typeof obj.base64 === 'string') {
      const problem = obj.base64.includes('{{') ? null : base64Problem(obj.base64.replace(/\s+/g, ''))
      if (problem) this.fail(`"base64" of ${placeName(here)} is not base64: ${problem}.`, [...here, 'base64'])
      payload = { base64: obj.base64.replace(/\s+/g, '') }
    } else payload = { text: String(obj.text) }
    const codec = typeof obj.codec === 'string' ? obj.codec : undefined
    if (codec) {
      if (!('json' in payload || 'text' in payload || 'protocol' in payload))
        this.fail(`${placeName(here)} encodes through a codec, which takes text or json, not binary or base64.`, [...here, 'codec'])
      const chain = readChain(this.fail, codec, [...here, 'codec'])
      const last = chain[chain.length - 1]
      if (!(['json', 'msgpack', 'cbor', 'utf8'].includes(last) || last.startsWith('protobuf:')) || chain.includes('brotli'))
        this.fail(
          `"codec" of ${placeName(here)} cannot encode: a chain that sends ends with json, msgpack, cbor or a Protobuf type, and compresses with gzip, zlib or deflate (brotli is read-only).`,
          [...here, 'codec']
        )
    }
    return { ...base, kind: 'send', on, payload, ...(codec ? { codec } : {}), timeoutMs: this.timeoutMs }
  }

  private match(obj: Raw, here: DocPath): MessageMatch {
    const m: MessageMatch = {}
    if (typeof obj.contains === 'string') m.contains = obj.contains
    if (typeof obj.equals === 'string') m.equals = obj.equals
    if (typeof obj.regex === 'string') m.regex = readRegex(this.fail, obj.regex, [...here, 'regex'])
    if ('json' in obj) m.json = obj.json
    if (typeof obj.match === 'string') {
      checkFieldExpr(this.fail, obj.match, [...here, 'match'])
      m.match = obj.match
    }
    if (typeof obj.codec === 'string') {
      readChain(this.fail, obj.codec, [...here, 'codec'])
      m.codec = obj.codec
    }
    return m
  }
}

/** `close: 4000` or `close: { code, reason }` (and `expect-close` alike): the code and reason given. */
function closeFields(value: unknown, obj: Raw): { code?: number; reason?: string } {
  return {
    ...(typeof value === 'number' ? { code: value } : typeof obj.code === 'number' ? { code: obj.code } : {}),
    ...(typeof obj.reason === 'string' ? { reason: obj.reason } : {})
  }
}
