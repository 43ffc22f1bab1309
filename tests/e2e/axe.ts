/**
 * axe-core in the page, for the accessibility checks. The app's CSP forbids injected script tags, so the library is
 * evaluated through the debugging protocol, which CSP does not govern; it is loaded once per page.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string
  help: string
  /** The first nodes found, each with the first line of its failure summary. */
  targets: string[]
}

/** axe's serious and critical findings (WCAG 2.2 AA and best practice) in the whole page, or under `selector`. */
export async function axeViolations(page: Page, selector?: string): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE)
  const scope = selector ? `document.querySelector(${JSON.stringify(selector)})` : 'document'
  const found = (await page.evaluate(`window.axe.run(${scope}, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations']
    }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))
    })))`)) as AxeViolation[]
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}
