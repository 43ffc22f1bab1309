/** Saved profiles, folders, environments (active one per window) and recordings, as the main side holds them. */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { useSessionStorage } from '@vueuse/core'
import type { Environment, Profile } from '../../../shared/profiles'
import type { FileResult, ImportSummary, ProfilesState, RecordingInfo } from '../../../shared/storeTypes'
import { variableMap } from '../../../shared/variables'
import { getApi } from '../api'
import { downloadText, downloadUrl } from '../lib/exportLog'

export const useProfiles = defineStore('profiles', () => {
  const api = getApi()
  const state = shallowRef<ProfilesState | null>(null)
  const recordings = shallowRef<RecordingInfo[]>([])
  /** Chosen per window: sessionStorage is per tab/window in both modes. */
  const activeEnvironmentId = useSessionStorage('sockscope.activeEnvironment', '')
  const notice = ref<string | null>(null)
  /** An error notice stays until dismissed; others leave by themselves (useAutoDismiss). */
  const noticeIsError = ref(false)
  function tell(text: string, error = false): void {
    notice.value = text
    noticeIsError.value = error
  }
  const undo = shallowRef<{ label: string; run: () => Promise<void> } | null>(null)

  const profiles = computed(() => state.value?.profiles ?? [])
  const environments = computed(() => state.value?.environments ?? [])
  const activeEnvironment = computed(() => environments.value.find((e) => e.id === activeEnvironmentId.value) ?? null)
  const variables = computed(() => variableMap(activeEnvironment.value?.variables))
  /** The active environment's secret names: hints and titles show their values as a mask. */
  const secretVariables = computed<ReadonlySet<string>>(
    () => new Set((activeEnvironment.value?.variables ?? []).filter((v) => v.secret).map((v) => v.name))
  )

  async function refresh(): Promise<void> {
    try {
      state.value = await api.profilesState()
    } catch (e) {
      tell(`Profiles could not be loaded: ${(e as Error).message}`, true)
    }
  }

  function setActiveEnvironment(id: string): void {
    activeEnvironmentId.value = id
  }

  /**
   * Runs a change and shows the state after it whatever happened: a write that failed (full disk) is kept in
   * memory by main and listed among the problems, and the error still reaches the caller to show where it acted.
   */
  async function changing(run: () => Promise<unknown>): Promise<void> {
    try {
      await run()
    } finally {
      await refresh()
    }
  }

  async function save(p: Profile): Promise<void> {
    await changing(() => api.profileSave(p))
  }

  async function remove(p: Profile): Promise<void> {
    await changing(() => api.profileDelete(p.id))
    undo.value = { label: `Deleted profile “${p.name}”.`, run: () => save(p) }
  }

  async function duplicate(p: Profile): Promise<void> {
    await save({ ...structuredClone(p), id: crypto.randomUUID(), name: `${p.name} (copy)`, updatedAt: new Date().toISOString() })
  }

  async function saveEnvironment(e: Environment): Promise<void> {
    await changing(() => api.environmentSave(e))
  }

  async function removeEnvironment(e: Environment): Promise<void> {
    if (activeEnvironmentId.value === e.id) setActiveEnvironment('')
    await changing(() => api.environmentDelete(e.id))
    undo.value = { label: `Deleted environment “${e.name}”.`, run: () => saveEnvironment(e) }
  }

  async function runUndo(): Promise<void> {
    const u = undo.value
    undo.value = null
    await u?.run()
  }

  /** Saves in a native dialog (desktop) or downloads (browser mode). */
  function deliver(r: FileResult): void {
    if ('download' in r) {
      if ('url' in r.download) downloadUrl(r.download.url, r.download.name)
      else downloadText(r.download.name, r.download.content, r.download.mime)
    } else if ('saved' in r) tell(`Saved to ${r.saved}`)
  }

  async function exportProfiles(includeSecrets: boolean): Promise<void> {
    deliver(await api.exportProfiles(null, includeSecrets))
  }

  /** What an import does with a profile or environment whose name is taken but which differs (identical: skipped). */
  const onDuplicate = ref<'keep-both' | 'replace' | 'skip'>('keep-both')

  async function importFile(file: { name: string; content: string } | null): Promise<ImportSummary | null> {
    try {
      const r = await api.importFile(file, onDuplicate.value)
      if (r.cancelled) return r
      await refresh()
      await loadRecordings()
      tell(
        [
          `Imported ${r.profiles.length} profile(s)${r.recordings.length ? ` and ${r.recordings.length} recording(s)` : ''} (${r.format}).`,
          ...r.notes
        ].join(' ')
      )
      return r
    } catch (e) {
      tell(`Import failed: ${(e as Error).message}`, true)
      return null
    }
  }

  async function loadRecordings(): Promise<void> {
    recordings.value = await api.recordingsList()
  }

  /** `decoded`: NDJSON and HAR add each message's decoded form beside its raw bytes. */
  async function exportRecording(id: string, format: 'ndjson' | 'har' | 'csv', decoded = false): Promise<void> {
    deliver(await api.recordingExport(id, format, decoded))
  }

  async function provideSecrets(entries: Record<string, string>): Promise<void> {
    await api.secretsProvide(entries)
    await refresh()
  }

  async function setPersistInsecure(on: boolean): Promise<void> {
    await api.settingsSet({ persistInsecureSecrets: on })
    await refresh()
  }

  return {
    state,
    profiles,
    environments,
    recordings,
    activeEnvironmentId,
    activeEnvironment,
    variables,
    secretVariables,
    notice,
    noticeIsError,
    undo,
    refresh,
    setActiveEnvironment,
    save,
    remove,
    duplicate,
    saveEnvironment,
    removeEnvironment,
    runUndo,
    exportProfiles,
    importFile,
    loadRecordings,
    exportRecording,
    onDuplicate,
    provideSecrets,
    setPersistInsecure
  }
})
