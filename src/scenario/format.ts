/**
 * The scenario format (issue 18): a YAML file that opens connections, sends, and checks what comes back. The JSON
 * Schema in schemas/scenario.schema.json says the same with every field described; ./parse.ts reads a file into the
 * types below, ./runner.ts runs them.
 *
 * ```yaml
 * name: Chat says hello back             # optional; the file name otherwise
 * env:                                   # defaults for {{variables}}; --env, --env-file and --var override them
 *   host: 127.0.0.1:8080
 * timeout: 3s                            # optional: how long waiting steps wait (else --timeout, else 5 s)
 * connections:                           # optional named definitions, opened by `connect: alice`
 *   alice:
 *     url: ws://{{host}}/chat
 *     headers: { Authorization: "Bearer {{token}}" }   # a mapping, or the app's list of {name, value}
 * steps:
 *   - connect: alice                     # a definition above; opened as "alice"
 *   - connect: { profile: Chat staging, as: bob }    # a saved profile (--data-dir), any option overridden
 *   - connect: { url: "ws://{{host}}/chat", subprotocols: [chat.v1], as: carol }   # `as` defaults to "main"
 *   - connect: { url: "ws://{{host}}/sio/?EIO=4&transport=websocket", protocol: { kind: socketio }, as: io }
 *                                          # on a protocol, connect ends once the server answered its handshake
 *   - send: hello                        # text, on the connection the latest `connect` opened
 *   - send: { on: bob, json: { type: join, room: "{{room}}" } }
 *   - send: { binary: "0a0b0c" }         # hex; or base64: …; json/text with codec: "gzip → json" is encoded first
 *   - name: bob is welcomed              # any step may have a name
 *     expect: { on: bob, json: { type: welcome } }   # the NEXT message must match, within timeout
 *   - expect: '$.type == "ack" && $.n > 2'           # a string: a field expression if it starts with $, else contains
 *   - expect: { within: 2s, regex: "/^pong \\d+$/i" }  # ANY message within the window (the others are passed
 *                                                     # over); a regex as /…/flags for flags
 *   - extract: { path: $.id, into: msgId }          # from the message the last expect matched (else the last one)
 *   - extract: { regex: "id=(\\d+)", into: n }      # group 1, or group: name
 *   - send: { json: { ack: "{{msgId}}" } }           # "{{msgId}}" alone keeps the extracted value's JSON type
 *   - expect-none: { for: 500ms, contains: error }  # a quiet window: no (matching) message
 *   - expect-pong: { within: 1s }                   # sends a ping; its pong must come within the time
 *   - repeat: { times: 3, steps: [ { send: tick }, { expect: tick } ] }   # or for: 5s
 *   - wait: 200ms
 *   - close: { code: 1000, reason: done }
 *   - expect-close: { on: bob, code: 4001 }         # the server closes with this code
 * ```
 *
 * Matching (expect, expect-none): `contains` (a substring of the text), `equals` (the whole text), `regex`,
 * `json` (a subset: every member given must be there with that value, arrays element by element and of the same
 * length, `"{{*}}"` for any value), `match` (a field expression, src/shared/fieldExpr.ts); all given must hold.
 * Text is parsed as JSON for `json`/`match`; binary payloads are decoded through `codec:` when given, else the codec
 * the bytes look like. A protocol connection's keep-alive frames (Socket.IO pings, STOMP heart-beats) never count.
 * Text with {{variables}} inside { … } needs quotes (a bare `{` opens a mapping in YAML). Durations are milliseconds
 * or `500ms`, `2s`, `1.5m`. Step paths are 1-based: `4.2` is the second step of the block of step 4. The first
 * failing step ends the scenario (the rest are reported as skipped), and every connection is closed at the end.
 * Every `{{name}}` must be defined by env, --env/--env-file/--var or an earlier extract, or be a dynamic one
 * (`{{$uuid}}`, `{{$counter}}` inside a repeat), or the file is refused before anything runs.
 *
 * Protocol forms: on a connection that speaks a protocol (pinned with `protocol: { kind: … }` on the connect, or
 * known from the URL or the subprotocol), a send may give one of the app's composer forms instead of a payload.
 * It waits for the server to accept the protocol's handshake first; ids come from one counter per connection (1, 2…).
 *
 * ```yaml
 *   - send: { socketio: { event: chat, args: [{ text: hi }], ack: true } }   # namespace: the connect's when absent
 *   - send: { socketio: { connect: /chat, auth: { token: t } } }              # or { disconnect: /chat }
 *   - send: { graphql: { query: "subscription Tick { ticks }", variables: {}, operationName: Tick } }   # id: optional
 *   - send: { graphql: { complete: Tick } }          # the latest operation of that name (or that id) this run started
 *   - send: { stomp: { command: SUBSCRIBE, destination: /queue/a, ack: client } }   # id: sub-1, sub-2… when absent
 *   - send: { stomp: { command: SEND, destination: /queue/a, body: { n: 1 }, headers: { priority: 9 } } }
 *   - send: { stomp: { command: ACK } }              # id: the MESSAGE the last expect matched when absent
 *   - send: { mqtt: { publish: { topic: sensors/1, payload: { t: 21 }, qos: 1, retain: false } }, codec: msgpack }
 *   - send: { mqtt: { subscribe: { topic: "sensors/#", qos: 1 } } }   # or subscribe: "sensors/#"; unsubscribe: …
 *   - send: { signalr: { invoke: SendMessage, args: [alice, hi] } }   # nonBlocking: true asks for no Completion
 *   - send: { signalr: { stream: Counter, args: [3] } }               # cancel: Counter stops it
 * ```
 *
 * On a protocol connection, `json`, `match` and extract's `path` read the protocol message a frame carries, not
 * the frame (a frame holding several matches when one does; a packet split over frames is one message, read when
 * its last part arrives). `contains`, `equals`, `regex` and extract's `regex` still read the frame's text. A payload
 * (MQTT payload, STOMP body, Socket.IO attachment) is decoded through `codec:`, else read as JSON when it is JSON
 * text, else as text. An answer to something this run sent names it in `operation` (the event emitted, the
 * operation or invocation started, the topic subscribed). The messages, per protocol:
 * - Socket.IO: `{type: event, event, args, namespace}` (with `id` when the server wants an ack),
 *   `{type: ack, id, operation: <the event emitted>, args, namespace}`, `{type: connect | connect_error |
 *   disconnect, namespace}`, `{type: attachment, payload}`.
 * - GraphQL: the message as sent with `operation`: `{type: next, id, operation: Tick, payload: {data: …}}`,
 *   `{type: error, id, operation, payload, messages}`, `{type: complete, id, operation}`.
 * - STOMP: `{command: MESSAGE, headers: {destination, subscription, message-id, …}, body}` (RECEIPT, ERROR alike).
 * - MQTT: `{type: PUBLISH, topic, qos, retain, dup, id, payload}`, `{type: SUBACK, id, operation: <topic>, codes}`,
 *   `{type: PUBACK, id, operation}` (PUBREC, PUBREL, PUBCOMP, UNSUBACK alike).
 * - SignalR: `{type: Invocation, target, arguments}`, `{type: StreamItem, invocationId, operation, item}`,
 *   `{type: Completion, invocationId, operation, result | error}`, `{type: Close, error}`.
 * A frame that is not the protocol's is `{invalid: why}`. The handshake's own answers (Socket.IO's open and its
 * namespace's CONNECT, connection_ack, CONNECTED, an accepting CONNACK, SignalR's handshake response) are, like
 * keep-alives, no message a step sees; a refusal is one. So the ack of an emit is
 * `expect: { json: { type: ack, operation: chat } }`, an event `expect: '$.event == "chat" && $.args[0].text == "hi"'`.
 */

