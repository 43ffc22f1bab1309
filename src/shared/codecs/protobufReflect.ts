/**
 * Protobuf messages read and written by walking protobufjs's reflection (its Type, Field and Enum objects) over its
 * Reader and Writer. protobufjs's own `decode`/`encode`/`toObject` compile a function per type with `new Function`,
 * which the app's Content Security Policy (script-src 'self', no 'unsafe-eval') refuses in the page and its workers;
 * this walk needs no code generation. Wire format: https://protobuf.dev/programming-guides/encoding/ — a record is
 * a varint tag `(field << 3) | wire type`, then the value; packed repeated scalars are one LEN record, and a reader
 * accepts packed and unpacked alike ("Packed Repeated Fields").
 */
import protobuf from 'protobufjs'

const MAX_DEPTH = 64
/** protobufjs's tables by type name: wire types, packable types, 64-bit types, defaults. */
const BASIC = protobuf.types.basic as Record<string, number | undefined>
const PACKED = protobuf.types.packed as Record<string, number | undefined>
const LONG = protobuf.types.long as Record<string, number | undefined>
const DEFAULTS = protobuf.types.defaults as Record<string, unknown>
const TIMESTAMP = '.google.protobuf.Timestamp'
const LEN = 2

export interface ReadOptions {
  /** Enums by name (the tree) or by number (descriptor sets). */
  enumNames: boolean
  /** Fields absent from the wire given their default, as the receiving code sees them (not oneof members). */
  defaults: boolean
  /** `google.protobuf.Timestamp` as a Date. */
  timestamps: boolean
}

type Obj = Record<string, unknown>

export function readMessage(type: protobuf.Type, bytes: Uint8Array, opts: ReadOptions): Obj {
  const r = protobuf.Reader.create(bytes)
  return message(type, r, bytes.length, opts, 0, null)
}

/** Reads fields until `end`, or (a group, `group` set) until the END_GROUP tag of that field. */
function message(type: protobuf.Type, r: protobuf.Reader, end: number, o: ReadOptions, depth: number, group: number | null): Obj {
  if (depth > MAX_DEPTH) throw new Error(`messages nest deeper than ${MAX_DEPTH} levels`)
  const out: Obj = {}
  while (r.pos < end) {
    const tag = r.uint32()
    const id = tag >>> 3
    const wire = tag & 7
    if (wire === 4) {
      if (id === group) return withDefaults(type, out, o)
      throw new Error(`an END_GROUP for field ${id} at offset ${r.pos} closes no group`)
    }
    const field = type.fieldsById[id]
    if (!field) {
      r.skipType(wire)
      continue
    }
    if (field.map) {
      const entries = (out[field.name] ??= {}) as Obj
      const [k, v] = mapEntry(field as unknown as protobuf.MapField, r, o, depth)
      entries[String(k)] = v
    } else if (field.repeated) {
      const list = (out[field.name] ??= []) as unknown[]
      if (wire === LEN && PACKED[field.type] !== undefined) {
        const stop = r.uint32() + r.pos
        while (r.pos < stop) list.push(value(field, r, o, depth))
      } else list.push(value(field, r, o, depth, wire))
    } else out[field.name] = value(field, r, o, depth, wire)
  }
  if (group !== null) throw new Error(`the group of field ${group} is not closed before the end`)
  return withDefaults(type, out, o)
}

function value(field: protobuf.Field, r: protobuf.Reader, o: ReadOptions, depth: number, wire = -1): unknown {
  const rt = field.resolvedType
  if (rt instanceof protobuf.Type) {
    const v = wire === 3 ? message(rt, r, Infinity, o, depth + 1, field.id) : message(rt, r, r.uint32() + r.pos, o, depth + 1, null)
    return o.timestamps && isTimestamp(rt) ? timestampDate(v) : v
  }
  if (rt instanceof protobuf.Enum) {
    const n = r.int32()
    return o.enumNames ? (rt.valuesById[n] ?? n) : n
  }
  return scalar(field.type, r)
}

function scalar(type: string, r: protobuf.Reader): unknown {
  const read = (r as unknown as Record<string, () => unknown>)[type]
  if (typeof read !== 'function' || BASIC[type] === undefined) throw new Error(`the field type ${type} is not known`)
  const v = read.call(r)
  // Node's Reader gives bytes as a Buffer: a plain Uint8Array, as in the page.
  if (v instanceof Uint8Array && v.constructor !== Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
  if (LONG[type] === undefined) return v
  return exactInteger(v as protobuf.Long | number, type.startsWith('u') || type === 'fixed64')
}

/** A 64-bit integer from protobufjs's Long: a number when a double holds it exactly, else a bigint. */
function exactInteger(v: protobuf.Long | number, unsigned: boolean): number | bigint {
  if (typeof v === 'number') return v
  const raw = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0)
  const big = unsigned ? BigInt.asUintN(64, raw) : BigInt.asIntN(64, raw)
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big
}

