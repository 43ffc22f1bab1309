/**
 * Saved profiles as a scenario's `connect: { profile: Name }` finds them, for the command line (a data folder read
 * once) and the app (its live store) alike: an exact name first, else the one name that differs only in case.
 */
import type { ProfilesState } from '../shared/storeTypes'
import type { ProfileLookup } from './connectionOptions'

export function profilesLookup(where: string, load: () => ProfilesState): ProfileLookup & { state(): ProfilesState } {
  const byName = <T extends { name: string }>(items: T[], name: string): T | undefined => {
    const exact = items.find((i) => i.name === name)
    if (exact) return exact
    const loose = items.filter((i) => i.name.toLowerCase() === name.trim().toLowerCase())
    return loose.length === 1 ? loose[0] : undefined
  }
  return {
    where,
    state: load,
    names: () => load().profiles.map((p) => p.name),
    find(name) {
      const p = byName(load().profiles, name)
      // Secrets not held here (no keychain) are named, so the step can say which to give as {{variables}}.
      return p ? { options: p.options as unknown as Record<string, unknown>, missingSecrets: load().missingSecrets[p.id] ?? [] } : undefined
    }
  }
}
