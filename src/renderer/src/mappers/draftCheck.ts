/**
 * Checks of the form's header and query rows, numbered as the editor shows them. The host checks the same rules,
 * but it sees the rows after empty ones are left out, so its "Header 2" can be the editor's third row.
 */
import type { KeyValue } from '../../../shared/options'
import { optionLabel } from '../../../shared/fieldLabels'
import { headerValueProblem, rowNameProblem } from '../../../shared/validate'
import { isBlankRow } from './draft'

/**
 * The first problem in these rows, in the user's words ("Header 3 name: …"), or null. `sending`: the rows are about
 * to go out (variables resolved), so header values must also be sendable as typed; a saved profile may keep them.
 */
export function rowsProblem(rows: { headers: KeyValue[]; query: KeyValue[] }, sending: boolean): string | null {
  const lists = [
    ['headers', 'header', rows.headers],
    ['query', 'query parameter', rows.query]
  ] as const
  for (const [key, kind, list] of lists) {
    for (const [i, r] of list.entries()) {
      if (isBlankRow(r)) continue
      const name = rowNameProblem(kind, r.name.trim(), r.value)
      if (name) return `${optionLabel(`${key}.${i}.name`)}: ${name}`
      const value = sending && kind === 'header' ? headerValueProblem(r.value, r.secret) : null
      if (value) return `${optionLabel(`${key}.${i}.value`)}: ${value}`
    }
  }
  return null
}
