/**
 * What the mock server (mock.ts) plays: a recording read from disk (Sockscope NDJSON, the binary `.sockrec`, or a
 * HAR with Chrome's `_webSocketMessages`) turned into a script of turns. Turn 0 is what the server sent on connect,
 * before the client's first message; turn n is the client's n-th message and what the server sent after it, up to
 * the client's next one, each with its gap from the event before it. Only the first attempt of the recording that
 * carried messages is used (a reconnect starts a new conversation).
 */
import { open, readFile, type FileHandle } from 'node:fs/promises'
import type { SockEvent } from '../shared/events'
import { describeProblems, readNdjsonFile } from '../main/store/ndjson'
import { isRecordFile, readRecordFile } from '../main/store/recordFile'
import { harEntryToEvents, harWebSocketEntries } from '../main/store/har'
import type { Payload } from './mockMatch'
import { ScenarioInputError } from './types'

export type ServerAction =
  | { type: 'send'; data: Payload; gapMs: number }
  /** The server closed with this code (a close frame). */
  | { type: 'close'; code: number; reason: string; gapMs: number }
  /** The link dropped with no close frame (1006): the mock drops the socket. */
  | { type: 'drop'; gapMs: number }

export interface MockTurn {
  /** The recorded client message that starts the turn; null for turn 0 (on connect). */
  client: Payload | null
  actions: ServerAction[]
}

export interface MockScript {
  /** Where it came from (a path, or "events"). */
  source: string
  url: string
  /** The subprotocol the server picked in the recording ('' for none). */
  subprotocol: string
  turns: MockTurn[]
  /** What the reading skipped or left out, in words. */
  notes: string[]
}

