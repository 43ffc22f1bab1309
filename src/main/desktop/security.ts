/**
 * App-wide guards (Electron security checklist, https://www.electronjs.org/docs/latest/tutorial/security):
 * permissions and devices denied, no screen capture, no webviews, no foreign navigation, no new windows, and
 * external links only after the user confirms them.
 */
import { app, BrowserWindow, dialog, session, shell, type MessageBoxOptions, type WebContents } from 'electron'
import { describeLink, isOwnOrigin, linkOpener } from './externalLinks'

export function hardenSession(): void {
  const s = session.defaultSession
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  s.setPermissionCheckHandler(() => false)
  // WebHID, WebUSB and Web Serial: no device is ever granted, and a chooser is cancelled (an unhandled HID or USB
  // chooser event would otherwise pick a device for the page).
  s.setDevicePermissionHandler(() => false)
  s.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault()
    callback()
  })
  s.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault()
    callback()
  })
  s.on('select-serial-port', (event, _ports, _wc, callback) => {
    event.preventDefault()
    callback('')
  })
  // getDisplayMedia: refused. null is Electron's explicit denial (the page gets NotAllowedError).
  s.setDisplayMediaRequestHandler((_request, callback) => callback(null))
}

/** The confirmation before a link leaves the app: a native dialog over the window that asked, Cancel by default. */
export async function confirmWithDialog(url: string, contents: WebContents): Promise<boolean> {
  const { href, host } = describeLink(url)
  const opts: MessageBoxOptions = {
    type: 'question',
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
    title: 'Open link',
    message: `Open this link in your web browser?`,
    detail: `${href}\n\nSite: ${host}\n\nLinks can come from the messages you inspect. Open it only if you trust where it leads.`
  }
  const win = BrowserWindow.fromWebContents(contents)
  const r = win ? await dialog.showMessageBox(win, opts) : await dialog.showMessageBox(opts)
  return r.response === 0
}

export function guardWebContents(contents: WebContents, uiUrl: string): void {
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.on('will-navigate', (event, url) => {
    if (!isOwnOrigin(url, uiUrl)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isOwnOrigin(url, uiUrl)) event.preventDefault()
  })
  const openLink = linkOpener({ confirm: (url) => confirmWithDialog(url, contents), open: (url) => shell.openExternal(url) })
  contents.setWindowOpenHandler(({ url }) => {
    void openLink(url)
    return { action: 'deny' }
  })
}

export function installGuards(uiUrl: string): void {
  hardenSession()
  app.on('web-contents-created', (_e, contents) => guardWebContents(contents, uiUrl))
}
