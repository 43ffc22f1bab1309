/**
 * The `electron` module as the built main bundle sees it in the desktop harness (tests/desktop/setup.ts mocks
 * `electron` with this file). Each export forwards to the launch that is running, so a relaunch in the same test
 * gets fresh objects. Only what is exported here exists: importing anything else fails in vitest's mock loader.
 */
import { currentLaunch } from './runtime'

function forward(name: string): unknown {
  const real = (): object => currentLaunch().exports[name] as object
  return new Proxy(function electronExport() {} as unknown as object, {
    get: (_t, key) => {
      const r = real()
      const v = Reflect.get(r, key) as unknown
      return typeof v === 'function' && key !== 'prototype' ? (v as (...a: unknown[]) => unknown).bind(r) : v
    },
    set: (_t, key, value) => Reflect.set(real(), key, value),
    has: (_t, key) => Reflect.has(real(), key),
    construct: (_t, args) => Reflect.construct(real() as new (...a: unknown[]) => object, args),
    apply: (_t, self, args) => Reflect.apply(real() as (...a: unknown[]) => unknown, self, args)
  })
}

export const app = forward('app')
export const BrowserWindow = forward('BrowserWindow')
export const ipcMain = forward('ipcMain')
export const dialog = forward('dialog')
export const Menu = forward('Menu')
export const session = forward('session')
export const protocol = forward('protocol')
export const net = forward('net')
export const safeStorage = forward('safeStorage')
export const shell = forward('shell')
export default { app, BrowserWindow, ipcMain, dialog, Menu, session, protocol, net, safeStorage, shell }
