/*
 * The renderer side of the desktop harness, run in each window's page before any of its scripts (an init script,
 * so the page's CSP does not apply to it, as it does not apply to Electron's preload). It stands in for what
 * Electron gives a sandboxed preload: `require('electron')` with `ipcRenderer` and `contextBridge`, nothing else,
 * then runs the built preload bundle. The config and the preload source are filled in by electron/pageHost.ts.
 */
/* global __HARNESS_CONFIG__ */
;(function (cfg) {
  'use strict'
  // Preloads run in the top frame only (webPreferences.nodeIntegrationInSubFrames is false).
  if (window !== window.top) return
  const codec = globalThis.__sockscopeHarnessCodec
  delete globalThis.__sockscopeHarnessCodec
  const call = (msg) => window[cfg.binding](msg)
  const notImplemented = (what) => {
    throw new Error('desktop harness: ' + what + ' is not implemented in the page (add it to tests/desktop/page/inPage.js)')
  }
  const strict = (name, impl) =>
    new Proxy(impl, {
      get(target, key) {
        if (typeof key === 'symbol' || key in target) return target[key]
        return notImplemented(name + '.' + String(key))
      }
    })

  // Arguments are structured clones (https://www.electronjs.org/docs/latest/api/ipc-renderer#ipcrenderersendchannel-args):
  // a function, a DOM node or a Proxy fails here with Electron's own message.
  function cloneArgs(args) {
    try {
      return codec.encode(structuredClone(args))
    } catch {
      throw new Error('An object could not be cloned.')
    }
  }

  const listeners = new Map()
  const ipcRenderer = strict('ipcRenderer', {
    // https://www.electronjs.org/docs/latest/api/ipc-renderer#ipcrendererinvokechannel-args: an error thrown by the
    // main handler arrives as a new Error carrying only its message, prefixed as Electron prefixes it.
    invoke(channel, ...args) {
      let payload
      try {
        payload = cloneArgs(args)
      } catch (err) {
        return Promise.reject(err)
      }
      return call({ t: 'invoke', channel, args: payload }).then((r) => {
        if (r.error !== undefined) throw new Error("Error invoking remote method '" + channel + "': " + r.error)
        return codec.decode(r.result)[0]
      })
    },
    send(channel, ...args) {
      void call({ t: 'send', channel, args: cloneArgs(args) })
    },
    on(channel, fn) {
      listeners.set(channel, [...(listeners.get(channel) || []), fn])
      return ipcRenderer
    },
    once(channel, fn) {
      const wrapped = (...a) => {
        ipcRenderer.removeListener(channel, wrapped)
        fn(...a)
      }
      return ipcRenderer.on(channel, wrapped)
    },
    removeListener(channel, fn) {
      const list = listeners.get(channel) || []
      const i = list.indexOf(fn)
      if (i >= 0) listeners.set(channel, [...list.slice(0, i), ...list.slice(i + 1)])
      return ipcRenderer
    },
    off(channel, fn) {
      return ipcRenderer.removeListener(channel, fn)
    },
    removeAllListeners(channel) {
      if (channel === undefined) listeners.clear()
      else listeners.delete(channel)
      return ipcRenderer
    }
  })

  // Main → page messages (webContents.send), in the order main sent them.
  Object.defineProperty(window, cfg.deliver, {
    value(messages) {
      for (const m of messages) {
        const args = codec.decode(m.args)
        const event = { sender: ipcRenderer, senderId: 0, ports: [] }
        for (const fn of listeners.get(m.channel) || []) {
          try {
            fn(event, ...args)
          } catch (err) {
            reportError(err)
          }
        }
      }
    }
  })

  // contextBridge copies values between the preload's world and the page's
  // (https://www.electronjs.org/docs/latest/api/context-bridge#parameter--error--return-type-support): functions are
  // proxied, promises proxied, errors copied with their message only, objects copied key by key without their
  // prototype (so a class instance loses its methods), everything else structured-cloned.
  function copy(v) {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
      if (typeof v === 'symbol') throw new Error('An object could not be cloned.')
      return v
    }
    if (typeof v === 'function') return (...args) => copy(v(...args.map(copy)))
    if (v instanceof Promise) return v.then(copy, (e) => Promise.reject(copy(e)))
    if (v instanceof Error) return new Error(v.message)
    if (Array.isArray(v)) return v.map(copy)
    if (Object.prototype.toString.call(v) === '[object Object]') {
      const out = {}
      for (const k of Object.keys(v)) out[k] = copy(v[k])
      return out
    }
    try {
      return structuredClone(v)
    } catch {
      throw new Error('An object could not be cloned.')
    }
  }
  const contextBridge = strict('contextBridge', {
    exposeInMainWorld(key, api) {
      if (key in window) throw new Error('Cannot bind an API on top of an existing property on the window object')
      Object.defineProperty(window, key, { value: copy(api), enumerable: true })
    }
  })

  // The session's permission handlers decide, as Electron's do, for the requests a page can make.
  const ask = (permission) => call({ t: 'permission', permission })
  const denied = () => new DOMException('Permission denied', 'NotAllowedError')
  if (navigator.mediaDevices) {
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices)
    navigator.mediaDevices.getUserMedia = async (c) => ((await ask('media')) ? gum(c) : Promise.reject(denied()))
    const gdm = navigator.mediaDevices.getDisplayMedia?.bind(navigator.mediaDevices)
    navigator.mediaDevices.getDisplayMedia = async (c) => ((await call({ t: 'displayMedia' })) && gdm ? gdm(c) : Promise.reject(denied()))
  }
  if (window.Notification) {
    const request = Notification.requestPermission.bind(Notification)
    Notification.requestPermission = async () => ((await ask('notifications')) ? request() : 'denied')
  }
  if (navigator.geolocation) {
    const get = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation)
    navigator.geolocation.getCurrentPosition = (ok, fail, o) =>
      void ask('geolocation').then((yes) => (yes ? get(ok, fail, o) : fail && fail({ code: 1, message: 'User denied Geolocation' })))
  }

  const electron = strict('electron', { ipcRenderer, contextBridge })
  const require = (name) => {
    if (name === 'electron') return electron
    throw new Error('module not found: ' + name + ' (a sandboxed preload can require only electron here)')
  }
  const module = { exports: {} }
  const process = strict('process', {})
  // The preload bundle is pasted in place of the marker below (a CommonJS body that uses these four names).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  ;(function (require, module, exports, process) {
    // eslint-disable-next-line no-undef, @typescript-eslint/no-unused-expressions
    __PRELOAD__
  })(require, module, module.exports, process)
})(__HARNESS_CONFIG__)
