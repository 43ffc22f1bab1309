/** Only http(s) links may leave the app, and only to the system browser. */
export function isSafeExternalUrl(raw: string): boolean {
  try {
    const u = new URL(raw)
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password
  } catch {
    return false
  }
}

/** True when `target` is the same origin as the UI (compared with a URL parser, never by prefix). */
export function isOwnOrigin(target: string, uiOrigin: string): boolean {
  try {
    return new URL(target).origin === new URL(uiOrigin).origin
  } catch {
    return false
  }
}
