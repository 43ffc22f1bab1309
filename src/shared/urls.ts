/**
 * URL decisions both Electron rooms make (the IPC sender check and the navigation guards), and the rule for
 * links that may leave the app. Pure: compared with a URL parser, never by prefix.
 */
/** Only http(s) links without credentials may leave the app (to the system browser, once the user said yes). */
export function isSafeExternalUrl(raw: string): boolean {
  try {
    const u = new URL(raw)
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password
  } catch {
    return false
  }
}

/**
 * True when `target` has the UI's scheme, host and port (compared with a URL parser, never by prefix).
 * Not URL.origin: for a custom scheme such as app:// it is the opaque "null", which would match anything.
 */
export function isOwnOrigin(target: string, uiUrl: string): boolean {
  try {
    const a = new URL(target)
    const b = new URL(uiUrl)
    return a.protocol === b.protocol && a.host === b.host && a.host !== ''
  } catch {
    return false
  }
}
