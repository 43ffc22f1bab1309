/**
 * Reads what other tools and Sockscope itself export: Sockscope profile JSON, Insomnia v4 exports (WebSocket
 * requests and their saved payloads), Postman v2.x collections (items whose URL is ws:// or wss://), HAR files
 * (each WebSocket entry becomes a profile and a recording) and Sockscope NDJSON recordings.
 */
import { randomUUID } from 'node:crypto'
import type { Environment, Profile, SavedMessage } from '../../shared/profiles'
import type { AuthOptions, KeyValue } from '../../shared/options'
import type { SockEvent } from '../../shared/events'
import { harEntryToEvents, harWebSocketEntries } from './har'
import { describeProblems, parseNdjson } from './ndjson'

export interface ImportedSession {
  url: string
  events: SockEvent[]
}

export interface ImportResult {
  format: 'sockscope' | 'insomnia' | 'postman' | 'har' | 'ndjson'
  profiles: Profile[]
  environments: Environment[]
  sessions: ImportedSession[]
  notes: string[]
}

type Any = Record<string, unknown>
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v))
const now = (): string => new Date().toISOString()

function profile(name: string, url: string, extra: Partial<Profile> = {}): Profile {
  return { id: randomUUID(), name: name || url || 'Imported', folder: '', options: { url }, savedMessages: [], updatedAt: now(), ...extra }
}

function kv(list: unknown): KeyValue[] {
  if (!Array.isArray(list)) return []
  return (list as Any[])
    .filter((x) => str(x.name ?? x.key))
    .map((x) => ({ name: str(x.name ?? x.key), value: str(x.value), ...(x.disabled === true ? { enabled: false } : {}) }))
}

function fromSockscope(doc: Any): ImportResult {
  // Shapes are checked when the store takes them (validate whole, then commit whole); here only lists are lists.
  const list = (x: unknown): Any[] => (Array.isArray(x) ? (x as Any[]).filter((i) => i && typeof i === 'object') : [])
  const profiles = list(doc.profiles).map((p) => ({ ...p, id: randomUUID(), updatedAt: now() }) as unknown as Profile)
  const environments = list(doc.environments).map((e) => ({ ...e, id: randomUUID() }) as unknown as Environment)
  return { format: 'sockscope', profiles, environments, sessions: [], notes: [] }
}

function insomniaAuth(a: Any | undefined): AuthOptions | undefined {
  if (!a || a.disabled) return undefined
  if (a.type === 'basic') return { type: 'basic', username: str(a.username), password: str(a.password) }
  if (a.type === 'bearer') return { type: 'bearer', token: str(a.token) }
  if (a.type === 'apikey')
    return { type: 'apiKey', name: str(a.key), value: str(a.value), in: a.addTo === 'queryParams' ? 'query' : 'header' }
  return undefined
}

function fromInsomnia(doc: Any): ImportResult {
  const resources = (doc.resources as Any[]) ?? []
  const groups = new Map(resources.filter((r) => r._type === 'request_group').map((r) => [str(r._id), str(r.name)]))
  const notes: string[] = []
  const profiles = resources
    .filter((r) => r._type === 'websocket_request')
    .map((r) => {
      const p = profile(str(r.name), str(r.url), { folder: groups.get(str(r.parentId)) ?? '' })
      const headers = kv(r.headers)
      const query = kv(r.parameters)
      if (headers.length) p.options.headers = headers
      if (query.length) p.options.query = query
      const auth = insomniaAuth(r.authentication as Any)
      if (auth) p.options.auth = auth
      p.savedMessages = resources
        .filter((x) => x._type === 'websocket_payload' && x.parentId === r._id)
        .map((x): SavedMessage => ({ name: str(x.name) || 'Payload', message: { kind: 'text', data: str(x.value) } }))
      return p
    })
  if (!profiles.length) notes.push('The Insomnia export holds no WebSocket requests.')
  return { format: 'insomnia', profiles, environments: [], sessions: [], notes }
}

function fromPostman(doc: Any): ImportResult {
  const profiles: Profile[] = []
  let skipped = 0
  const walk = (items: Any[], folder: string): void => {
    for (const it of items) {
      if (Array.isArray(it.item)) walk(it.item as Any[], folder ? `${folder}/${str(it.name)}` : str(it.name))
      else {
        const req = (it.request ?? {}) as Any
        const url = typeof req.url === 'string' ? req.url : str((req.url as Any)?.raw)
        if (!/^wss?:\/\//i.test(url)) {
          skipped++
          continue
        }
        const p = profile(str(it.name), url, { folder })
        const headers = kv(req.header)
        if (headers.length) p.options.headers = headers
        profiles.push(p)
      }
    }
  }
  walk(((doc.item as Any[]) ?? []) as Any[], '')
  const notes = [
    'Postman collection exports (v2.1) have no WebSocket request type: only items whose URL starts with ws:// or wss:// were imported.'
  ]
  if (skipped) notes.push(`${skipped} HTTP request(s) were skipped.`)
  return { format: 'postman', profiles, environments: [], sessions: [], notes }
}

function fromHar(doc: unknown): ImportResult {
  const entries = harWebSocketEntries(doc)
  const sessions: ImportedSession[] = []
  const profiles = entries.map((e, i) => {
    const url = str(e.request?.url).replace(/^http/, 'ws')
    const p = profile(`HAR ${i + 1}: ${url}`, url)
    const headers = (e.request?.headers ?? [])
      .filter((h) => !h.name.startsWith(':') && !/^(sec-websocket-|connection$|upgrade$|host$|content-length$)/i.test(h.name))
      .map((h) => ({ name: h.name, value: h.value }))
    if (headers.length) p.options.headers = headers
    sessions.push({ url, events: harEntryToEvents(e, `har-${i + 1}`) })
    return p
  })
  return { format: 'har', profiles, environments: [], sessions, notes: entries.length ? [] : ['The HAR file holds no WebSocket entries.'] }
}

/** Detects the format by content and reads it. Throws with a message that says what the file is not. */
export function importContent(name: string, content: string): ImportResult {
  const trimmed = content.trimStart()
  if (name.endsWith('.ndjson') || /^\{"type":"sockscope-recording"/.test(trimmed)) {
    const { header, events, problems } = parseNdjson(content)
    if (!header && !events.length) throw new Error(`${name} is not a Sockscope recording (no readable lines).`)
    return {
      format: 'ndjson',
      profiles: [],
      environments: [],
      sessions: [{ url: header?.url ?? '', events }],
      notes: problems.length ? [describeProblems(problems)] : []
    }
  }
  let doc: Any
  try {
    doc = JSON.parse(content) as Any
  } catch (e) {
    throw new Error(`${name} is neither JSON nor an NDJSON recording: ${(e as Error).message}`, { cause: e })
  }
  if (doc.format === 'sockscope-profiles') return fromSockscope(doc)
  if (doc._type === 'export' && Array.isArray(doc.resources)) return fromInsomnia(doc)
  if (str((doc.info as Any)?.schema).includes('schema.getpostman.com') || (doc.info && Array.isArray(doc.item))) return fromPostman(doc)
  if ((doc.log as Any)?.entries) return fromHar(doc)
  throw new Error(`${name} is not a format Sockscope imports (Sockscope JSON or NDJSON, Insomnia v4 export, Postman v2 collection, HAR).`)
}
