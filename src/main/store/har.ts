/** Sessions as HAR 1.2 with Chrome's `_webSocketMessages`, and back. */
import type { Entry, Har } from 'har-format'
import type { HandshakeEvent, SockEvent } from '../../shared/events'
import { base64 } from '../../shared/wire'
import { SECRET_MASK } from '../../shared/secrets'
import { decodedForExport, type DecodeOptions } from '../../shared/codecs/exportDecoded'

/** A message in Chrome's `_webSocketMessages` (time in seconds, opcode 1 text / 2 binary, binary as base64). */
export type HarWebSocketMessage = NonNullable<Entry['_webSocketMessages']>[number]

/** The HAR types are @types/har-format's; what we write always has the WebSocket fields. */
export type HarEntry = Entry & { _resourceType: 'websocket'; _webSocketMessages: HarWebSocketMessage[] }
export type { Har }

/**
 * The same HAR, written piece by piece as events stream by (recordings of any size): one entry per attempt that
 * opened, its messages written one at a time. `write` receives the JSON text in order.
 */
export class HarWriter {
  private entries = 0
  private messages = -1 // -1: no entry open
  private firstTs: number | null = null

  /** `decode`: add each message's decoded form as `_decoded` (HAR 1.2 allows fields that start with `_`). */
  constructor(
    private readonly url: string,
    version: string,
    private readonly write: (text: string) => void,
    private readonly decode: DecodeOptions | null = null
  ) {
    write(`{"log":{"version":"1.2","creator":${JSON.stringify({ name: 'Sockscope', version })},"pages":[],"entries":[`)
  }

  event(e: SockEvent): void {
    this.firstTs ??= e.ts
    if (e.type === 'state' && e.state === 'connecting') this.firstTs = e.ts
    if (e.type === 'handshake') this.open(entryFor(e, this.firstTs))
    else if (e.type === 'message' && this.messages >= 0) {
      const data = typeof e.data === 'string' ? e.data : base64.encode(e.data)
      const m: HarWebSocketMessage = {
        type: e.dir === 'out' ? 'send' : 'receive',
        time: e.ts / 1000,
        opcode: e.kind === 'text' ? 1 : 2,
        data
      }
      const decoded = this.decode && (e.dir === 'in' || e.dir === 'out') ? decodedForExport(e.data, e.dir, this.decode) : null
      if (decoded) (m as HarWebSocketMessage & { _decoded?: unknown })._decoded = decoded
      this.write(`${this.messages++ ? ',' : ''}${JSON.stringify(m)}`)
    }
  }

  private open(entry: HarEntry): void {
    this.closeEntry()
    const json = JSON.stringify(entry)
    // `_webSocketMessages` is the last field and empty: leave its array open for the messages that follow.
    this.write(`${this.entries++ ? ',' : ''}${json.slice(0, -'[]}'.length)}[`)
    this.messages = 0
  }

  private closeEntry(): void {
    if (this.messages >= 0) this.write(']}')
    this.messages = -1
  }

  end(): void {
    this.closeEntry()
    if (!this.entries && this.url) this.write(JSON.stringify(entryFor(null, this.firstTs ?? Date.now(), this.url)))
    this.write(']}}')
  }
}

/** One HAR entry per connection attempt that opened (a reconnect starts a new entry). */
export function eventsToHar(url: string, events: SockEvent[], version: string): Har {
  const entries: HarEntry[] = []
  let current: HarEntry | null = null
  let firstTs = events[0]?.ts ?? Date.now()
  for (const e of events) {
    if (e.type === 'state' && e.state === 'connecting') firstTs = e.ts
    if (e.type === 'handshake') current = entryFor(e, firstTs)
    if (!current) continue
    if (e.type === 'handshake') entries.push(current)
    if (e.type === 'message') {
      const data = typeof e.data === 'string' ? e.data : base64.encode(e.data)
      current._webSocketMessages.push({
        type: e.dir === 'out' ? 'send' : 'receive',
        time: e.ts / 1000,
        opcode: e.kind === 'text' ? 1 : 2,
        data
      })
    }
  }
  if (!entries.length && url) entries.push(entryFor(null, firstTs, url))
  return { log: { version: '1.2', creator: { name: 'Sockscope', version }, pages: [], entries } }
}

function entryFor(h: HandshakeEvent | null, startTs: number, fallbackUrl = ''): HarEntry {
  const url = h?.url ?? fallbackUrl
  let queryString: Array<{ name: string; value: string }> = []
  try {
    queryString = [...new URL(url).searchParams].map(([name, value]) => ({ name, value }))
  } catch {
    // Keep an empty query for an unparsable URL.
  }
  return {
    startedDateTime: new Date(startTs).toISOString(),
    time: h ? h.timings.upgradeMs : 0,
    request: {
      method: 'GET',
      url,
      httpVersion: 'HTTP/1.1',
      headers: (h?.requestHeaders ?? []).map((x) => ({ name: x.name, value: x.secret ? SECRET_MASK : x.value })),
      queryString,
      cookies: [],
      headersSize: -1,
      bodySize: 0
    },
    response: {
      status: h?.status ?? 0,
      statusText: h?.statusText ?? '',
      httpVersion: 'HTTP/1.1',
      headers: (h?.responseHeaders ?? []).map((x) => ({ name: x.name, value: x.value })),
      cookies: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0
    },
    cache: {},
    timings: { send: 0, wait: h?.timings.upgradeMs ?? 0, receive: 0 },
    _resourceType: 'websocket',
    _webSocketMessages: []
  }
}

/** WebSocket entries of any HAR (Chrome, Firefox, ours): those with `_webSocketMessages` or a 101 answer to a ws(s) URL. */
export function harWebSocketEntries(har: unknown): HarEntry[] {
  const entries = (har as { log?: { entries?: unknown[] } })?.log?.entries
  if (!Array.isArray(entries)) throw new Error('not a HAR file: log.entries is missing')
  return (entries as HarEntry[]).filter(
    (e) =>
      Array.isArray(e?._webSocketMessages) ||
      e?._resourceType === 'websocket' ||
      (e?.response?.status === 101 && /^(wss?|https?):/.test(e?.request?.url ?? ''))
  )
}

/** Turns one HAR WebSocket entry back into events for offline viewing. */
export function harEntryToEvents(e: HarEntry, id: string): SockEvent[] {
  const events: SockEvent[] = []
  let seq = 0
  const ts0 = Date.parse(e.startedDateTime) || 0
  const headers = (list: Array<{ name: string; value: string }> | undefined) =>
    (list ?? []).filter((h) => !h.name.startsWith(':')).map((h) => ({ name: h.name, value: h.value }))
  events.push({
    type: 'handshake',
    id,
    seq: ++seq,
    ts: ts0,
    url: e.request?.url ?? '',
    requestHeaders: headers(e.request?.headers),
    status: e.response?.status ?? 101,
    statusText: e.response?.statusText ?? '',
    responseHeaders: headers(e.response?.headers),
    protocol: '',
    extensions: '',
    redirects: [],
    timings: { upgradeMs: e.time ?? 0 }
  })
  for (const m of e._webSocketMessages ?? []) {
    const text = m.opcode === 1
    const data = text ? String(m.data ?? '') : base64.decode(String(m.data ?? ''))
    events.push({
      type: 'message',
      id,
      seq: ++seq,
      ts: (m.time ?? 0) * 1000,
      dir: m.type === 'send' ? 'out' : 'in',
      kind: text ? 'text' : 'binary',
      size: typeof data === 'string' ? new TextEncoder().encode(data).length : data.byteLength,
      data
    })
  }
  return events
}
