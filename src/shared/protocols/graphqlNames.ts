/** The name of a GraphQL operation as its query text says it (GraphQL spec, October 2021), without a GraphQL parser. */

const isName = (t: string): boolean => /^[_A-Za-z]/.test(t)

/** A query's names (spec §2.1.9) and punctuators, each with its brace depth. */
function* queryTokens(query: string): Generator<{ t: string; depth: number }> {
  // Comments (§2.1.4) and strings (§2.9.4, block strings and their `\"""` escape included) hold no names that count.
  const q = query.replace(/"""[\s\S]*?(?<!\\)"""|"(?:[^"\\\n]|\\.)*"|#[^\n\r]*/g, ' ')
  let depth = 0
  for (const [t] of q.matchAll(/\.\.\.|[_A-Za-z][_0-9A-Za-z]*|[^\s,]/g)) {
    if (t === '}') depth--
    yield { t, depth }
    if (t === '{') depth++
  }
}

/**
 * What a query's first operation is called (spec §2.3 "Operations"): its name, else (anonymous) its first root
 * field, else its type; null when the text holds no operation. Fragment definitions before it are skipped.
 */
export function operationNameOf(query: string): string | null {
  let keyword: string | null = null
  let afterKeyword = false
  let inFragment = false
  let opened = false
  let field: string | null = null
  let aliased = false
  for (const { t, depth } of queryTokens(query)) {
    if (opened) {
      // The first selection of the operation's selection set: `alias: field`, `field`, or a fragment spread.
      if (depth !== 1) continue
      if (field === null) {
        if (!isName(t)) return keyword
        field = t
      } else if (t === ':' && !aliased) aliased = true
      else return aliased && isName(t) ? t : field
      continue
    }
    if (depth !== 0) continue
    if (inFragment) inFragment = t !== '}'
    else if (keyword === null) {
      if (t === 'fragment') inFragment = true
      else if (t === 'query' || t === 'mutation' || t === 'subscription') [keyword, afterKeyword] = [t, true]
      else if (t === '{') [keyword, opened] = ['query', true]
      else return null
    } else {
      if (afterKeyword && isName(t)) return t
      afterKeyword = false
      opened = t === '{'
    }
  }
  return field ?? keyword
}
