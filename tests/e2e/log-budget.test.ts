/**
 * The log's byte budget end to end: a small budget, a flood of 200 KiB messages (they travel whole to the page),
 * the notice saying what was dropped, and a dropped message opened in the detail pane coming back whole from the
 * recording (checked byte for byte by replaying it to the server). Then the host's side alone: one payload read
 * back from a recording file by `seq`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type { RawData } from 'ws'
import { connectTo, launchChromium, openLogActions, sendText } from './harness'
import { APP_PATH, launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { RecordingStore } from '../../src/main/store/recordings'
import type { SockEvent } from '../../src/shared/events'

const KIB = 1024
const MIB = 1024 * KIB
const N = 100
const SIZE = 200 * KIB
/** Message i: text, except every tenth, which is binary. Distinct from byte 0 on, so a swapped payload shows. */
const text = (i: number): string => `#${i}:`.padEnd(SIZE - 4, String.fromCharCode(97 + (i % 26))) + 'END!'
const bin = (i: number): Buffer => Buffer.from(Array.from({ length: SIZE }, (_, j) => (j === 0 ? 0xb1 : j === 1 ? i : (i + j) & 0x7f)))

let app: AppUnderTest
let browser: Browser
let server: RunningWs
/** What the server received besides the command: replayed messages. */
const received: Array<{ data: Buffer; binary: boolean }> = []

beforeAll(async () => {
  ;[browser, server] = await Promise.all([
    launchChromium(),
    startWsServer({
      onConnection: (ws) =>
        ws.on('message', (data: RawData, binary) => {
          if (!binary && data.toString() === 'go') {
            for (let i = 0; i < N; i++) ws.send(i % 10 ? text(i) : bin(i), { binary: i % 10 === 0 })
          } else received.push({ data: data as Buffer, binary })
        })
    })
  ])
  app = await launchApp(browser)
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await server?.close()
})

const log = (page: Page) => page.getByRole('listbox', { name: 'Message log' })
const detail = (page: Page) => page.getByRole('complementary', { name: 'Message detail' })

/** Shows the one row the filter finds, opens it, loads its full payload, replays it: what the server then gets. */
async function reopen(page: Page, filter: string): Promise<{ data: Buffer; binary: boolean }> {
  await page.getByRole('searchbox', { name: 'Filter messages' }).fill(filter)
  await expect.poll(() => log(page).locator('.row').count()).toBe(1)
  const row = log(page).locator('.row').first()
  expect(await row.innerText()).toContain('200 KiB')
  await row.click()
  await detail(page).getByText('Showing the first 256 B of 200 KiB.').waitFor()
  expect(await detail(page).getByRole('button', { name: 'Replay this message' }).isDisabled()).toBe(true)
  await detail(page).getByRole('button', { name: 'Load full payload' }).click()
  const replay = detail(page).getByRole('button', { name: 'Replay this message' })
  await expect.poll(() => replay.isEnabled(), { timeout: 20_000 }).toBe(true)
  const before = received.length
  await replay.click()
  await expect.poll(() => received.length, { timeout: 20_000 }).toBe(before + 1)
  return received[before]
}

describe(`the log's byte budget (${APP_PATH} path)`, () => {
  it('drops the oldest payloads over a small budget, says so, and brings a dropped one back whole when opened', async () => {
    const { page, errors } = await app.open()
    await openLogActions(page)
    await page.getByRole('combobox', { name: 'Log memory budget' }).selectOption(String(16 * MIB))
    await connectTo(page, server.url)
    await sendText(page, 'go')
    // Until the last message is in. 100 × 200 KiB into 16 MiB: the oldest 19 give way to their previews.
    await page.getByRole('searchbox', { name: 'Filter messages' }).fill(`#${N - 1}:`)
    await expect.poll(() => log(page).locator('.row').count(), { timeout: 30_000 }).toBe(1)
    // Numbers shown as text follow arrivals at most four times a second: wait for the last update.
    const notice = page.getByRole('status').filter({ hasText: /^payloads of/ })
    await expect
      .poll(async () => (await notice.innerText()).replace(/\s+/g, ' '))
      .toBe('payloads of 19 messages (3.7 MiB) dropped to stay under the 16 MiB budget')
    // The filter sees a dropped row's preview: its first 256 characters.
    const back = await reopen(page, '#1:')
    expect(back.binary).toBe(false)
    expect(back.data.toString()).toBe(text(1))
    const backBin = await reopen(page, 'b1 0a')
    expect(backBin.binary).toBe(true)
    expect(backBin.data.equals(bin(10))).toBe(true)
    // A row the budget left alone has its payload in the page: nothing to load.
    await page.getByRole('searchbox', { name: 'Filter messages' }).fill('#99:')
    await expect.poll(() => log(page).locator('.row').count()).toBe(1)
    await log(page).locator('.row').first().click()
    await expect.poll(() => detail(page).getByRole('button', { name: 'Replay this message' }).isEnabled()).toBe(true)
    expect(
      await detail(page)
        .getByText(/Showing the first/)
        .count()
    ).toBe(0)
    expect(errors).toEqual([])
    await page.context().close()
  })
})

