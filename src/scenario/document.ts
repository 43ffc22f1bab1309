/**
 * A scenario file as YAML: parsed with the `yaml` package, which keeps every node's place in the text, so that
 * each error and each step can say its line and column.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml'
import { ScenarioInputError } from './types'
import type { SourcePos } from './format'
import type { DocPath } from './schemaCheck'

export interface ScenarioDocument {
  /** The document as plain values (maps as objects). */
  value: unknown
  locate(path: DocPath): SourcePos | undefined
  /** The text a scalar was written as (YAML reads 010203 as a number). */
  sourceText(path: DocPath): string | undefined
  /** Every text value with its place, for checks over all of them (variables). */
  strings(under: DocPath): Array<{ path: DocPath; value: string }>
}

export function readYaml(text: string, file: string): ScenarioDocument {
  const lineCounter = new LineCounter()
  // uniqueKeys (the default) makes a repeated key an error: in a step it would silently drop one of them.
  // prettyErrors: the errors get their line and column (linePos); the context it adds to the message is cut off.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true })
  const err = doc.errors[0]
  if (err) {
    const at = err.linePos?.[0]
    throw new ScenarioInputError(`the YAML cannot be read: ${yamlMessage(err.message)}`, file, at?.line, at?.col)
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 })
  const pos = (offset: number): SourcePos => {
    const p = lineCounter.linePos(offset)
    return { line: p.line, column: p.col }
  }
  return {
    value,
    locate(path) {
      const found = walk(doc, path)
      return found ? pos(found.range[0]) : undefined
    },
    sourceText(path) {
      const found = walk(doc, path)
      return found ? text.slice(found.range[0], found.range[1]).trim() : undefined
    },
    strings(under) {
      const out: Array<{ path: DocPath; value: string }> = []
      const found = walk(doc, under)
      const start = found?.exact ? found.node : null
      const visit = (n: unknown, path: DocPath): void => {
        if (isScalar(n)) {
          if (typeof n.value === 'string') out.push({ path, value: n.value })
        } else if (isMap(n)) {
          for (const p of n.items) if (isScalar(p.key)) visit(p.value, [...path, String(p.key.value)])
        } else if (isSeq(n)) n.items.forEach((item, i) => visit(item, [...path, i]))
      }
      if (start) visit(start, under)
      return out
    }
  }
}

interface Found {
  node: YamlNode | null
  range: [number, number]
  /** False when the path goes further than the document: `node` is then the nearest one on the way. */
  exact?: boolean
}

/** The node at `path` (a number indexes a list, or the n-th member of a mapping; `'#key'` last means the key). */
function walk(doc: Document, path: DocPath): Found | undefined {
  let node: unknown = doc.contents
  let last: Found | undefined = rangeOf(node)
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]
    const wantKey = path[i + 1] === '#key'
    let next: unknown
    if (isMap(node)) {
      const pair = typeof seg === 'number' ? node.items[seg] : node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg)
      if (!isPair(pair)) return last
      // A member written with no value (`close:`) has no value node: point at its key.
      next = wantKey || pair.value === null ? pair.key : pair.value
    } else if (isSeq(node) && typeof seg === 'number') next = node.items[seg]
    else return last
    const r = rangeOf(next)
    if (!r) return last
    last = r
    node = next
    if (wantKey) break
  }
  return last ? { ...last, exact: true } : last
}

function rangeOf(n: unknown): Found | undefined {
  const range = (n as { range?: [number, number, number] } | null)?.range
  return range ? { node: n as YamlNode, range: [range[0], range[1]] } : undefined
}

/** yaml's messages, made to read as advice. */
function yamlMessage(message: string): string {
  const m = message.replace(/\s+at line \d+, column \d+.*$/s, '').trim()
  if (/Map keys must be unique/i.test(m)) return `${m}: a key appears twice in the same mapping; remove or rename one.`
  if (/indent/i.test(m)) return `${m}. Check the indentation: the items of a list line up, and a step's settings go two spaces further in.`
  return `${m}. Check the indentation, and put quotes around text with ": ", "#" or a {{variable}} in it (inside { … } a bare { opens a mapping).`
}
