/**
 * What the real desktop app leaves on disk (see desktop-app.test.ts for why these may report skipped): a quit in the
 * middle of a flood loses nothing the page had shown from the recording, and a profile's secret goes through
 * safeStorage and comes back after a relaunch (or, where safeStorage cannot keep it, the UI says so).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { connectTo, sendText } from '../e2e/harness'
import { startWsServer } from '../helpers/servers'
import { recordingLines } from '../helpers/recordingFile'
import { bin, cleanUp, closeAll, freshDataDir, launchApp, openProfile, SKIP } from './electronApp'
import { filesHolding, saveProfile, SECRET_NOTES as NOTE, shownIn, startNumberedFlood } from '../helpers/desktopFlows'

afterEach(closeAll)
afterAll(async () => {
  await closeAll()
  cleanUp()
})

/** One line of a recording file: the header, then one event per line. */
interface RecordedLine {
  type: string
  seq?: number
  dir?: string
  data?: unknown
  url?: string
}

describe('desktop data on disk (_electron)', () => {
  it('quitting while a server floods keeps a gapless recording of at least every message the page had shown', async (ctx) => {
    if (!bin) return ctx.skip(SKIP)
    const { server: flood, sent } = await startNumberedFlood()
    const dataDir = freshDataDir()
    try {
      const { app, page } = await launchApp(dataDir)
      await connectTo(page, flood.url)
      await sendText(page, 'go')
      let shown = 0
      await expect.poll(async () => (shown = await shownIn(page)), { timeout: 30_000 }).toBeGreaterThanOrEqual(1000)
      await app.close() // while the flood goes on
      expect(existsSync(join(dataDir, 'sockscope.lock'))).toBe(false)

      // Recordings are always on: one file for the one connection, every line whole.
      const dir = join(dataDir, 'recordings')
      const files = readdirSync(dir).filter((f) => f.endsWith('.sockrec'))
      expect(files).toHaveLength(1)
      const { lines: text, whole } = recordingLines(join(dir, files[0]))
      expect(whole).toBe(true)
      const lines = text.map((l) => JSON.parse(l) as RecordedLine)
      expect(lines[0]).toMatchObject({ type: 'sockscope-recording' })
      expect(lines[0].url?.startsWith(flood.url)).toBe(true)
      const events = lines.slice(1)
      // Every event of the connection, in order: seq 1, 2, 3… with no gap and no repeat.
      const badSeq = events.findIndex((e, i) => e.seq !== i + 1)
      expect(badSeq, `event ${badSeq + 1} has seq ${events[badSeq]?.seq}`).toBe(-1)
      // The flood as a run n1…nk, k at least what the page had counted before the quit (and no more than was sent).
      const incoming = events.filter((e) => e.type === 'message' && e.dir === 'in').map((e) => e.data)
      const gap = incoming.findIndex((d, i) => d !== `n${i + 1}`)
      expect(gap, `message ${gap + 1} is ${String(incoming[gap])}`).toBe(-1)
      expect(incoming.length).toBeGreaterThanOrEqual(shown)
      expect(incoming.length).toBeLessThanOrEqual(sent())
    } finally {
      await flood.close()
    }
  }, 120_000)

  it('a secret saved through safeStorage comes back after a relaunch and is sent; its plaintext is in no file', async (ctx) => {
    if (!bin) return ctx.skip(SKIP)
    const server = await startWsServer()
    const dataDir = freshDataDir()
    const secret = `s3cr3t-${randomUUID()}`
    try {
      let { app, page } = await launchApp(dataDir)
      const enc = await app.evaluate(
        ({ safeStorage }, linux) => ({
          available: safeStorage.isEncryptionAvailable(),
          backend: linux ? safeStorage.getSelectedStorageBackend() : null
        }),
        process.platform === 'linux'
      )
      // As the app decides (src/main/desktop/desktopData.ts): no encryption, Linux's fixed-key basic_text, or the OS's.
      const kind = !enc.available ? 'none' : enc.backend === 'basic_text' ? 'basic_text' : 'os'
      await ctx.annotate(`safeStorage here: ${kind}${enc.backend ? ` (${enc.backend})` : ''}`)
      const data = page.getByRole('region', { name: 'Data' })
      if (kind === 'os') await data.getByText(NOTE.os).waitFor()
      if (kind === 'none') await data.getByText(NOTE.none).waitFor()
      if (kind === 'basic_text') {
        // Not saved unless the user opts in; the panel says so, and offers the opt-in.
        await data.getByText(NOTE.basicText).waitFor()
        await data.getByRole('checkbox', { name: 'Save secrets anyway (weak protection)' }).check()
        await data.getByText(NOTE.basicTextOptedIn).waitFor()
      }
      const persisted = kind !== 'none'

      await saveProfile(page, { name: 'Keyed', url: `${server.url}/keyed`, header: 'X-Api-Secret', value: secret, secret: true })
      await app.close()
      expect(existsSync(join(dataDir, 'secrets.json'))).toBe(persisted)
      expect(readFileSync(join(dataDir, 'profiles.json'), 'utf8')).toContain('X-Api-Secret')
      expect(filesHolding(dataDir, secret)).toEqual([])

      ;({ app, page } = await launchApp(dataDir))
      await openProfile(page, 'Keyed')
      expect(await page.getByRole('textbox', { name: 'URL' }).inputValue()).toBe(`${server.url}/keyed`)
      const before = server.requests.length
      const missing = page.getByRole('form', { name: 'Missing secrets' })
      if (persisted) {
        // Read back through safeStorage: nothing to re-enter, and the server gets the secret.
        await page.getByRole('button', { name: 'Connect', exact: true }).click()
        await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
        expect(await missing.count()).toBe(0)
        expect(server.requests.length).toBe(before + 1)
        expect(server.requests[before].headers['x-api-secret']).toBe(secret)
      } else {
        // Held in memory only: after the relaunch the UI asks for it, names why, and does not connect without it.
        await missing.getByText("This profile's secrets are not held here (no keychain)").waitFor()
        await page.getByRole('button', { name: 'Connect', exact: true }).click()
        await page.getByRole('alert').filter({ hasText: "Not connected: this profile's secrets are not held here" }).waitFor()
        expect(server.requests.length).toBe(before)
      }
      await app.close()
      // The handshake was recorded with the secret header masked; no file of the data folder holds the plaintext.
      expect(filesHolding(dataDir, secret)).toEqual([])
    } finally {
      await server.close()
    }
  }, 120_000)
})
