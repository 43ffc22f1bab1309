/** What the data side (profiles, secrets, recordings, files) returns across the contract. */
import type { Environment, Profile, ProfilesDoc } from './profiles'
import type { SockEvent } from './events'
import type { ConnectionOptions } from './options'

export interface SecretsStatus {
  backend: 'os' | 'basic_text' | 'none'
  persisted: boolean
  /** One sentence for the user about where secrets live. */
  note: string
  /** Entries on disk that could not be decrypted (the user is asked for them again). */
  undecryptable: number
}

export interface ProfilesState {
  folders: string[]
  profiles: Profile[]
  environments: Environment[]
  settings: ProfilesDoc['settings']
  /** Per profile or environment id: secret paths with no value held (ask the user). */
  missingSecrets: Record<string, string[]>
  secrets: SecretsStatus
  /** Things the user must know: a quarantined file, a failed write. */
  problems: string[]
  file: string
}

export interface RecordingInfo {
  id: string
  url: string
  startedAt: string
  bytes: number
  /** True while the connection is still being recorded. */
  active: boolean
  /** Messages recorded (both directions) and the time from the first event to the last; absent when not known. */
  messages?: number
  durationMs?: number
  /** The connection's settings with secret values emptied, and how the user knows the emptied ones (issue 15). */
  options?: ConnectionOptions
  secrets?: string[]
  /** The profile the connection was opened from, by name, when it was. */
  profile?: string
}

/** Desktop: the main side wrote the file where the user chose in a dialog. Browser: the renderer downloads it. */
/** Where an export went: saved by a dialog, a download for the page (its text, or a one-time URL for big files), or nowhere. */
export type FileResult =
  | { saved: string }
  | { download: { name: string; mime: string; content: string } }
  | { download: { name: string; mime: string; url: string } }
  | { cancelled: true }

export interface ImportSummary {
  format: 'sockscope' | 'insomnia' | 'postman' | 'har' | 'ndjson'
  profiles: Profile[]
  environments: Environment[]
  /** Recordings written from the import (HAR entries), by id. */
  recordings: string[]
  /** Sessions to show read-only in the log. */
  sessions: Array<{ url: string; events: SockEvent[] }>
  notes: string[]
  /** The user cancelled the file dialog: nothing was read, and nothing needs saying. */
  cancelled?: true
}

export type ReplayTiming = { mode: 'original' } | { mode: 'interval'; ms: number }