export const STEP_KINDS = [
  'connect',
  'close',
  'wait',
  'send',
  'expect',
  'expect-none',
  'expect-close',
  'expect-pong',
  'extract',
  'repeat'
] as const

export type StepKind = (typeof STEP_KINDS)[number]

/** What waiting steps wait for when neither the step, the file nor --timeout says. */
export const DEFAULT_STEP_TIMEOUT_MS = 5_000

/** A repeat's runs whose every step is reported; later runs are reported only when one fails (a `for:` may run thousands). */
export const REPEAT_DETAIL_RUNS = 20

/** Where in its file a step or field is (1-based). */
export interface SourcePos {
  line: number
  column: number
}

interface StepBase {
  path: string
  line: number
  name?: string
  /** The location of the step in the YAML document (`['steps', 3]`), to point at its fields. */
  docPath: Array<string | number>
}

/** How a message is matched; every matcher given must hold. */
export interface MessageMatch {
  contains?: string
  equals?: string
  regex?: RegExp
  json?: unknown
  /** A field expression's source text (compiled when the step runs, after variables). */
  match?: string
  /** A codec chain (`gzip → json`) that decodes the payload first. */
  codec?: string
}

/** The options a connect step opens with, before variables: a base (profile or definition) and inline overrides. */
export interface ConnectSource {
  profile?: string
  /** The `connections:` entry it starts from. */
  definition?: string
  /** Inline options (headers and query as the app's lists already), overriding the base's top-level fields. */
  options: Record<string, unknown>
  /** Where each inline option came from in the document, to point an option error at its line. */
  optionsDocPath: Array<string | number>
  /** headers/query written as a mapping: their n-th item is the n-th pair (for error lines). */
  mappedLists: string[]
}

