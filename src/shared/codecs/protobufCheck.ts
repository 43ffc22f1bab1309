/**
 * Before the composer sends a value as a Protobuf type: does the schema fit it? protobufjs's own `fromObject`
 * coerces quietly (a misspelt field is dropped, "abc" for a double becomes NaN), so each field is checked here and a
 * misfit is named by its path. The value is JSON as a user writes it, in the forms of the proto3 JSON mapping
 * (https://protobuf.dev/programming-guides/json/): 64-bit integers as numbers or decimal strings, bytes as base64
 * (or `{"$bytes": base64}` as "Copy decoded" writes them), enums by name or number, Timestamps as RFC 3339 text.
 */
import protobuf from 'protobufjs'

const INT32 = new Set(['int32', 'sint32', 'sfixed32'])
const UINT32 = new Set(['uint32', 'fixed32'])
const INT64 = new Set(['int64', 'sint64', 'sfixed64'])
const UINT64 = new Set(['uint64', 'fixed64'])
const TIMESTAMP = '.google.protobuf.Timestamp'

/** The first misfit as `path: what was expected`, or null when the value fits the type. */
export function checkProtoValue(type: protobuf.Type, value: unknown, path = ''): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return `${path || 'the message'}: an object is expected for ${type.name}, not ${shown(value)}`
  const fields = type.fields
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key
    const field = fields[key] ?? type.fieldsArray.find((f) => f.name === key || camel(f.name) === key)
    if (!field) return `${at}: ${type.name} has no field "${key}" (its fields: ${type.fieldsArray.map((f) => f.name).join(', ')})`
    if (v === null) continue
    if (field.map) {
      if (typeof v !== 'object' || Array.isArray(v)) return `${at}: an object (a map) is expected, not ${shown(v)}`
      for (const [k, x] of Object.entries(v as object)) {
        const bad = checkScalarKey((field as unknown as protobuf.MapField).keyType, k) ?? checkOne(field, x, `${at}.${k}`)
        if (bad) return bad.includes(': ') ? bad : `${at}.${k}: ${bad}`
      }
    } else if (field.repeated) {
      if (!Array.isArray(v)) return `${at}: a list is expected, not ${shown(v)}`
      for (let i = 0; i < v.length; i++) {
        const bad = checkOne(field, v[i], `${at}[${i}]`)
        if (bad) return bad
      }
    } else {
      const bad = checkOne(field, v, at)
      if (bad) return bad
    }
  }
  return null
}

function checkOne(field: protobuf.Field, v: unknown, at: string): string | null {
  const rt = field.resolvedType
  if (rt instanceof protobuf.Type) {
    if (rt.fullName === TIMESTAMP && typeof v === 'string')
      return isNaN(Date.parse(v)) ? `${at}: an RFC 3339 time is expected, not ${shown(v)}` : null
    return checkProtoValue(rt, v, at)
  }
  if (rt instanceof protobuf.Enum) {
    if (typeof v === 'string' && v in rt.values) return null
    if (typeof v === 'number' && Number.isInteger(v)) return null
    return `${at}: one of ${Object.keys(rt.values).join(', ')} is expected, not ${shown(v)}`
  }
  const bad = checkScalar(field.type, v)
  return bad && `${at}: ${bad}`
}

function checkScalarKey(keyType: string | undefined, k: string): string | null {
  if (!keyType || keyType === 'string') return null
  if (keyType === 'bool') return k === 'true' || k === 'false' ? null : `the key "${k}" is not true or false`
  return /^-?\d+$/.test(k) ? checkScalar(keyType, k) && `the key "${k}" is not a ${keyType}` : `the key "${k}" is not a whole number`
}

function checkScalar(type: string, v: unknown): string | null {
  if (type === 'string') return typeof v === 'string' ? null : `text is expected, not ${shown(v)}`
  if (type === 'bool') return typeof v === 'boolean' ? null : `true or false is expected, not ${shown(v)}`
  if (type === 'bytes') {
    const b64 = typeof v === 'string' ? v : isBytesObject(v) ? v.$bytes : null
    if (b64 !== null) return /^[A-Za-z0-9+/_-]*={0,2}$/.test(b64) ? null : `base64 is expected, not ${shown(v)}`
    return Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0 && x < 256)
      ? null
      : `bytes (base64 text) are expected, not ${shown(v)}`
  }
  if (type === 'double' || type === 'float')
    return typeof v === 'number' || v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? null : `a number is expected, not ${shown(v)}`
  const n = typeof v === 'number' ? (Number.isInteger(v) ? BigInt(v) : null) : typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : null
  if (n === null) return `a whole number is expected, not ${shown(v)}`
  const [lo, hi] = INT32.has(type)
    ? [-(2n ** 31n), 2n ** 31n - 1n]
    : UINT32.has(type)
      ? [0n, 2n ** 32n - 1n]
      : INT64.has(type)
        ? [-(2n ** 63n), 2n ** 63n - 1n]
        : UINT64.has(type)
          ? [0n, 2n ** 64n - 1n]
          : [null, null]
  if (lo === null || hi === null) return `the field's type ${type} is not known`
  return n < lo || n > hi ? `${v} does not fit a ${type} (${lo} to ${hi})` : null
}

/** The value in the forms protobufjs's `fromObject` reads: Timestamps from RFC 3339 text, bytes from `{"$bytes"}`. */
export function prepareProtoValue(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key] ?? type.fieldsArray.find((f) => camel(f.name) === key)
    if (!field || v === null) continue
    const one = (x: unknown): unknown => {
      const rt = field.resolvedType
      if (rt instanceof protobuf.Type) {
        if (rt.fullName === TIMESTAMP && typeof x === 'string') {
          const ms = Date.parse(x)
          const nanos = /\.(\d{1,9})/.exec(x)
          return { seconds: Math.floor(ms / 1000), nanos: nanos ? Number(nanos[1].padEnd(9, '0')) : 0 }
        }
        return prepareProtoValue(rt, x as Record<string, unknown>)
      }
      if (field.type === 'bytes' && isBytesObject(x)) return x.$bytes
      if (field.type === 'bytes' && typeof x === 'string') return x.replace(/-/g, '+').replace(/_/g, '/')
      return x
    }
    out[field.name] = field.map
      ? Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, one(x)]))
      : field.repeated
        ? (v as unknown[]).map(one)
        : one(v)
  }
  return out
}

function isBytesObject(v: unknown): v is { $bytes: string } {
  return typeof v === 'object' && v !== null && typeof (v as { $bytes?: unknown }).$bytes === 'string'
}

const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

function shown(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'an object'
  const t = JSON.stringify(v) ?? String(v)
  return t.length > 40 ? `${t.slice(0, 39)}…` : t
}
