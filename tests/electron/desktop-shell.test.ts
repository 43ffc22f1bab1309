/**
 * The real desktop app's native edges (see desktop-app.test.ts for why these may report skipped): the save and open
 * dialogs, stubbed in the main process, carry an export and an import through the UI; a link leaves the app only
 * through the allowlist and the user's yes, and never as a window of ours.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MessageBoxOptions, OpenDialogOptions, SaveDialogOptions } from 'electron'
import type { Page } from 'playwright-core'
import { startWsServer } from '../helpers/servers'
import { bin, cleanUp, closeAll, freshDataDir, launchApp, openProfile, SKIP } from './electronApp'
import { saveProfile } from '../helpers/desktopFlows'

afterEach(closeAll)
afterAll(async () => {
  await closeAll()
  cleanUp()
})

/** What the stubs installed in the main process keep on its globalThis. */
interface MainSpy {
  __saveAsked?: Array<string | undefined>
  __openAsked?: string[][]
  __linkAsked?: string[]
  __linkAnswer?: number
  __opened?: string[]
}

interface ProfilesExport {
  format: string
  profiles: Array<{ name: string; options: { url: string; headers?: Array<{ name: string; value: string }> } }>
}

/** Opens a URL from the page the way a link in a payload would. */
const windowOpen = (page: Page, url: string): Promise<void> => page.evaluate((u) => void window.open(u), url)

describe('desktop shell edges (_electron)', () => {
  it('exports profiles and imports a file through the native dialogs (stubbed in the main process)', async (ctx) => {
    if (!bin) return ctx.skip(SKIP)
    const server = await startWsServer()
    const dir = freshDataDir() // for the exported and the imported file; not the app's
    const exported = join(dir, 'profiles-export.json')
    const toImport = join(dir, 'profiles-import.json')
    try {
      const { app, page } = await launchApp(freshDataDir())
      // Stubbed where the app calls them; if the stubs did not take, a real dialog would wait for a user.
      const stubbed = await app.evaluate(
        ({ dialog }, files) => {
          const spy = globalThis as MainSpy
          spy.__saveAsked = []
          spy.__openAsked = []
          const save = async (...args: unknown[]) => {
            spy.__saveAsked?.push((args[args.length - 1] as SaveDialogOptions).defaultPath)
            return { canceled: false, filePath: files.save }
          }
          const open = async (...args: unknown[]) => {
            spy.__openAsked?.push((args[args.length - 1] as OpenDialogOptions).properties ?? [])
            return { canceled: false, filePaths: [files.open] }
          }
          dialog.showSaveDialog = save
          dialog.showOpenDialog = open
          return dialog.showSaveDialog === save && dialog.showOpenDialog === open
        },
        { save: exported, open: toImport }
      )
      expect(stubbed).toBe(true)
      await saveProfile(page, { name: 'Exported one', url: `${server.url}/exported`, header: 'X-Team', value: 'blue', secret: false })

      await page.getByRole('button', { name: 'Export profiles' }).click()
      await page
        .getByRole('status')
        .filter({ hasText: `Saved to ${exported}` })
        .waitFor()
      const saveAsked = await app.evaluate(() => (globalThis as MainSpy).__saveAsked ?? [])
      expect(saveAsked).toHaveLength(1)
      expect(saveAsked[0]).toMatch(/^sockscope-profiles-.*\.json$/)
      const doc = JSON.parse(readFileSync(exported, 'utf8')) as ProfilesExport
      expect(doc.format).toBe('sockscope-profiles')
      expect(doc.profiles.map((p) => p.name)).toEqual(['Exported one'])
      expect(doc.profiles[0].options.url).toBe(`${server.url}/exported`)

      // The same file, edited, comes back in through the open dialog as a new profile.
      doc.profiles[0].name = 'Imported one'
      doc.profiles[0].options.url = `${server.url}/imported`
      doc.profiles[0].options.headers = [{ name: 'X-Team', value: 'green' }]
      writeFileSync(toImport, JSON.stringify(doc))
      await page.getByRole('button', { name: 'Import…' }).click()
      await page.getByRole('status').filter({ hasText: 'Imported 1 profile(s) (sockscope).' }).waitFor()
      expect(await app.evaluate(() => (globalThis as MainSpy).__openAsked)).toEqual([['openFile']])
      await openProfile(page, 'Imported one')
      const before = server.requests.length
      await page.getByRole('button', { name: 'Connect', exact: true }).click()
      await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
      expect(server.requests[before].url).toBe('/imported')
      expect(server.requests[before].headers['x-team']).toBe('green')
      await app.close()
    } finally {
      await server.close()
    }
  }, 120_000)

  it('a link opens no window of ours and leaves only through the allowlist once the user says yes', async (ctx) => {
    if (!bin) return ctx.skip(SKIP)
    const { app, page } = await launchApp(freshDataDir())
    // The confirmation and the system browser, stubbed in the main process (checked: else a real dialog would wait).
    const stubbed = await app.evaluate(({ dialog, shell }) => {
      const spy = globalThis as MainSpy
      spy.__linkAsked = []
      spy.__opened = []
      spy.__linkAnswer = 1 // Cancel, until the test says otherwise
      const ask = async (...args: unknown[]) => {
        spy.__linkAsked?.push((args[args.length - 1] as MessageBoxOptions).detail ?? '')
        return { response: spy.__linkAnswer ?? 1, checkboxChecked: false }
      }
      const openExternal = async (url: string) => {
        spy.__opened?.push(url)
      }
      dialog.showMessageBox = ask
      shell.openExternal = openExternal
      return dialog.showMessageBox === ask && shell.openExternal === openExternal
    })
    expect(stubbed).toBe(true)
    const asked = (): Promise<string[]> => app.evaluate(() => (globalThis as MainSpy).__linkAsked ?? [])
    const opened = (): Promise<string[]> => app.evaluate(() => (globalThis as MainSpy).__opened ?? [])
    const windows = app.windows().length
    const home = page.url()

    // The user declines: asked, nothing opened.
    await windowOpen(page, 'https://example.invalid/declined')
    await expect.poll(asked).toHaveLength(1)
    expect((await asked())[0]).toContain('https://example.invalid/declined')
    expect(await opened()).toEqual([])

    // The user confirms: the URL goes to the system browser, not to a window of ours.
    await app.evaluate(() => void ((globalThis as MainSpy).__linkAnswer = 0))
    await windowOpen(page, 'https://example.invalid/x')
    await expect.poll(opened).toEqual(['https://example.invalid/x'])
    expect((await asked())[1]).toContain('https://example.invalid/x')

    // Off the allowlist: never asked about, never passed on, whatever the user would answer.
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@example.invalid/creds']) {
      await windowOpen(page, url)
    }
    // A last allowed link, opened after them, proves they were handled (and dropped) by now.
    await windowOpen(page, 'https://example.invalid/after')
    await expect.poll(opened).toEqual(['https://example.invalid/x', 'https://example.invalid/after'])
    expect(await asked()).toHaveLength(3)
    expect(app.windows()).toHaveLength(windows)
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
    expect(page.url()).toBe(home) // and the window itself was not led away
    await app.close()
  }, 120_000)
})
