/**
 * Every Electron object the harness hands the main bundle is wrapped here: reading a member the harness does not
 * implement throws with the API's name, so the harness cannot silently drift from what the app uses.
 */

/** Keys test tooling and module interop probe on any object; answering them is not using an API. */
const PROBES = new Set([
  'then',
  'toJSON',
  'constructor',
  'asymmetricMatch',
  '$$typeof',
  'nodeType',
  '__esModule',
  'inspect',
  'prototype',
  'length',
  'name'
])

export class NotImplementedError extends Error {
  constructor(api: string) {
    super(`desktop harness: electron ${api} is not implemented (add it to tests/desktop/electron, following Electron's docs)`)
    this.name = 'NotImplementedError'
  }
}

/**
 * Every use of an unimplemented API, also when the app swallowed the throw; the suites assert none. On globalThis:
 * a relaunch resets vitest's module registry, and every copy of this module must write to the one list.
 */
const MISSING = Symbol.for('sockscope.desktopHarness.missing')
export const missing: string[] = ((globalThis as Record<symbol, string[]>)[MISSING] ??= [])

export function strict<T extends object>(name: string, impl: T): T {
  return new Proxy(impl, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' || key in target || PROBES.has(key)) return Reflect.get(target, key, receiver) as unknown
      missing.push(`${name}.${key}`)
      throw new NotImplementedError(`${name}.${key}`)
    }
  })
}
