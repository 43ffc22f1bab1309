/**
 * What an imported profile or environment does when one with its name is already here. Importing the same export
 * twice used to duplicate everything. Now an item identical to one held (same settings and, where the file carries
 * them, the same secret values) is skipped; one that differs under the same name follows the user's choice: keep
 * both (the import is renamed), replace the one held (keeping its id, so open tabs stay linked), or skip it.
 */
export type DuplicatePolicy = 'keep-both' | 'replace' | 'skip'
export const DUPLICATE_POLICIES: readonly DuplicatePolicy[] = ['keep-both', 'replace', 'skip']

/** JSON with keys sorted: two objects with the same content compare equal whatever order their keys came in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v
  )
}

interface Named {
  id: string
  name: string
  folder?: string
  updatedAt?: string
}

export type Decision<T> =
  | { kind: 'add'; item: T }
  | { kind: 'replace'; id: string; item: T }
  | { kind: 'identical'; name: string }
  | { kind: 'skipped'; name: string }

const content = ({ id: _id, updatedAt: _at, ...rest }: Named): string => canonical(rest)
const COPY = / \(imported(?: \d+)?\)$/
const isCopyName = (held: string, name: string): boolean => COPY.test(held) && held.replace(COPY, '') === name
const keyOf = (x: Named): string => `${x.folder ?? ''}\u0000${x.name}`

/**
 * The decision for one incoming item. `sameSecrets(heldId)` says whether the secret values the file carries for it
 * equal those held for `heldId`. `names` are the names in use (updated as items are added or renamed).
 */
export function decide<T extends Named>(
  held: T[],
  item: T,
  sameSecrets: (heldId: string) => boolean,
  policy: DuplicatePolicy,
  names: Set<string>
): Decision<T> {
  const twins = held.filter((h) => keyOf(h) === keyOf(item))
  // A copy an earlier import kept beside its twin ("Feed (imported)") counts too: importing again adds nothing.
  const copies = held.filter((h) => (h.folder ?? '') === (item.folder ?? '') && isCopyName(h.name, item.name))
  const same = (h: T): boolean => content({ ...h, name: item.name }) === content(item) && sameSecrets(h.id)
  if (twins.some(same) || copies.some(same)) return { kind: 'identical', name: item.name }
  if (!twins.length || policy === 'keep-both') {
    let name = item.name
    for (let n = 1; names.has(keyOf({ ...item, name })); n++) name = `${item.name} (imported${n > 1 ? ` ${n}` : ''})`
    names.add(keyOf({ ...item, name }))
    return { kind: 'add', item: { ...item, name } }
  }
  if (policy === 'skip') return { kind: 'skipped', name: item.name }
  return { kind: 'replace', id: twins[0].id, item: { ...item, id: twins[0].id } }
}

export interface Outcome {
  what: 'profile' | 'environment'
  name: string
}

/** "2 profiles and 1 environment (“a”, “b”, “c”)", at most `max` names. */
export function outcomeList(list: Outcome[], max = 3): string {
  const count = (what: Outcome['what']): string => {
    const n = list.filter((o) => o.what === what).length
    return n ? `${n} ${what}${n === 1 ? '' : 's'}` : ''
  }
  const names = list.slice(0, max).map((o) => `“${o.name}”`)
  const more = list.length > max ? ` and ${list.length - max} more` : ''
  return `${[count('profile'), count('environment')].filter(Boolean).join(' and ')} (${names.join(', ')}${more})`
}

export { keyOf as nameKey }
