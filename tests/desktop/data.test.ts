/**
 * Desktop-only data flows on the harness (the built main bundle in this process, the built preload and renderer in
 * Chromium): quitting mid-flood keeps the recording whole, secrets go through safeStorage (or, where it cannot keep
 * them, never reach the disk and the UI says so), and import/export go through the native dialogs.
 * Real ws servers on loopback, real files in temp folders, the real UI driven by role and name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { connectTo, launchChromium, sendText } from '../e2e/harness'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { recordingLines } from '../helpers/recordingFile'
import { filesHolding, saveProfile, SECRET_NOTES as NOTE, shownIn, startNumberedFlood } from '../helpers/desktopFlows'
import { launchDesktop, type DesktopApp, type DesktopWindow } from './harness'
import type { EncryptionMode } from './electron/platform'

let browser: Browser
let echo: RunningWs
const temps: string[] = []
const temp = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), `sockscope-${prefix}-`))
  temps.push(d)
  return d
}

beforeAll(async () => {
  ;[browser, echo] = await Promise.all([launchChromium(), startWsServer()])
})
afterAll(async () => {
  await browser?.close()
  await echo?.close()
  for (const d of temps) rmSync(d, { recursive: true, force: true })
})

async function launch(dataDir: string, encryption: EncryptionMode = 'os'): Promise<DesktopWindow & { app: DesktopApp }> {
  const app = await launchDesktop({ browser, dataDir, encryption })
  return { app, ...(await app.firstWindow()) }
}

/** Quits and checks what every launch must leave behind: exit 0, no Electron API the harness lacks, no crash. */
async function quit(app: DesktopApp): Promise<void> {
  expect(await app.quit()).toBe(0)
  expect(app.rt.missing).toEqual([])
  expect(app.crashes()).toBe('')
}

const profileItems = (page: Page) => page.getByRole('list', { name: 'Profiles' }).getByRole('listitem')
const dataPanel = (page: Page) => page.getByRole('region', { name: 'Data' })
const connected = (page: Page) => page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()

