/** Between tabs and profiles: open a profile in a tab, save a tab as a profile. */
import type { Profile, SavedMessage } from '../../../shared/profiles'
import { useConnections, type ConnectionTab } from '../stores/connections'
import { useProfiles } from '../stores/profiles'
import { draftToOptions } from '../mappers/draft'
import { rowsProblem } from '../mappers/draftCheck'
import { optionsToDraft } from '../mappers/draftFromOptions'
import { useComposers } from '../stores/composers'
import { buildMessage } from '../lib/composer'

export function useProfileTabs() {
  const conns = useConnections()
  const profiles = useProfiles()
  const composers = useComposers()

  function open(p: Profile): ConnectionTab {
    const cur = conns.active
    // Reuse an untouched new tab rather than piling up empty ones.
    const reuse = cur && !cur.connId && !cur.profileId && !cur.readOnly && cur.log.end === 0
    const tab = reuse ? cur : conns.addTab()
    tab.draft = optionsToDraft(p.options)
    tab.profileId = p.id
    tab.title = p.name
    if (p.environmentId) profiles.setActiveEnvironment(p.environmentId)
    composers.of(tab.key).saved = p.savedMessages.map((s) => ({
      name: s.name,
      mode: s.message.kind === 'text' ? 'text' : 'binary',
      text: s.message.data
    }))
    return tab
  }

  function toProfile(tab: ConnectionTab, name: string, folder: string, asNew: boolean): Profile {
    const savedMessages: SavedMessage[] = []
    for (const s of composers.of(tab.key).saved) {
      const b = buildMessage({ mode: s.mode, text: s.text, binaryEncoding: 'hex' })
      if (b.ok) savedMessages.push({ name: s.name, message: b.message })
    }
    const existing = !asNew && tab.profileId ? profiles.profiles.find((p) => p.id === tab.profileId) : undefined
    return {
      id: existing?.id ?? crypto.randomUUID(),
      name,
      folder,
      options: draftToOptions(tab.draft),
      savedMessages,
      ...(profiles.activeEnvironmentId ? { environmentId: profiles.activeEnvironmentId } : {}),
      updatedAt: new Date().toISOString()
    }
  }

  async function save(tab: ConnectionTab, name: string, folder: string, asNew: boolean): Promise<void> {
    // A nameless row with a value would be refused by the host too, but numbered without the empty rows.
    const rows = rowsProblem(tab.draft, false)
    if (rows) throw new Error(rows)
    const p = toProfile(tab, name, folder, asNew)
    await profiles.save(p)
    tab.profileId = p.id
    tab.title = p.name
  }

  return { open, save }
}
