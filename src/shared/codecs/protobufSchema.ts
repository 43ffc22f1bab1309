/**
 * Protobuf with a schema (protobufjs): `.proto` files or a descriptor set imported into a profile, and messages of a
 * named type decoded and encoded with it. What a profile keeps is protobufjs's JSON form of the definitions, one
 * form whichever way they came in, loaded without the `.proto` parser. Field names stay as the `.proto` writes them.
 * Pure code for the page, a worker or Node: protobufjs needs no Node built-ins, and `long` is set explicitly
 * because its own lookup of `long` uses `require`, which a bundle does not have.
 */
import protobuf from 'protobufjs'
import descriptor from 'protobufjs/ext/descriptor/index.js'
import Long from 'long'
import { CodecError } from './types'
import { checkProtoValue, prepareProtoValue } from './protobufCheck'
import { readMessage, writeMessage } from './protobufReflect'

protobuf.util.Long = Long
protobuf.configure()

export interface ProtoSchemaDoc {
  /** The files the definitions came from, so that the user recognises them. */
  files: string[]
  /** A digest of the definitions: the key under which a page or a worker keeps them compiled. */
  id: string
  /** protobufjs's JSON form of the definitions (a nested namespace). */
  definitions: Record<string, unknown>
}

export interface ProtoFile {
  name: string
  data: Uint8Array
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * `.proto` files (text) and descriptor sets (binary `FileDescriptorSet`, as `protoc --descriptor_set_out` and
 * `buf build -o` write them) into one schema. Imports among the files resolve to each other; Google's well-known
 * types (`google/protobuf/timestamp.proto`, …) are built in. Throws a sentence naming the file and what is wrong.
 */
export function importProtoFiles(files: ProtoFile[]): ProtoSchemaDoc {
  if (!files.length) throw new Error('Choose at least one .proto file or descriptor set.')
  const root = new protobuf.Root()
  const given = new Set(files.map((f) => baseName(f.name)))
  const wanted = new Map<string, string>()
  for (const f of files) {
    const text = asText(f.data)
    if (text === null || /\.(pb|desc|binpb|protoset)$/i.test(f.name)) {
      mergeDescriptorSet(root, f)
      continue
    }
    try {
      const parsed = protobuf.parse(text, root, { keepCase: true })
      for (const i of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) wanted.set(i, f.name)
    } catch (e) {
      throw new Error(`${f.name} is not a .proto file protobufjs can read: ${(e as Error).message}.`, { cause: e })
    }
  }
  for (const [imp, by] of wanted) {
    if (given.has(baseName(imp))) continue
    const common = protobuf.common.get(imp) as { nested?: Record<string, unknown> } | null
    if (!common?.nested) throw new Error(`${by} imports "${imp}", which is not among the chosen files: choose it too.`)
    root.addJSON(common.nested as never)
  }
  try {
    root.resolveAll()
  } catch (e) {
    throw new Error(`The definitions do not fit together: ${(e as Error).message}.`, { cause: e })
  }
  const definitions = (root.toJSON().nested ?? {}) as Record<string, unknown>
  if (!messageTypesOf(root).length) throw new Error('The chosen files define no message type.')
  return { files: files.map((f) => f.name), id: digest(JSON.stringify(definitions)), definitions }
}

/**
 * A descriptor set through protobufjs's `Root.fromDescriptor`, given the set already read by our own walk (its own
 * read compiles code, which the page's CSP refuses). fromDescriptor passes each `options` through the options type's
 * `toObject`, which would compile too; what the walk reads is already that plain object, so it is passed through.
 */
function mergeDescriptorSet(root: protobuf.Root, f: ProtoFile): void {
  let set: protobuf.Root
  try {
    const types = descriptor as unknown as Record<string, protobuf.Type>
    for (const t of Object.values(types)) if (t instanceof protobuf.Type) t.toObject = (m: object) => m as never
    const read = readMessage(types.FileDescriptorSet, f.data, { enumNames: false, defaults: false, timestamps: false })
    set = (protobuf.Root as unknown as { fromDescriptor(d: object): protobuf.Root }).fromDescriptor(read)
  } catch (e) {
    throw new Error(`${f.name} is neither .proto text nor a descriptor set (FileDescriptorSet): ${(e as Error).message}.`, { cause: e })
  }
  root.addJSON((set.toJSON().nested ?? {}) as never)
}

const compiled = new Map<string, protobuf.Root>()

/** The schema compiled, once per page or worker: the most recent few are kept. */
export function compileSchema(doc: ProtoSchemaDoc): protobuf.Root {
  let root = compiled.get(doc.id)
  if (!root) {
    root = loadSchema(doc)
    if (compiled.size >= 8) compiled.delete(compiled.keys().next().value as string)
    compiled.set(doc.id, root)
  }
  return root
}

/** Compiles the definitions afresh (a profile's are checked this way, whatever its id says); throws a sentence. */
export function loadSchema(doc: ProtoSchemaDoc): protobuf.Root {
  try {
    const root = protobuf.Root.fromJSON({ nested: doc.definitions } as never)
    root.resolveAll()
    return root
  } catch (e) {
    throw new Error(`The Protobuf schema (${doc.files.join(', ')}) cannot be loaded: ${(e as Error).message}.`, { cause: e })
  }
}

/** Every message type the schema defines, fully qualified (`trading.Trade`), Google's own types last. */
export function messageTypes(doc: ProtoSchemaDoc): string[] {
  return messageTypesOf(compileSchema(doc))
}

/** The message types of a schema if there is one and it loads, else none: for lists of choices. */
export function schemaTypes(doc: ProtoSchemaDoc | null | undefined): string[] {
  try {
    return doc ? messageTypes(doc) : []
  } catch {
    return []
  }
}

function messageTypesOf(root: protobuf.Root): string[] {
  const out: string[] = []
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const o of ns.nestedArray) {
      if (o instanceof protobuf.Type) out.push(o.fullName.slice(1))
      if (o instanceof protobuf.Namespace || o instanceof protobuf.Type) walk(o)
    }
  }
  walk(root)
  const google = (n: string): number => (n.startsWith('google.') ? 1 : 0)
  return out.sort((a, b) => google(a) - google(b) || a.localeCompare(b))
}