export interface ConnectStep extends StepBase {
  kind: 'connect'
  as: string
  source: ConnectSource
  timeoutMs: number
}

export interface CloseStep extends StepBase {
  kind: 'close'
  on: string
  code?: number
  reason?: string
  timeoutMs: number
}

export interface WaitStep extends StepBase {
  kind: 'wait'
  ms: number
}

/** A protocol form of a send step (`send: { socketio: { event: chat } }`), built into a frame when the step runs. */
export interface ProtocolSend {
  protocol: 'socketio' | 'graphql' | 'stomp' | 'mqtt' | 'signalr'
  /** emit, connect, disconnect; subscribe, complete; a STOMP command; publish, subscribe, unsubscribe; invoke, stream, cancel. */
  action: string
  /** The form as written; {{variables}} are filled in when the step runs. */
  fields: Record<string, unknown>
}

export type SendPayload = { text: string } | { json: unknown } | { hex: string } | { base64: string } | { protocol: ProtocolSend }

export interface SendStep extends StepBase {
  kind: 'send'
  on: string
  payload: SendPayload
  /** Encodes text or json; with a protocol form, the MQTT payload or STOMP body. */
  codec?: string
  /** How long a protocol form waits for the server to accept the protocol's handshake. */
  timeoutMs: number
}

export interface ExpectStep extends StepBase {
  kind: 'expect'
  on: string
  match: MessageMatch
  /** Any message within this window; without it, the next message. */
  withinMs?: number
  timeoutMs: number
}

export interface ExpectNoneStep extends StepBase {
  kind: 'expect-none'
  on: string
  match: MessageMatch
  forMs: number
}

export interface ExpectCloseStep extends StepBase {
  kind: 'expect-close'
  on: string
  code?: number
  reason?: string
  timeoutMs: number
}

export interface ExpectPongStep extends StepBase {
  kind: 'expect-pong'
  on: string
  withinMs: number
  payload?: string
}

export interface ExtractStep extends StepBase {
  kind: 'extract'
  on: string
  into: string
  /** A path into the decoded message (`$.session.id`). */
  valuePath?: string
  regex?: RegExp
  group: number | string
}

export interface RepeatStep extends StepBase {
  kind: 'repeat'
  times?: number
  forMs?: number
  steps: Step[]
}

export type Step =
  ConnectStep | CloseStep | WaitStep | SendStep | ExpectStep | ExpectNoneStep | ExpectCloseStep | ExpectPongStep | ExtractStep | RepeatStep

export interface Scenario {
  file: string
  name: string
  /** The file's `env`, as text (numbers and booleans written as YAML gives them). */
  env: Record<string, string>
  /** `connections:` as written (headers and query as the app's lists). */
  connections: Record<string, Record<string, unknown>>
  steps: Step[]
  /** Finds the line and column of a place in the document (`['steps', 2, 'connect', 'url']`). */
  locate(docPath: Array<string | number>): SourcePos | undefined
}

/** `250`, `"250ms"`, `"2s"`, `"1.5m"` → milliseconds; null when it is none of those. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null
  if (typeof value !== 'string') return null
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value)
  if (!m) return null
  const n = Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1)
  return Math.round(n)
}

/** A duration as a person reads it: 250 ms, 2 s, 1.5 min. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${+(ms / 1000).toFixed(2)} s`
  return `${+(ms / 60_000).toFixed(2)} min`
}
