/**
 * Picks an option from a CodeMirror completion list with Enter. CodeMirror ignores Enter for `interactionDelay`
 * (75 ms by default, @codemirror/autocomplete) after a list opens, so that a list appearing under a typing user
 * is not picked by accident; a test that presses Enter as soon as the option shows can land inside that window on
 * a loaded machine and get a new line instead. So this waits past it, then checks that the list closed.
 */
import type { Locator, Page } from 'playwright-core'

const PAST_INTERACTION_DELAY_MS = 150

export async function pickCompletion(page: Page, option: Locator): Promise<void> {
  await option.waitFor()
  await page.waitForTimeout(PAST_INTERACTION_DELAY_MS)
  await page.keyboard.press('Enter')
  await option.waitFor({ state: 'detached' })
}
