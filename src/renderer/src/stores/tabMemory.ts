/**
 * A window's tabs across a reload: the page keeps sending the host what its tabs hold (debounced), and on start
 * it gets them back with `sync`. The host keeps them in memory for that window only (drafts may hold secrets).
 */
import { toRaw } from 'vue'
import type { SavedTab } from '../../../shared/tabs'
import { useComposers } from './composers'
import { newDraft, type Draft } from '../mappers/draft'
import type { ConnectionTab } from './connectionTab'

const SAVE_DELAY_MS = 400

export function snapshotTabs(tabs: ConnectionTab[], activeKey: string | null): SavedTab[] {
  const composers = useComposers()
  return tabs.map((t) => ({
    connId: t.readOnly ? null : t.connId,
    // Plain data for the transport: the draft is reactive.
    draft: JSON.parse(JSON.stringify(toRaw(t.draft))) as Record<string, unknown>,
    composer: composers.snapshot(t.key),
    profileId: t.profileId,
    title: t.title,
    recordingId: t.readOnly ? t.recordingId : null,
    active: t.key === activeKey
  }))
}

/** Puts a saved tab's settings, composer and links into a fresh tab (the connection is wired by the caller). */
export function restoreTab(tab: ConnectionTab, saved: SavedTab): void {
  const draft = newDraft() as unknown as Record<string, unknown>
  for (const [k, v] of Object.entries(saved.draft)) if (k in draft || k === 'base') draft[k] = v
  tab.draft = draft as unknown as Draft
  tab.profileId = saved.profileId
  tab.title = saved.title
  tab.recordingId = saved.recordingId
  tab.readOnly = saved.recordingId !== null
  useComposers().restore(tab.key, saved.composer)
}

/** Calls `save` with the latest snapshot at most every few hundred milliseconds. */
export function debouncedSaver(save: (tabs: SavedTab[]) => Promise<unknown>): (tabs: SavedTab[]) => void {
  let timer: ReturnType<typeof setTimeout> | null = null
  let latest: SavedTab[] = []
  return (tabs) => {
    latest = tabs
    if (timer) return
    timer = setTimeout(() => {
      timer = null
      void save(latest).catch(() => undefined) // the host is away: the next change or re-attach saves again
    }, SAVE_DELAY_MS)
  }
}