/** Reads a recording in any of the three formats; a file that is none of them is bad input (ScenarioInputError). */
export async function readRecordingEvents(path: string, entry?: number): Promise<{ events: SockEvent[]; notes: string[] }> {
  let fd
  try {
    fd = await open(path, 'r')
  } catch (e) {
    throw new ScenarioInputError(`cannot read the recording (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, path)
  }
  const { binary, head } = await sniff(fd).finally(() => fd.close())
  if (binary) {
    const r = await readRecordFile(path)
    return { events: r.events, notes: r.problems.length ? [describeProblems(r.problems)] : [] }
  }
  if (path.endsWith('.ndjson') || looksLikeNdjson(head)) {
    const r = await readNdjsonFile(path)
    if (!r.events.length) {
      const why = r.problems.length ? ` ${describeProblems(r.problems)}` : ''
      throw new ScenarioInputError(`holds no events a mock can serve.${why}`, path, r.problems[0]?.line)
    }
    return { events: r.events, notes: r.problems.length ? [describeProblems(r.problems)] : [] }
  }
  return readHar(path, entry)
}

/** Whether the file is a .sockrec (by its magic bytes), and its first 64 KiB as text. */
async function sniff(fd: FileHandle): Promise<{ binary: boolean; head: string }> {
  const buf = Buffer.alloc(1 << 16)
  const { bytesRead } = await fd.read(buf, 0, buf.length, 0)
  return { binary: await isRecordFile(fd), head: buf.subarray(0, bytesRead).toString('utf8') }
}

/** NDJSON: its first line alone is a JSON object with a `type` (a header or an event). A HAR's first line is not. */
function looksLikeNdjson(head: string): boolean {
  const first = head.trimStart().split('\n', 1)[0]
  try {
    return typeof (JSON.parse(first) as { type?: unknown })?.type === 'string'
  } catch {
    return false
  }
}

async function readHar(path: string, entry?: number): Promise<{ events: SockEvent[]; notes: string[] }> {
  let doc: unknown
  const text = await readFile(path, 'utf8')
  try {
    doc = JSON.parse(text)
  } catch (e) {
    // JSON's own complaint helps only for a file that meant to be JSON (a HAR cut short).
    const why = /^\s*[[{]/.test(text) ? ` It reads as broken JSON: ${(e as Error).message.split('\n')[0]}.` : ''
    throw new ScenarioInputError(`is not a recording: neither Sockscope NDJSON, a .sockrec file nor HAR.${why}`, path)
  }
  let entries
  try {
    entries = harWebSocketEntries(doc)
  } catch {
    throw new ScenarioInputError('is JSON but not HAR: it has no log.entries. Export a HAR from the browser (or from Sockscope).', path)
  }
  const withMessages = entries.filter((e) => e._webSocketMessages?.length)
  if (!withMessages.length) throw new ScenarioInputError('holds no WebSocket entry with messages (_webSocketMessages).', path)
  if (entry !== undefined && (entry < 1 || entry > withMessages.length)) {
    throw new ScenarioInputError(
      `has ${withMessages.length} WebSocket entr${withMessages.length > 1 ? 'ies' : 'y'} with messages; --entry ${entry} is not one of them.`,
      path
    )
  }
  const chosen = withMessages[(entry ?? 1) - 1]
  const notes =
    withMessages.length > 1
      ? [`The HAR holds ${withMessages.length} WebSocket entries; serving entry ${entry ?? 1} (${chosen.request?.url ?? ''}).`]
      : []
  return { events: harEntryToEvents(chosen, 'har'), notes }
}

/** The events of each attempt: a `connecting` state or a handshake after messages starts a new one. */
function attempts(events: SockEvent[]): SockEvent[][] {
  const out: SockEvent[][] = [[]]
  for (const e of events) {
    const current = out[out.length - 1]
    const starts = (e.type === 'state' && e.state === 'connecting') || e.type === 'handshake'
    if (starts && current.some((x) => x.type === 'message' || x.type === 'close')) out.push([])
    out[out.length - 1].push(e)
  }
  return out
}

/** The script of a recording's first attempt that carried messages. */
export function scriptOf(events: SockEvent[], source = 'events'): MockScript {
  const all = attempts(events)
  const chosen = all.findIndex((a) => a.some((e) => e.type === 'message'))
  const attempt = chosen >= 0 ? all[chosen] : []
  const notes: string[] = []
  const later = all.slice(chosen + 1).filter((a) => a.some((e) => e.type === 'message')).length
  if (later) notes.push(`The recording has ${later} more attempt(s) after a reconnect; the mock serves the first conversation only.`)
  const handshake = attempt.find((e) => e.type === 'handshake')
  const turns: MockTurn[] = [{ client: null, actions: [] }]
  let lastTs = handshake?.ts ?? attempt.find((e) => e.type === 'message')?.ts ?? 0
  const gap = (ts: number): number => {
    const g = Math.max(0, ts - lastTs)
    lastTs = Math.max(lastTs, ts)
    return Math.round(g)
  }
  for (const e of attempt) {
    const turn = turns[turns.length - 1]
    if (e.type === 'message' && e.dir === 'out') {
      gap(e.ts)
      turns.push({ client: e.data, actions: [] })
    } else if (e.type === 'message' && e.dir === 'in') turn.actions.push({ type: 'send', data: e.data, gapMs: gap(e.ts) })
    else if (e.type === 'close') {
      if (e.initiator === 'remote') turn.actions.push({ type: 'close', code: e.code, reason: e.reason, gapMs: gap(e.ts) })
      else if (e.initiator === 'abnormal') turn.actions.push({ type: 'drop', gapMs: gap(e.ts) })
      break // the client closed, or the server did: the conversation is over
    }
  }
  if (turns.length === 1 && !turns[0].actions.length)
    notes.push('The recording has no messages: the mock accepts connections and sends nothing.')
  const hs = handshake?.type === 'handshake' ? handshake : null
  // A HAR keeps the negotiated subprotocol only in the response headers.
  const subprotocol = hs
    ? hs.protocol || (hs.responseHeaders.find((h) => h.name.toLowerCase() === 'sec-websocket-protocol')?.value ?? '')
    : ''
  return { source, url: hs?.url ?? '', subprotocol, turns, notes }
}
