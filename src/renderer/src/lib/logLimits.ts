/**
 * The message log's two limits as a setting: how many rows a tab keeps, and how many payload bytes it holds in
 * memory. Kept in this origin's localStorage (a display preference, nothing secret): a new tab, and every tab
 * after a reload, starts with what was last chosen. Browser mode on a random port is a new origin each run, so
 * there it lasts as long as the host.
 */
export const MIB = 1024 * 1024
export const CAP_CHOICES = [1000, 10_000, 100_000, 500_000, 1_000_000]
export const BUDGET_CHOICES = [16, 64, 256, 512, 1024, 2048].map((m) => m * MIB)
export const DEFAULT_CAP = 100_000
export const DEFAULT_BUDGET = 512 * MIB

export interface LogLimits {
  cap: number
  budget: number
}

const KEY = 'sockscope.logLimits'

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null // storage refused (e.g. an opaque origin): the defaults hold
  }
}

export function loadLimits(): LogLimits {
  let saved: Partial<LogLimits> = {}
  try {
    saved = JSON.parse(storage()?.getItem(KEY) ?? '{}') as Partial<LogLimits>
  } catch {
    // A damaged entry is ignored, not fatal.
  }
  return {
    cap: CAP_CHOICES.includes(saved.cap as number) ? saved.cap! : DEFAULT_CAP,
    budget: BUDGET_CHOICES.includes(saved.budget as number) ? saved.budget! : DEFAULT_BUDGET
  }
}

export function saveLimits(change: Partial<LogLimits>): void {
  try {
    storage()?.setItem(KEY, JSON.stringify({ ...loadLimits(), ...change }))
  } catch {
    // Full or refused: the choice still applies to the open tab.
  }
}

/** A budget as the menus show it: 512 MiB, 1 GiB. */
export const budgetLabel = (b: number): string => (b >= 1024 * MIB ? `${b / (1024 * MIB)} GiB` : `${b / MIB} MiB`)
