/**
 * Issue 16 through the UI in Chromium: a server sends MessagePack, CBOR, gzip'd JSON, schema-less Protobuf and a
 * decompression bomb; each row shows its codec badge and decoded summary, the detail pane opens on the decoded
 * tree, a picked chain re-decodes, and the bomb is refused in words with the raw bytes still there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { Packr } from 'msgpackr'
import { Encoder } from 'cbor-x'
import { connectTo, launchChromium, sendText } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'

let browser: Browser
let app: AppUnderTest
let server: RunningWs

const TRADE = { type: 'trade', price: 101.5, sym: 'BTC-USD', ids: [1, 2, 3] }
// Made once: 100 MiB of zeros, about 100 KiB compressed.
const BOMB = gzipSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 })
const PAYLOADS: Record<string, Buffer> = {
  msgpack: Buffer.from(new Packr({ useRecords: false }).pack(TRADE)),
  cbor: Buffer.from(new Encoder({ useRecords: false } as never).encode({ ...TRADE, type: 'quote' })),
  gzip: gzipSync(JSON.stringify({ ...TRADE, type: 'gzipped' })),
  // protobuf.dev's encoding guide: field 1 = 150, field 2 = "testing".
  proto: Buffer.from('08960112' + '07' + '74657374696e67', 'hex'),
  bomb: BOMB,
  // Raw deflate has no header: nothing to sniff, so only a chain set for the connection decodes it.
  deflate: deflateRawSync(JSON.stringify({ type: 'deflated', ok: true })),
  // Brotli has no magic number either; Node's zlib (Google's C brotli) compresses it.
  brotli: brotliCompressSync(JSON.stringify({ type: 'brotli', ok: true }))
}

beforeAll(async () => {
  browser = await launchChromium()
  ;[app, server] = await Promise.all([
    launchApp(browser),
    startWsServer({
      onConnection: (ws) =>
        // Binary comes back as it came (the composer's encoded messages); known words get their payload.
        ws.on('message', (d, binary) => (binary ? ws.send(d) : PAYLOADS[String(d)] && ws.send(PAYLOADS[String(d)])))
    })
  ])
})
afterAll(async () => {
  await app?.stop()
  await browser?.close()
  await server?.close()
})

const detail = (page: Page) => page.getByRole('complementary', { name: 'Message detail' })
const lastIn = (page: Page) => page.locator('[aria-label="Message log"] .row.in').last()

async function receive(page: Page, what: string, n: number): Promise<void> {
  await sendText(page, what)
  await expect.poll(() => page.locator('[aria-label="Message log"] .row.in').count()).toBe(n)
}

describe('codecs in the log and the detail pane', () => {
  it('shows MessagePack, CBOR, gzip→json and Protobuf decoded, with their badges, in the row and as a tree, and the field filter finds them', async () => {
    const { page } = await app.open()
    await connectTo(page, server.url)
    const cases: Array<[string, string, RegExp, RegExp]> = [
      ['msgpack', 'msgpack', /^\{"type":"trade","price":101\.5,"sym":"BTC-USD","ids":\[1,2,3\]\}$/, /^type: "trade"/],
      ['cbor', 'cbor', /^\{"type":"quote",/, /^type: "quote"/],
      ['gzip', 'gzip→json', /^\{"type":"gzipped",/, /^type: "gzipped"/],
      ['proto', 'protobuf', /^\{"#1":150,"#2":"testing"\}$/, /^#2: "testing"/]
    ]
    let n = 0
    for (const [what, badge, summary, treeItem] of cases) {
      await receive(page, what, ++n)
      const row = lastIn(page)
      await expect.poll(() => row.locator('.codec').textContent()).toBe(badge)
      expect(await row.locator('.preview').textContent()).toMatch(summary)
      await row.click()
      await expect.poll(() => detail(page).getByRole('tab', { name: 'Decoded' }).getAttribute('aria-selected')).toBe('true')
      await expect.poll(() => detail(page).getByTestId('codec-badge').textContent()).toBe(badge)
      await detail(page).getByRole('treeitem', { name: treeItem }).waitFor()
    }
    // The field filter reads the decoded values: MessagePack, CBOR and gzip'd JSON alike, and a Protobuf field number.
    const filter = page.getByRole('searchbox', { name: 'Filter messages' })
    await filter.fill('$.price > 100 && $.type != "trade"')
    await expect.poll(() => page.locator('[aria-label="Message log"] .row.in .codec').allTextContents()).toEqual(['cbor', 'gzip→json'])
    await filter.fill('$.#1 == 150')
    await expect.poll(() => page.locator('[aria-label="Message log"] .row.in .codec').allTextContents()).toEqual(['protobuf'])
    await filter.fill('')
    // The cleared filter is drawn on a later frame (its scan runs in slices): until then the first incoming row shown is
    // still the Protobuf one, and a click there selected the wrong row (4 failures in 5 runs, at this session's start too).
    await expect.poll(() => page.locator('[aria-label="Message log"] .row.in').count()).toBe(4)
    // A chain picked by hand: the MessagePack payload read as CBOR fails, in words, and the hex is still there.
    await page.locator('[aria-label="Message log"] .row.in').first().click()
    await detail(page)
      .getByRole('treeitem', { name: /^type: "trade"/ })
      .waitFor()
    // `npm run screenshots` keeps the README's picture of a decoded MessagePack message.
    const shots = process.env.SOCKSCOPE_SCREENSHOT_DIR
    if (shots) await page.screenshot({ path: join(shots, 'codecs-msgpack.png') })
    await detail(page).getByLabel('Decode as').selectOption('cbor')
    await expect
      .poll(() => detail(page).getByRole('alert').textContent())
      .toMatch(/^\s*not valid CBOR.*The raw bytes are in the Hex, Base64 and Text views\.\s*$/)
    await detail(page).getByRole('tab', { name: 'Hex' }).click()
    await detail(page).getByRole('region', { name: 'Hex dump' }).waitFor()
    await page.context().close()
  })

  it('sends JSON from the composer as MessagePack, showing the sizes first; the echo decodes to the same value', async () => {
    const { page } = await app.open()
    await connectTo(page, server.url)
    await page.getByRole('tab', { name: 'JSON' }).click()
    const editor = page.getByRole('textbox', { name: 'Message' })
    await editor.fill('{"op":"order","qty":3,"px":101.25}')
    await page.getByLabel('Send JSON as').selectOption('gzip → msgpack')
    await expect.poll(() => page.getByTestId('encoded-size').textContent()).toMatch(/^34 B as JSON → \d+ B as gzip→msgpack$/)
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await expect.poll(() => page.locator('[aria-label="Message log"] .row.in').count()).toBe(1)
    for (const dir of ['out', 'in']) {
      const row = page.locator(`[aria-label="Message log"] .row.${dir}.binary`).last()
      await expect.poll(() => row.locator('.codec').textContent()).toBe('gzip→msgpack')
      expect(await row.locator('.preview').textContent()).toBe('{"op":"order","qty":3,"px":101.25}')
    }
    await page.context().close()
  })

  it('decodes through the chain set for the connection where sniffing sees nothing, and the summary says so', async () => {
    const { page } = await app.open()
    await page.getByRole('tab', { name: 'Decoding' }).click()
    await page.getByLabel('Decode received messages as').selectOption('deflate → json')
    await connectTo(page, server.url)
    await receive(page, 'deflate', 1)
    const row = lastIn(page)
    await expect.poll(() => row.locator('.codec').textContent()).toBe('deflate→json')
    expect(await row.locator('.preview').textContent()).toBe('{"type":"deflated","ok":true}')
    await row.click()
    await detail(page)
      .getByRole('treeitem', { name: /^type: "deflated"/ })
      .waitFor()
    expect(await page.getByText(/decode in: deflate → json/).count()).toBe(1)
    // A changed setting applies to what arrives next. Connected, the settings are folded: open them.
    await page.getByRole('button', { name: /^Open the connection settings/ }).click()
    await page.getByRole('tab', { name: 'Decoding' }).click()
    await page.getByLabel('Decode received messages as').selectOption('brotli → json')
    await receive(page, 'brotli', 2)
    await expect.poll(() => lastIn(page).locator('.codec').textContent()).toBe('brotli→json')
    expect(await lastIn(page).locator('.preview').textContent()).toBe('{"type":"brotli","ok":true}')
    // The deflate message read under the new setting does not decode: the error banner says so, and leads back.
    const banner = page.getByRole('region', { name: 'Connection error' })
    await expect.poll(() => banner.textContent()).toMatch(/Incoming message #\d+ does not decode as brotli → json/)
    await banner.getByRole('button', { name: 'Open Decoding settings' }).click()
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('decode-in')
    await page.context().close()
  })

  it('refuses a decompression bomb at the output limit and keeps the raw bytes', async () => {
    const { page } = await app.open()
    await connectTo(page, server.url)
    await receive(page, 'bomb', 1)
    await lastIn(page).click()
    await expect
      .poll(async () => (await detail(page).getByRole('alert').textContent())?.trim(), { timeout: 30_000 })
      .toBe(
        'the decompressed size passed the 64 MiB limit; the message was not decoded. The raw bytes are in the Hex, Base64 and Text views.'
      )
    await page.context().close()
  })
})
