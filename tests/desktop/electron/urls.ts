/**
 * Chromium without Electron knows no custom schemes, so a page cannot load from app://. The harness gives each
 * privileged scheme a stand-in https origin (standard and secure, the privileges the app registers) and translates
 * at the edges: the page loads https://<host>.<scheme>.scheme.invalid/…, and everything the main bundle sees
 * (frame URLs, navigation targets, protocol requests) carries the app://<host>/… URL again.
 */
const SUFFIX = '.scheme.invalid'

export function toPageUrl(url: string, schemes: readonly string[]): string {
  const u = new URL(url)
  const scheme = u.protocol.slice(0, -1)
  if (!schemes.includes(scheme)) return url
  return `https://${u.host}.${scheme}${SUFFIX}${u.pathname}${u.search}${u.hash}`
}

/** The app:// URL behind a stand-in URL, or the URL itself when it is not one. */
export function toAppUrl(url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return url
  }
  if (u.protocol !== 'https:' || !u.hostname.endsWith(SUFFIX)) return url
  const labels = u.hostname.slice(0, -SUFFIX.length).split('.')
  const scheme = labels.pop()!
  return `${scheme}://${labels.join('.')}${u.pathname}${u.search}${u.hash}`
}

export function isStandIn(url: string): boolean {
  return toAppUrl(url) !== url
}