describe('reading one payload back from a recording', () => {
  const conn = '7c1e2f3a-0000-4000-8000-000000000001'
  let seq = 0
  const event = (data: string | Uint8Array): SockEvent =>
    ({
      type: 'message',
      dir: 'in',
      kind: typeof data === 'string' ? 'text' : 'binary',
      size: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength,
      data,
      id: conn,
      seq: ++seq,
      ts: 1_700_000_000_000 + seq
    }) as SockEvent
  /** Payloads made to trip a reader that looks for `seq` carelessly, some of them megabytes long. */
  const payload = (i: number): string | Uint8Array =>
    i % 7 === 0
      ? new Uint8Array(300 + i).map((_, j) => (i * j) & 0xff)
      : i % 500 === 0
        ? `{"seq":${i + 1},"x":"` + 'y'.repeat(3 * MIB) + `","seq":${i - 1}}`
        : `line ${i} "seq":${i + 5}, é€ \n\t "ts":1}`

  it('finds any event of a big recording by its seq, text or binary, and null for one it does not have', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockscope-seek-'))
    try {
      const store = new RecordingStore(dir)
      const id = store.start(conn, 'ws://127.0.0.1:1/')
      const sent = Array.from({ length: 3000 }, (_, i) => event(payload(i + 1)))
      store.record(sent)
      // Read while the connection is live (the writer's buffer is flushed first), then after it ended.
      for (const e of [sent[0], sent[1], sent[498], sent[499], sent[500], sent[1233], sent[2999]]) {
        expect(await store.payloadAt(id, e.seq), `seq ${e.seq}`).toEqual((e as { data: unknown }).data)
      }
      await store.end(conn)
      expect(await store.payloadAt(id, sent[1999].seq)).toEqual(payload(2000))
      expect(await store.payloadAt(id, 0)).toBeNull()
      expect(await store.payloadAt(id, 3001)).toBeNull()
      expect(await store.recordingFor(conn)).toBe(id)
      // A later run finds a connection's recording by its name and header (a read-only tab of an old recording).
      const later = new RecordingStore(dir)
      expect(await later.recordingFor(conn)).toBe(id)
      expect(await later.recordingFor('7c1e2f3a-0000-4000-8000-000000000002')).toBeUndefined()
      expect(await later.payloadAt(id, sent[2500].seq)).toEqual(payload(2501))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads past a damaged line and a missing file without failing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockscope-seek-'))
    try {
      const name = 'damaged.ndjson'
      const path = join(dir, name)
      writeFileSync(
        path,
        JSON.stringify({ type: 'sockscope-recording', version: 1, url: 'ws://x/', startedAt: '', connectionId: conn }) + '\n'
      )
      seq = 0
      for (let i = 1; i <= 50; i++) {
        appendFileSync(path, JSON.stringify(event(`p${i}`)) + '\n')
        if (i % 7 === 3) appendFileSync(path, '{"type":"message","data":"cut short by a cra\n')
      }
      const store = new RecordingStore(dir)
      for (let s = 1; s <= 50; s++) expect(await store.payloadAt(name, s)).toBe(`p${s}`)
      expect(await store.payloadAt('gone.ndjson', 3)).toBeNull()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
