/**
 * Lets a control outside the settings panel (the error banner's "Open TLS settings") open the panel of a tab at
 * a section and put the focus on one field, without a chain of refs through the app shell.
 */
import { shallowRef } from 'vue'

export const SETTINGS_SECTIONS = [
  'Headers',
  'Query',
  'Subprotocols',
  'Auth',
  'TLS',
  'Proxy',
  'Ping & reconnect',
  'Protocol',
  'Decoding',
  'Advanced'
] as const
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number]

export interface SettingsRequest {
  tabKey: string
  section: SettingsSection
  /** The id of the field to focus once the section shows. */
  field?: string
}

/** The latest request not yet taken up; the panel of that tab clears it once it has opened. */
export const settingsRequest = shallowRef<SettingsRequest | null>(null)

export function openSettingsAt(tabKey: string, section: SettingsSection, field?: string): void {
  settingsRequest.value = { tabKey, section, field }
}
