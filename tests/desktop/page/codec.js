/*
 * The harness's wire codec between the Node side and the Chromium page. Values that cross Electron IPC are
 * structured clones (https://www.electronjs.org/docs/latest/tutorial/ipc#object-serialization); the crossing
 * between Node and the page here goes through Playwright as JSON, so each clone is encoded into a JSON tree that
 * keeps what the clone keeps (typed arrays, Map, Set, Date, RegExp, BigInt, -0, NaN, undefined, errors, shared
 * references) and decoded on the other side. One file, evaluated in the page and in Node, so both sides agree.
 */
;(function (root) {
  'use strict'
  const TYPED = [
    'Int8Array',
    'Uint8Array',
    'Uint8ClampedArray',
    'Int16Array',
    'Uint16Array',
    'Int32Array',
    'Uint32Array',
    'Float32Array',
    'Float64Array',
    'BigInt64Array',
    'BigUint64Array',
    'DataView'
  ]

  function toBase64(bytes) {
    let s = ''
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000))
    return btoa(s)
  }
  function fromBase64(b64) {
    const s = atob(b64)
    const out = new Uint8Array(s.length)
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
    return out
  }
  function viewName(v) {
    // A Node Buffer is a Uint8Array subclass: it arrives as a Uint8Array, as it does over Electron IPC.
    if (v instanceof DataView) return 'DataView'
    for (const name of TYPED) if (name !== 'DataView' && v instanceof root[name]) return name
    throw new Error('An object could not be cloned.')
  }

  function encode(value) {
    const seen = new Map()
    function enc(v) {
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return v
      if (typeof v === 'number') {
        if (Number.isNaN(v) || !Number.isFinite(v) || Object.is(v, -0)) return { $: 'num', v: Object.is(v, -0) ? '-0' : String(v) }
        return v
      }
      if (v === undefined) return { $: 'undef' }
      if (typeof v === 'bigint') return { $: 'big', v: v.toString() }
      if (typeof v !== 'object') throw new Error('An object could not be cloned.')
      if (seen.has(v)) return { $: 'ref', i: seen.get(v) }
      const id = seen.size
      seen.set(v, id)
      if (v instanceof Date) return { $: 'date', i: id, v: v.getTime() }
      if (v instanceof RegExp) return { $: 're', i: id, s: v.source, f: v.flags }
      if (v instanceof ArrayBuffer) return { $: 'ab', i: id, b: toBase64(new Uint8Array(v)) }
      if (ArrayBuffer.isView(v))
        return { $: 'view', i: id, t: viewName(v), b: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) }
      if (v instanceof Map) return { $: 'map', i: id, e: [...v].map(([k, x]) => [enc(k), enc(x)]) }
      if (v instanceof Set) return { $: 'set', i: id, e: [...v].map(enc) }
      if (v instanceof Error) return { $: 'err', i: id, n: v.name, m: v.message, s: v.stack }
      if (Array.isArray(v)) return { $: 'arr', i: id, e: v.map(enc) }
      const o = {}
      for (const k of Object.keys(v)) o[k] = enc(v[k])
      return { $: 'obj', i: id, e: o }
    }
    return enc(value)
  }

  function decode(tree) {
    const refs = []
    function dec(t) {
      if (t === null || typeof t !== 'object') return t
      switch (t.$) {
        case 'num':
          return t.v === '-0' ? -0 : Number(t.v)
        case 'undef':
          return undefined
        case 'big':
          return BigInt(t.v)
        case 'ref':
          return refs[t.i]
        case 'date':
          return (refs[t.i] = new Date(t.v))
        case 're':
          return (refs[t.i] = new RegExp(t.s, t.f))
        case 'ab':
          return (refs[t.i] = fromBase64(t.b).buffer)
        case 'view': {
          const bytes = fromBase64(t.b)
          const Ctor = root[t.t]
          const per = Ctor.BYTES_PER_ELEMENT || 1
          return (refs[t.i] = t.t === 'DataView' ? new DataView(bytes.buffer) : new Ctor(bytes.buffer, 0, bytes.byteLength / per))
        }
        case 'map': {
          const m = (refs[t.i] = new Map())
          for (const [k, x] of t.e) m.set(dec(k), dec(x))
          return m
        }
        case 'set': {
          const s = (refs[t.i] = new Set())
          for (const x of t.e) s.add(dec(x))
          return s
        }
        case 'err': {
          const Ctor = typeof root[t.n] === 'function' && root[t.n].prototype instanceof Error ? root[t.n] : Error
          const e = (refs[t.i] = new Ctor(t.m))
          if (t.s !== undefined) e.stack = t.s
          return e
        }
        case 'arr': {
          const a = (refs[t.i] = [])
          for (const x of t.e) a.push(dec(x))
          return a
        }
        case 'obj': {
          const o = (refs[t.i] = {})
          for (const k of Object.keys(t.e)) o[k] = dec(t.e[k])
          return o
        }
        default:
          throw new Error('desktop harness: unknown codec tag ' + String(t.$))
      }
    }
    return dec(tree)
  }

  root.__sockscopeHarnessCodec = { encode: encode, decode: decode }
})(globalThis)