describe('desktop data (harness)', () => {
  it('quitting while a flood is recorded loses nothing: a gapless run at least as long as the page had shown', async () => {
    const { server: flood, sent } = await startNumberedFlood()
    const dataDir = temp('data-flood')
    try {
      const { app, page, errors } = await launch(dataDir)
      await connectTo(page, flood.url)
      await sendText(page, 'go')
      let shown = 0
      await expect.poll(async () => (shown = await shownIn(page)), { timeout: 30_000 }).toBeGreaterThanOrEqual(3000)
      expect(errors).toEqual([])
      const sentAtQuit = sent()
      await quit(app) // while the flood goes on: the app holds the quit until the recording is on disk
      expect(sentAtQuit).toBeGreaterThan(shown) // the quit did interrupt the flood
      expect(existsSync(join(dataDir, 'sockscope.lock'))).toBe(false)

      const dir = join(dataDir, 'recordings')
      const files = readdirSync(dir).filter((f) => f.endsWith('.sockrec'))
      expect(files).toHaveLength(1)
      const { lines: text, whole } = recordingLines(join(dir, files[0]))
      expect(whole).toBe(true) // the last line is whole
      const lines = text.map((l) => JSON.parse(l) as { type: string; seq?: number; dir?: string; data?: unknown; url?: string })
      expect(lines[0]).toMatchObject({ type: 'sockscope-recording', url: `${flood.url}/` })
      const events = lines.slice(1)
      const badSeq = events.findIndex((e, i) => e.seq !== i + 1)
      expect(badSeq, `event ${badSeq + 1} has seq ${events[badSeq]?.seq}`).toBe(-1)
      const incoming = events.filter((e) => e.type === 'message' && e.dir === 'in').map((e) => e.data)
      const gap = incoming.findIndex((d, i) => d !== `n${i + 1}`)
      expect(gap, `message ${gap + 1} is ${String(incoming[gap])}`).toBe(-1)
      expect(incoming.length).toBeGreaterThanOrEqual(shown)
      expect(incoming.length).toBeLessThanOrEqual(sent())
      console.info(`quit mid-flood: page showed ${shown}, recording holds n1…n${incoming.length}, server sent ${sent()}`)
    } finally {
      await flood.close()
    }
  })

  it('a secret saved through safeStorage is in no file, survives a relaunch and is sent', async () => {
    const dataDir = temp('data-secret')
    const secret = `s3cr3t-${randomUUID()}`
    let { app, page } = await launch(dataDir)
    await dataPanel(page).getByText(NOTE.os).waitFor()
    await saveProfile(page, { name: 'Keyed', url: `${echo.url}/keyed`, header: 'X-Api-Secret', value: secret, secret: true })
    await quit(app)
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(true)
    expect(readFileSync(join(dataDir, 'profiles.json'), 'utf8')).toContain('X-Api-Secret')
    expect(filesHolding(dataDir, secret)).toEqual([])

    // A new process on the same folder: read back through safeStorage (the keyring outlives the app).
    ;({ app, page } = await launch(dataDir))
    await profileItems(page).getByRole('button', { name: 'Keyed', exact: true }).click()
    expect(await page.getByRole('textbox', { name: 'URL' }).inputValue()).toBe(`${echo.url}/keyed`)
    const before = echo.requests.length
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await connected(page)
    expect(await page.getByRole('form', { name: 'Missing secrets' }).count()).toBe(0)
    expect(echo.requests[before].headers['x-api-secret']).toBe(secret)
    await quit(app)
    // The handshake was recorded too, with the secret masked.
    expect(readdirSync(join(dataDir, 'recordings'))).toHaveLength(1)
    expect(filesHolding(dataDir, secret)).toEqual([])
  })

  it('without encryption the UI says secrets stay in memory; a secret never reaches the disk and still works this session', async () => {
    const dataDir = temp('data-noenc')
    const secret = `mem-only-${randomUUID()}`
    let { app, page } = await launch(dataDir, 'unavailable')
    await dataPanel(page).getByText(NOTE.none).waitFor()
    await saveProfile(page, { name: 'Keyless', url: `${echo.url}/keyless`, header: 'X-Api-Secret', value: secret, secret: true })
    // The app keeps working: the secret is held in memory and sent.
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await connected(page)
    expect(echo.requests.at(-1)!.headers['x-api-secret']).toBe(secret)
    await sendText(page, 'still working')
    await page.getByRole('listbox', { name: 'Message log' }).getByText('still working').first().waitFor()
    expect(filesHolding(dataDir, secret)).toEqual([])
    await quit(app)
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false)
    expect(filesHolding(dataDir, secret)).toEqual([])

    // After a relaunch it is not held: the UI asks for it, says why, and does not connect without it.
    ;({ app, page } = await launch(dataDir, 'unavailable'))
    await profileItems(page).getByRole('button', { name: 'Keyless', exact: true }).click()
    await page.getByRole('form', { name: 'Missing secrets' }).getByText("This profile's secrets are not held here (no keychain)").waitFor()
    const before = echo.requests.length
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await page.getByRole('alert').filter({ hasText: "Not connected: this profile's secrets are not held here" }).waitFor()
    expect(echo.requests.length).toBe(before)
    await quit(app)
  })

  it('Linux basic_text: the UI says secrets are not protected and saves them only once the user opts in', async () => {
    const dataDir = temp('data-basic')
    const secret = `weak-${randomUUID()}`
    const { app, page } = await launch(dataDir, 'basic_text')
    const data = dataPanel(page)
    await data.getByText(NOTE.basicText).waitFor()
    await saveProfile(page, { name: 'Weak', url: `${echo.url}/weak`, header: 'X-Api-Secret', value: secret, secret: true })
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false)
    await data.getByRole('checkbox', { name: 'Save secrets anyway (weak protection)' }).check()
    await data.getByText(NOTE.basicTextOptedIn).waitFor()
    await expect.poll(() => existsSync(join(dataDir, 'secrets.json'))).toBe(true)
    expect(filesHolding(dataDir, secret)).toEqual([]) // encrypted, if only with the fixed key
    await quit(app)
  })

  it('export and import go through the native dialogs; a cancelled dialog changes nothing and shows no error', async () => {
    const dataDir = temp('data-dialogs')
    const files = temp('data-files')
    const secret = `exp-${randomUUID()}`
    const { app, page, win, errors } = await launch(dataDir)
    const dialog = app.rt.dialog
    const notice = dataPanel(page).getByRole('status')
    await saveProfile(page, { name: 'Exported', url: `${echo.url}/exported`, header: 'X-Api-Secret', value: secret, secret: true })

    // Export: the save dialog, attached to the window, offers a default name; the file is written where chosen.
    const target = join(files, 'profiles.json')
    dialog.answers.save.push(target)
    await dataPanel(page).getByRole('button', { name: 'Export profiles' }).click()
    await notice.filter({ hasText: `Saved to ${target}` }).waitFor()
    const call = dialog.calls.at(-1)!
    expect(call.kind).toBe('save')
    expect(call.window).toBe(win)
    expect(String(call.options.defaultPath)).toMatch(/^sockscope-profiles-.*\.json$/)
    const doc = JSON.parse(readFileSync(target, 'utf8')) as { format: string; profiles: Array<{ name: string; options: { url: string } }> }
    expect(doc.format).toBe('sockscope-profiles')
    expect(doc.profiles.map((p) => [p.name, p.options.url])).toEqual([['Exported', `${echo.url}/exported`]])
    expect(filesHolding(files, secret)).toEqual([]) // exports leave secrets out unless asked
    await notice.getByRole('button', { name: 'Dismiss notice' }).click()

    // Cancelled export: the dialog was asked, nothing is written, nothing is said.
    const calls = dialog.calls.length
    await dataPanel(page).getByRole('button', { name: 'Export profiles' }).click()
    await expect.poll(() => dialog.calls.length).toBe(calls + 1)
    await page.waitForTimeout(300) // the page would show its notice right after the call returns
    expect(await notice.count()).toBe(0)
    expect(readdirSync(files)).toEqual(['profiles.json'])

    // Import: the open dialog returns a Postman collection written here; its WebSocket item becomes a profile.
    const postman = join(files, 'collection.json')
    copyFileSync(join(import.meta.dirname, '..', 'fixtures', 'postman.json'), postman)
    dialog.answers.open.push([postman])
    await dataPanel(page).getByRole('button', { name: 'Import…' }).click()
    await notice.filter({ hasText: 'Imported 1 profile(s) (postman).' }).waitFor()
    // (Identity only: a deep match would walk the window's whole object graph.)
    expect(dialog.calls.at(-1)!.kind).toBe('open')
    expect(dialog.calls.at(-1)!.window).toBe(win)
    await profileItems(page).filter({ hasText: 'Echo' }).waitFor()
    await profileItems(page).getByRole('button', { name: 'Echo', exact: true }).click()
    expect(await page.getByRole('textbox', { name: 'URL' }).inputValue()).toBe('wss://echo.example/socket')
    const profilesFile = readFileSync(join(dataDir, 'profiles.json'), 'utf8')
    expect(profilesFile).toContain('wss://echo.example/socket')
    await notice.getByRole('button', { name: 'Dismiss notice' }).click()

    // Cancelled import: the profiles stay as they were, and nothing is said (it used to say "Imported 0 profile(s)").
    const count = await profileItems(page).count()
    await dataPanel(page).getByRole('button', { name: 'Import…' }).click()
    await expect.poll(() => dialog.calls.length).toBe(calls + 3)
    await page.waitForTimeout(300)
    expect(await profileItems(page).count()).toBe(count)
    expect(await page.getByRole('alert').count()).toBe(0)
    expect(await notice.count()).toBe(0)
    expect(readFileSync(join(dataDir, 'profiles.json'), 'utf8')).toBe(profilesFile)
    expect(errors).toEqual([])
    await quit(app)
  })
})
