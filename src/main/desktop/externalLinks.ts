/** Links from the page leave the app only to the system browser, and only once the user said yes. */
import { isSafeExternalUrl } from '../../shared/urls'

export { isOwnOrigin, isSafeExternalUrl } from '../../shared/urls'

/** What the confirmation shows: the parsed URL (an IDN host in its punycode form, so a look-alike name shows), bounded. */
export function describeLink(raw: string): { href: string; host: string } {
  const u = new URL(raw)
  const href = u.href.length > 500 ? `${u.href.slice(0, 500)}…` : u.href
  return { href, host: u.host }
}

export interface LinkOpener {
  /** Asks the user; resolves true to open. */
  confirm(url: string): Promise<boolean>
  open(url: string): Promise<void>
}

/**
 * A link from the page (which shows untrusted payloads) goes to the system browser only if it is http(s) without
 * credentials and the user confirms it. One question at a time per opener: a burst of requests is not a burst of
 * dialogs. Never rejects: a failure here must not reach the main process as an unhandled rejection.
 */
export function linkOpener(deps: LinkOpener): (url: string) => Promise<boolean> {
  let asking = false
  return async (url) => {
    if (!isSafeExternalUrl(url) || asking) return false
    asking = true
    try {
      if (!(await deps.confirm(url))) return false
      await deps.open(url)
      return true
    } catch {
      return false
    } finally {
      asking = false
    }
  }
}
