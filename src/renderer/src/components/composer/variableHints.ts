/**
 * `{{variables}}` in the composer (issue 18): each one marked as you type — defined (its value on hover) or not — and
 * completed after `{{` with the active environment's names and the dynamic ones (`$uuid`, `$timestamp`…).
 */
import { autocompletion, completionStatus, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete'
import { StateEffect, type Extension } from '@codemirror/state'
import { Decoration, EditorView, MatchDecorator, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view'
import { COUNTER, DYNAMIC_VARIABLES } from '../../../../shared/variables'
import { describeVariable as describe, SECRET_MASK, shownValue as shown } from '../../lib/variableWords'

/** The environment changed: marks are made again. */
export const variablesChanged = StateEffect.define<null>()

/** `secrets`: names whose values show as a mask in hovers and completion details. */
export function variableHints(vars: () => Map<string, string>, secrets: () => ReadonlySet<string> = () => new Set()): Extension {
  const matcher = new MatchDecorator({
    regexp: /\{\{\s*(\$?[\w.-]+)\s*\}\}/g,
    decoration: (m) => {
      const d = describe(m[1], vars(), { secrets: secrets() })
      return Decoration.mark({ class: d.known ? 'cm-var' : 'cm-var-missing', attributes: { title: d.title } })
    }
  })
  const marks = ViewPlugin.fromClass(
    class {
      decorations: DecorationSet
      constructor(view: EditorView) {
        this.decorations = matcher.createDeco(view)
      }
      update(u: ViewUpdate): void {
        const reread = u.transactions.some((t) => t.effects.some((e) => e.is(variablesChanged)))
        this.decorations = reread ? matcher.createDeco(u.view) : matcher.updateDeco(u, this.decorations)
      }
    },
    { decorations: (p) => p.decorations }
  )
  const complete = (ctx: CompletionContext): CompletionResult | null => {
    const before = ctx.matchBefore(/\{\{\s*\$?[\w.-]*$/)
    if (!before) return null
    const from = before.from + before.text.search(/[$\w.-]*$/)
    const hidden = secrets()
    const names = [...vars().keys()].map((n) => ({
      label: n,
      detail: hidden.has(n) ? SECRET_MASK : shown(vars().get(n) ?? ''),
      type: 'variable'
    }))
    const dynamic = Object.entries(DYNAMIC_VARIABLES).map(([n, d]) => ({ label: n, detail: d.describe, type: 'constant' }))
    return {
      from,
      options: [...names, ...dynamic, { label: COUNTER, detail: 'the count of a Repeat run', type: 'constant' }],
      validFor: /^[$\w.-]*$/
    }
  }
  return [marks, autocompletion({ override: [complete], icons: false })]
}

/** The history keys (↑/↓) step aside while the completion list is open. */
export const completing = (view: EditorView): boolean => completionStatus(view.state) === 'active'