/** Types looked up by name, per compiled schema: a lookup walks the namespace tree. */
const typesByName = new WeakMap<protobuf.Root, Map<string, protobuf.ReflectionObject | null>>()

function typeIn(doc: ProtoSchemaDoc | null | undefined, name: string): protobuf.Type {
  if (!doc)
    throw new CodecError(
      `no Protobuf schema is imported for this connection, so ${name} is unknown: import its .proto in the connection's settings`
    )
  const root = compileSchema(doc)
  let types = typesByName.get(root)
  if (!types) typesByName.set(root, (types = new Map()))
  let t = types.get(name)
  if (t === undefined) types.set(name, (t = root.lookup(name)))
  if (!(t instanceof protobuf.Type)) throw new CodecError(`the imported Protobuf schema defines no message type ${name}`)
  return t
}

/**
 * A message of type `name`, as a value for the tree: every field (proto3 defaults included, as the receiving code sees
 * them), enums by name, 64-bit integers exact (bigint past 2^53), bytes as bytes, `google.protobuf.Timestamp` as a date.
 */
export function decodeProto(bytes: Uint8Array, doc: ProtoSchemaDoc | null | undefined, name: string): unknown {
  const type = typeIn(doc, name)
  try {
    // Already plain: integers exact (protobufReflect.ts), bytes as Uint8Array.
    return readMessage(type, bytes, { enumNames: true, defaults: true, timestamps: true })
  } catch (e) {
    const msg = (e as Error).message
    // protobufjs's Reader says "index out of range: 2 + 9 > 3" when a value runs past the end.
    const past = /(\d+) \+ (\d+) > (\d+)/.exec(msg)
    const why = past ? `a value of ${past[2]} bytes runs past the end of the ${past[3]}-byte payload` : msg
    const at = past ? Number(past[1]) : /offset (\d+)/.test(msg) ? Number(/offset (\d+)/.exec(msg)?.[1]) : null
    throw new CodecError(`not valid Protobuf for ${name}${at === null ? '' : ` at byte ${at}`}: ${why}`, at)
  }
}

/**
 * A value (as the composer parsed it from JSON) as a message of type `name`. Checked against the schema first, so a
 * value it cannot encode is refused with the field named (`legs[0].id: a whole number is expected, not "q"`).
 */
export function encodeProto(value: unknown, doc: ProtoSchemaDoc | null | undefined, name: string): Uint8Array {
  const type = typeIn(doc, name)
  const problem = checkProtoValue(type, value)
  if (problem) throw new CodecError(`${name} cannot hold this value: ${problem}`)
  return writeMessage(type, prepareProtoValue(type, value as Record<string, unknown>))
}

/** The file name without its folders: imports name files by their path under an include root. */
function baseName(path: string): string {
  return path.replace(/^.*[\\/]/, '')
}

function asText(b: Uint8Array): string | null {
  try {
    const t = utf8.decode(b)
    // A descriptor set is binary: its first byte is field 1's tag (0x0a) and it carries control bytes.
    return hasControlBytes(t.slice(0, 4096)) ? null : t
  } catch {
    return null
  }
}

function hasControlBytes(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i)
    if (c < 0x09 || (c > 0x0d && c < 0x20)) return true
  }
  return false
}

/** FNV-1a over the text, as 8 hex digits: a cache key, not a security measure. */
function digest(s: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(16).padStart(8, '0') + s.length.toString(16)
}
