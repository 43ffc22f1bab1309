/**
 * Completion in the scenario editor (issue 18): the names a place in the file takes, read from the scenario's JSON
 * Schema (schemas/scenario.schema.json, the same file the host validates with): the step kinds after `- ` in a
 * list of steps, a step kind's settings under it, the top-level keys. Where the cursor is comes from indentation, so
 * it works on the half-typed text an editor holds, which a YAML parser would refuse.
 */
import scenarioSchema from '../../../../schemas/scenario.schema.json'

type Schema = Record<string, unknown>

export interface NameOption {
  label: string
  /** The schema's description of it. */
  info?: string
}

export interface NameCompletion {
  /** Where the word being completed starts. */
  from: number
  options: NameOption[]
}

const DEFS = (scenarioSchema as Schema).$defs as Record<string, Schema>

/** A schema with what its $ref names folded in (its own properties added to the referred one's). */
function deref(s: Schema | undefined): Schema {
  if (!s) return {}
  const ref = typeof s.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(s.$ref)?.[1] : undefined
  if (!ref) return s
  const target = deref(DEFS[ref])
  return { ...target, ...s, $ref: undefined, properties: { ...(target.properties as object), ...(s.properties as object) } }
}

/** The schemas a value may take: itself, and the branches of a oneOf/anyOf. */
function branches(s: Schema): Schema[] {
  const d = deref(s)
  const alts = [...((d.oneOf as Schema[]) ?? []), ...((d.anyOf as Schema[]) ?? [])].map(deref)
  return [d, ...alts.flatMap((a) => (a.oneOf || a.anyOf ? branches(a) : [a]))]
}

function propertiesOf(s: Schema): Record<string, Schema> {
  const out: Record<string, Schema> = {}
  for (const b of branches(s)) Object.assign(out, (b.properties as Record<string, Schema>) ?? {})
  return out
}

function itemsOf(s: Schema): Schema | undefined {
  return branches(s)
    .map((b) => b.items as Schema | undefined)
    .find(Boolean)
}

type Segment = { key: string } | { item: true }

const ITEM: Segment = { item: true }

/**
 * The keys and list items that hold content starting at column `limit` on line `row`, outermost first. Walking up, a
 * key left of the limit owns the content (and the list items its line starts); a dash left of it, on a line whose
 * key is a sibling, makes the content part of that item.
 */
function pathAbove(lines: string[], row: number, limit: number): Segment[] {
  const path: Segment[] = []
  for (let r = row - 1; r >= 0 && limit > 0; r--) {
    const m = /^( *)((?:- +)*)(?:([^\s#:][^:#]*?) *:(?: |$))?/.exec(lines[r])
    if (!m || !lines[r].trim() || lines[r].trimStart().startsWith('#')) continue
    const indent = m[1].length
    const dashes = m[2] ? m[2].trim().split(/ +/).length : 0
    const keyCol = indent + m[2].length
    if (m[3] && keyCol < limit) path.unshift({ key: m[3] })
    else if (!(dashes && indent < limit)) continue
    for (let i = 0; i < dashes; i++) path.unshift(ITEM)
    limit = indent
  }
  return path
}

/** The names to offer at `pos` in `text`, or null where no name is typed (a value, a comment). */
export function scenarioCompletions(text: string, pos: number): NameCompletion | null {
  const before = text.slice(0, pos)
  const lineStart = before.lastIndexOf('\n') + 1
  const m = /^(\s*)((?:-\s+)*)([\w-]*)$/.exec(before.slice(lineStart))
  if (!m) return null
  const lines = text.split('\n')
  const row = before.split('\n').length - 1
  // A new item on this line (`  - ex`): the word is a key of that item, and the list is owned from left of its dash.
  const dashes = m[2] ? m[2].trim().split(/ +/).length : 0
  const path = [...pathAbove(lines, row, dashes ? m[1].length : m[1].length + m[2].length), ...Array<Segment>(dashes).fill(ITEM)]
  let schema: Schema | undefined = scenarioSchema as Schema
  for (const seg of path) {
    if (!schema) return null
    schema = 'item' in seg ? itemsOf(schema) : propertiesOf(schema)[seg.key]
  }
  if (!schema) return null
  const props = propertiesOf(schema)
  const options = Object.entries(props)
    .filter(([label]) => label.startsWith(m[3]))
    .map(([label, s]) => {
      const info = deref(s).description
      return typeof info === 'string' ? { label, info } : { label }
    })
  return options.length ? { from: pos - m[3].length, options } : null
}
