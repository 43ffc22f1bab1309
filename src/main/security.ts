/** App-wide guards: permissions denied, no webviews, no foreign navigation, no new windows, safe external links. */
import { app, session, shell, type WebContents } from 'electron'
import { isOwnOrigin, isSafeExternalUrl } from './externalLinks'

export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
}

export function guardWebContents(contents: WebContents, uiUrl: string): void {
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.on('will-navigate', (event, url) => {
    if (!isOwnOrigin(url, uiUrl)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isOwnOrigin(url, uiUrl)) event.preventDefault()
  })
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
}

export function installGuards(uiUrl: string): void {
  hardenSession()
  app.on('web-contents-created', (_e, contents) => guardWebContents(contents, uiUrl))
}
