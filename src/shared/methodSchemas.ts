/** Argument schemas per contract method, checked where each call arrives on the main side. */
import * as v from 'valibot'
import { RECORDED_REF, type MethodName, type SockscopeMethods } from './api'
import { closeRequestSchema, connectionOptionsSchema, outgoingMessageSchema } from './schema'
import { environmentSchema, profileSchema } from './profiles'
import { savedTabsSchema } from './tabs'

const id = v.pipe(v.string('must be a connection id'), v.minLength(1), v.maxLength(100))
/** A connection id the caller chose (see `connect`). */
const newId = v.pipe(v.string(), v.uuid('must be a connection id (a UUID)'))
const recordingId = v.pipe(v.string(), v.regex(/^[\w.-]+\.(sockrec|ndjson)$/, 'must be a recording name'), v.maxLength(200))
const controlPayload = v.pipe(
  v.string(),
  v.check((s) => new TextEncoder().encode(s).length <= 125, 'must be at most 125 bytes (a control frame limit)')
)

const mockId = v.pipe(v.string(), v.uuid('must be a mock id'))
/** A folder's full path (the host checks it is one, and for files, that the folder was opened). */
const folderPath = v.pipe(v.string(), v.minLength(1, 'must be a folder path'), v.maxLength(4096))
/** A scenario file; src/main/service/scenarios.ts checks the name against its folder. */
const scenarioRef = v.strictObject({
  folder: v.nullable(folderPath),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(1024), v.regex(/\.ya?ml$/i, 'must be a file name ending in .yaml or .yml'))
})
const runId = v.pipe(v.string(), v.uuid('must be a run id'))
/** A scenario's text: generous, but bounded so one call cannot hold the host's memory. */
const scenarioText = v.pipe(v.string(), v.maxLength(2_000_000, 'must be at most 2 MB'))

/** A payload store reference (a UUID), or one to a payload the page dropped, read back from the recording. */
const payloadRef = v.union([v.pipe(v.string(), v.uuid()), v.pipe(v.string(), v.regex(RECORDED_REF))], 'must be a payload reference')

type ArgsSchema<K extends MethodName> = v.GenericSchema<unknown, Parameters<SockscopeMethods[K]>>

/** One entry per method: a method added to the contract without a schema fails the type check. */
export const METHOD_ARGS: { [K in MethodName]: ArgsSchema<K> } = {
  appInfo: v.strictTuple([]),
  connect: v.strictTuple([
    connectionOptionsSchema,
    v.optional(newId),
    v.optional(v.strictObject({ profile: v.optional(v.pipe(v.string(), v.maxLength(200))) }))
  ]),
  send: v.strictTuple([id, outgoingMessageSchema]),
  ping: v.strictTuple([id, controlPayload]),
  pong: v.strictTuple([id, controlPayload]),
  close: v.strictTuple([id, v.optional(closeRequestSchema.entries.code), v.optional(closeRequestSchema.entries.reason)]),
  terminate: v.strictTuple([id]),
  cancelReconnect: v.strictTuple([id]),
  reconnectNow: v.strictTuple([id]),
  remove: v.strictTuple([id]),
  list: v.strictTuple([]),
  sync: v.strictTuple([v.optional(v.record(id, v.pipe(v.number(), v.integer(), v.minValue(0))))]),
  fetchPayload: v.strictTuple([
    payloadRef,
    v.optional(
      v.strictObject({
        offset: v.pipe(v.number(), v.integer(), v.minValue(0)),
        length: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(64 * 1024 * 1024))
      })
    )
  ]),
  tabsSave: v.strictTuple([savedTabsSchema]),
  profilesState: v.strictTuple([]),
  profileSave: v.strictTuple([profileSchema]),
  profileDelete: v.strictTuple([id]),
  environmentSave: v.strictTuple([environmentSchema]),
  environmentDelete: v.strictTuple([id]),
  foldersSet: v.strictTuple([v.array(v.pipe(v.string(), v.maxLength(200)))]),
  settingsSet: v.strictTuple([v.strictObject({ persistInsecureSecrets: v.boolean() })]),
  secretsProvide: v.strictTuple([v.record(v.pipe(v.string(), v.maxLength(500)), v.string())]),
  exportProfiles: v.strictTuple([v.nullable(v.array(id)), v.boolean()]),
  importFile: v.strictTuple([
    v.nullable(v.strictObject({ name: v.pipe(v.string(), v.maxLength(500)), content: v.string() })),
    v.optional(v.picklist(['keep-both', 'replace', 'skip'], 'must be keep-both, replace or skip'))
  ]),
  recordingsList: v.strictTuple([]),
  recordingRead: v.strictTuple([recordingId]),
  recordingExport: v.strictTuple([
    recordingId,
    v.picklist(['ndjson', 'har', 'csv'], 'must be ndjson, har or csv'),
    // NDJSON and HAR add each message's decoded form (through the recorded connection's decode settings).
    v.optional(v.boolean('must be true or false'))
  ]),
  recordingDelete: v.strictTuple([recordingId]),
  recordingsDeleteAll: v.strictTuple([]),
  replay: v.strictTuple([
    recordingId,
    connectionOptionsSchema,
    v.variant('mode', [
      v.strictObject({ mode: v.literal('original') }),
      v.strictObject({ mode: v.literal('interval'), ms: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3_600_000)) })
    ]),
    v.optional(newId)
  ]),
  echoServerStart: v.strictTuple([]),
  mockStart: v.strictTuple([
    recordingId,
    v.strictObject({
      host: v.optional(v.pipe(v.string(), v.maxLength(255), v.regex(/^[\w.:-]+$/, 'must be a host name or address, e.g. 127.0.0.1'))),
      timing: v.picklist(['original', 'fast'], 'must be original or fast'),
      match: v.picklist(['order', 'content'], 'must be order or content')
    })
  ]),
  mockStop: v.strictTuple([mockId]),
  mockLog: v.strictTuple([mockId, v.pipe(v.number(), v.integer(), v.minValue(0))]),
  scenariosList: v.strictTuple([]),
  scenarioFolderOpen: v.strictTuple([v.nullable(folderPath)]),
  scenarioFolderClose: v.strictTuple([folderPath]),
  scenarioRead: v.strictTuple([scenarioRef]),
  scenarioSave: v.strictTuple([scenarioRef, scenarioText]),
  scenarioCheck: v.strictTuple([scenarioText]),
  scenarioRun: v.strictTuple([scenarioRef]),
  scenarioRunState: v.strictTuple([runId, v.pipe(v.number(), v.integer(), v.minValue(0))]),
  scenarioRunStop: v.strictTuple([runId]),
  scenarioRunLog: v.strictTuple([runId, v.pipe(v.string(), v.minLength(1), v.maxLength(100))])
}
