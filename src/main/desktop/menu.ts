/** The application menu: standard roles (so copy/paste work on macOS) plus the shortcuts listed in the README. */
import type { MenuItemConstructorOptions } from 'electron'

/**
 * `send` passes a command to the focused window's page; `newWindow` opens another window, which is its own
 * session (its own connections, events only to it).
 */
export function menuTemplate(isMac: boolean, send: (command: string) => void, newWindow: () => void): MenuItemConstructorOptions[] {
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Connection', accelerator: 'CmdOrCtrl+T', click: () => send('new-connection') },
        { label: 'New Window', accelerator: 'CmdOrCtrl+Shift+N', click: () => newWindow() },
        { label: 'Close Connection Tab', accelerator: 'CmdOrCtrl+W', click: () => send('close-tab') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    {
      label: 'Connection',
      submenu: [
        { label: 'Connect / Disconnect', accelerator: 'CmdOrCtrl+Shift+C', click: () => send('toggle-connection') },
        { label: 'Focus Message Filter', accelerator: 'CmdOrCtrl+F', click: () => send('focus-filter') },
        { label: 'Clear Log', accelerator: 'CmdOrCtrl+K', click: () => send('clear-log') }
      ]
    },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Keyboard Shortcuts', accelerator: 'F1', click: () => send('help') }] }
  ]
}
