/** Environments through the UI, for suites that need `{{variables}}` defined. */
import { expect } from 'vitest'
import type { Page } from 'playwright-core'

/**
 * Adds an environment "Local" with `host` (a new environment's first variable) and one more variable, saves it, and
 * waits until it is the active one (its save may come back after the dialog closed).
 */
export async function addLocalEnvironment(
  page: Page,
  host: string,
  more: { name: string; value: string; secret?: boolean }
): Promise<void> {
  await page.getByRole('button', { name: 'Environments…' }).click()
  const envs = page.getByRole('dialog', { name: 'Environments' })
  await envs.getByRole('button', { name: 'Add environment' }).click()
  await envs.getByLabel('Environment name').fill('Local')
  await envs.getByLabel('Variable 1 value').fill(host)
  await envs.getByRole('button', { name: 'Add variable' }).click()
  await envs.getByLabel('Variable 2 name').fill(more.name)
  await envs.getByLabel('Variable 2 value').fill(more.value)
  if (more.secret) await envs.getByLabel('Variable 2 is secret').check()
  await envs.getByRole('button', { name: 'Save environment' }).click()
  await envs.getByRole('button', { name: 'Close' }).click()
  await expect.poll(() => page.getByRole('combobox', { name: 'Environment' }).inputValue()).not.toBe('')
}
