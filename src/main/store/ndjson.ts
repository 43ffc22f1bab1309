/**
 * Reading Sockscope NDJSON recordings: a header line, then one event per line. Lines are untrusted (an import,
 * a file cut short by a crash): each is parsed and checked on its own, and a bad one is reported by its line
 * number and skipped, never fatal. Files are read as a stream, line by line, never as one string: recordings
 * grow to gigabytes, and a string cannot hold more than about 512 MiB.
 */
import { createReadStream } from 'node:fs'
import type { SockEvent } from '../../shared/events'
import { eventsFromWire } from '../../shared/wire'
import { checkEvent } from '../../shared/eventSchema'
import type { ConnectionOptions } from '../../shared/options'

export interface RecordingHeader {
  type: 'sockscope-recording'
  /** 1: NDJSON (older recordings, and exports); 2: records with raw payloads (recordFormat.ts). */
  version: 1 | 2
  url: string
  startedAt: string
  connectionId: string
  /** The connection's settings with secret values emptied (recordings since issue 15), and which were emptied. */
  options?: ConnectionOptions
  secrets?: string[]
  /** The profile the connection was opened from, by name. */
  profile?: string
}

export interface LineProblem {
  line: number
  why: string
}

export interface ParsedRecording {
  header: RecordingHeader | null
  events: SockEvent[]
  /** Lines that are not events, by number (1-based). */
  problems: LineProblem[]
  /** Events not returned because the reader's limit was reached. */
  more: number
}

/** Checks a recording's events one by one (NDJSON lines, or records of recordFormat.ts) and keeps what fits. */
export class EventReader {
  readonly out: ParsedRecording = { header: null, events: [], problems: [], more: 0 }
  /** The line (or record) number, 1-based. */
  n = 0
  private bytes = 0

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes = Infinity
  ) {}

  line(text: string): void {
    this.n++
    if (!text.trim()) return
    let o: unknown
    try {
      o = JSON.parse(text)
    } catch {
      this.out.problems.push({ line: this.n, why: 'not JSON' })
      return
    }
    this.value(o, text.length, true)
  }

  /** One parsed line or record of `size` bytes; `wire`: its bytes may still be `{ $b }` (an NDJSON line). */
  value(o: unknown, size: number, wire = false): void {
    if ((o as { type?: unknown } | null)?.type === 'sockscope-recording') {
      this.out.header = o as RecordingHeader
      return
    }
    let checked: ReturnType<typeof checkEvent>
    try {
      checked = checkEvent(wire ? eventsFromWire([o])[0] : (o as SockEvent))
    } catch {
      checked = { ok: false, why: 'not a Sockscope event' }
    }
    if (!checked.ok) this.out.problems.push({ line: this.n, why: checked.why })
    else if (this.out.events.length < this.maxEvents && this.bytes + size <= this.maxBytes) {
      this.bytes += size
      this.out.events.push(checked.event)
    } else this.out.more++
  }
}

/** Parses NDJSON text already in memory (an uploaded import). */
export function parseNdjson(text: string, maxEvents = Infinity): ParsedRecording {
  const r = new EventReader(maxEvents)
  let start = 0
  while (start <= text.length) {
    const end = text.indexOf('\n', start)
    r.line(text.slice(start, end < 0 ? text.length : end))
    if (end < 0) break
    start = end + 1
  }
  return r.out
}

/**
 * The lines of a file, split at LF only (a CR before it is dropped), as NDJSON defines them. Not `node:readline`:
 * since Node 24 it also ends lines at U+2028 and U+2029, which JSON (RFC 8259 §7) leaves unescaped inside
 * strings, so a message holding one was cut in pieces and dropped from HAR and CSV exports and from opened
 * recordings.
 */
export async function* fileLines(path: string): AsyncGenerator<string> {
  let rest = ''
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>) {
    let start = 0
    const buf = rest + chunk
    for (let end = buf.indexOf('\n'); end >= 0; end = buf.indexOf('\n', start)) {
      yield buf.charCodeAt(end - 1) === 13 && end > start ? buf.slice(start, end - 1) : buf.slice(start, end)
      start = end + 1
    }
    rest = buf.slice(start)
  }
  if (rest) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest
}

/** Streams a recording file line by line; keeps at most `maxEvents` events (and `maxBytes` of them), counts the rest. */
export async function readNdjsonFile(path: string, maxEvents = Infinity, maxBytes = Infinity): Promise<ParsedRecording> {
  const r = new EventReader(maxEvents, maxBytes)
  for await (const line of fileLines(path)) r.line(line)
  return r.out
}

/** Streams a recording's events one at a time (for exports of any size); bad lines are counted in `problems`. */
export async function* streamEvents(path: string, problems: LineProblem[] = []): AsyncGenerator<SockEvent> {
  const r = new EventReader(1)
  for await (const line of fileLines(path)) {
    r.line(line)
    const e = r.out.events.pop()
    if (e) yield e
    if (r.out.problems.length) problems.push(...r.out.problems.splice(0))
  }
}

/** The header of a recording (its first line), or null. */
export async function readHeader(path: string): Promise<RecordingHeader | null> {
  for await (const line of fileLines(path)) {
    try {
      const o = JSON.parse(line) as RecordingHeader
      return o.type === 'sockscope-recording' ? o : null
    } catch {
      return null
    }
  }
  return null
}

/** "line 7: not JSON; line 9: …" for a note the user sees. */
export function describeProblems(problems: LineProblem[], max = 5): string {
  const shown = problems.slice(0, max).map((p) => `line ${p.line}: ${p.why}`)
  return `${problems.length} line(s) were skipped (${shown.join('; ')}${problems.length > max ? '; …' : ''}).`
}
