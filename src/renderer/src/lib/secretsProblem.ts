/** Why a profile must not connect yet: secrets it needs are not held here (browser mode, a refused keychain). */
import type { ConnectionOptions } from '../../../shared/options'
import type { Profile } from '../../../shared/profiles'
import { secretLabel, unfilledSecrets } from '../../../shared/secrets'

export function unheldSecretsProblem(
  profile: Profile | undefined,
  missingByProfile: Record<string, string[]>,
  options: ConnectionOptions
): string | null {
  const missing = profile ? unfilledSecrets(options, missingByProfile[profile.id] ?? []) : []
  if (!profile || !missing.length) return null
  const names = missing.map((path) => secretLabel(profile, path))
  return `Not connected: this profile's secrets are not held here (${names.join(', ')}). Enter them above, or in the settings, then connect.`
}