/** A map entry is a message with the key as field 1 and the value as field 2 ("Maps" in the encoding guide). */
function mapEntry(field: protobuf.MapField, r: protobuf.Reader, o: ReadOptions, depth: number): [unknown, unknown] {
  const stop = r.uint32() + r.pos
  let key: unknown = DEFAULTS[field.keyType] ?? ''
  let val: unknown = undefined
  while (r.pos < stop) {
    const tag = r.uint32()
    if (tag >>> 3 === 1) key = scalar(field.keyType, r)
    else if (tag >>> 3 === 2) val = value(field as unknown as protobuf.Field, r, o, depth, tag & 7)
    else r.skipType(tag & 7)
  }
  return [key, val === undefined ? defaultOf(field as unknown as protobuf.Field, o) : val]
}

function withDefaults(type: protobuf.Type, out: Obj, o: ReadOptions): Obj {
  if (!o.defaults) return out
  for (const f of type.fieldsArray) if (!(f.name in out) && !f.partOf) out[f.name] = f.map ? {} : f.repeated ? [] : defaultOf(f, o)
  return out
}

function defaultOf(f: protobuf.Field, o: ReadOptions): unknown {
  const rt = f.resolvedType
  if (rt instanceof protobuf.Type) return null
  if (rt instanceof protobuf.Enum) {
    const n = typeof f.typeDefault === 'number' ? f.typeDefault : 0
    return o.enumNames ? (rt.valuesById[n] ?? n) : n
  }
  if (f.type === 'bytes') return new Uint8Array(0)
  if (LONG[f.type] !== undefined) return 0
  return DEFAULTS[f.type] ?? null
}

/** protobufjs builds `fullName` on every read: asked once per type. */
const timestampTypes = new WeakMap<protobuf.Type, boolean>()
function isTimestamp(t: protobuf.Type): boolean {
  let yes = timestampTypes.get(t)
  if (yes === undefined) timestampTypes.set(t, (yes = t.fullName === TIMESTAMP))
  return yes
}

function timestampDate(t: Obj): Date {
  const seconds = typeof t.seconds === 'bigint' ? Number(t.seconds) : Number(t.seconds ?? 0)
  return new Date(seconds * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6))
}

/**
 * Writes a value already checked against the type (protobufCheck.ts) and in protobufjs's input forms: 64-bit
 * integers as numbers or decimal text, bytes as base64 text, enums by name or number, Timestamps as {seconds, nanos}.
 */
export function writeMessage(type: protobuf.Type, value: Obj): Uint8Array {
  const w = protobuf.Writer.create()
  write(type, value, w, 0)
  return w.finish()
}

function write(type: protobuf.Type, value: Obj, w: protobuf.Writer, depth: number): void {
  if (depth > MAX_DEPTH) throw new Error(`messages nest deeper than ${MAX_DEPTH} levels`)
  for (const f of type.fieldsArray) {
    const v = value[f.name]
    if (v === undefined || v === null) continue
    if (f.map) {
      const mf = f as unknown as protobuf.MapField
      for (const [k, x] of Object.entries(v as Obj)) {
        w.uint32((f.id << 3) | LEN).fork()
        writeScalar(w, mf.keyType, 1, mapKey(mf.keyType, k))
        writeOne(f, 2, x, w, depth)
        w.ldelim()
      }
    } else if (f.repeated) {
      const list = v as unknown[]
      if (f.packed && PACKED[f.type] !== undefined && !(f.resolvedType instanceof protobuf.Type)) {
        if (!list.length) continue
        w.uint32((f.id << 3) | LEN).fork()
        for (const x of list) rawScalar(w, f, x)
        w.ldelim()
      } else for (const x of list) writeOne(f, f.id, x, w, depth)
    } else writeOne(f, f.id, v, w, depth)
  }
}

function writeOne(f: protobuf.Field, id: number, v: unknown, w: protobuf.Writer, depth: number): void {
  const rt = f.resolvedType
  if (rt instanceof protobuf.Type) {
    w.uint32((id << 3) | LEN).fork()
    write(rt, v as Obj, w, depth + 1)
    w.ldelim()
  } else if (rt instanceof protobuf.Enum) w.uint32(id << 3).int32(enumNumber(rt, v))
  else writeScalar(w, f.type, id, v)
}

function writeScalar(w: protobuf.Writer, type: string, id: number, v: unknown): void {
  w.uint32((id << 3) | (BASIC[type] ?? 0))
  rawValue(w, type, v)
}

/** A packed element: an enum's number or a scalar, without a tag. */
function rawScalar(w: protobuf.Writer, f: protobuf.Field, v: unknown): void {
  if (f.resolvedType instanceof protobuf.Enum) w.int32(enumNumber(f.resolvedType, v))
  else rawValue(w, f.type, v)
}

function rawValue(w: protobuf.Writer, type: string, v: unknown): void {
  let x: unknown = v
  if (type === 'double' || type === 'float') x = Number(v)
  else if (type === 'bytes' && Array.isArray(v)) x = new Uint8Array(v as number[])
  else if (LONG[type] !== undefined) x = typeof v === 'bigint' ? v.toString() : v
  ;(w as unknown as Record<string, (x: unknown) => unknown>)[type](x)
}

function enumNumber(e: protobuf.Enum, v: unknown): number {
  return typeof v === 'number' ? v : (e.values[String(v)] ?? 0)
}

function mapKey(type: string, k: string): unknown {
  if (type === 'bool') return k === 'true'
  if (type === 'string') return k
  return LONG[type] !== undefined ? k : Number(k)
}
