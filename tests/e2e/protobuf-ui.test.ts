/**
 * Protobuf with a schema through the UI in Chromium, under the app's Content Security Policy (no eval): a .proto
 * imported in the connection's Decoding settings, a server sending messages that protobufjs's own compiled codec
 * encodes; the row shows `pb:Trade` and its summary, the detail pane the tree, the field filter finds it by a field,
 * and the composer sends JSON as the type (the server decodes it) and refuses a value the type cannot hold, naming
 * the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import protobuf from 'protobufjs'
import type { Browser } from 'playwright-core'
import { connectTo, launchChromium, sendText } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { startWsServer, type RunningWs } from '../helpers/servers'

const PROTO = join(import.meta.dirname, '..', 'fixtures', 'codecs', 'trading.proto')
const root = new protobuf.Root()
protobuf.parse(readFileSync(PROTO, 'utf8'), root, { keepCase: true })
root.addJSON((protobuf.common.get('google/protobuf/timestamp.proto') as { nested: protobuf.INamespace['nested'] }).nested!)
const Trade = root.resolveAll().lookupType('trading.Trade')
const encode = (o: object): Buffer => Buffer.from(Trade.encode(Trade.fromObject(o)).finish())

let browser: Browser
let app: AppUnderTest
let server: RunningWs
/** What the server decoded from the binary messages it got. */
const received: unknown[] = []

beforeAll(async () => {
  browser = await launchChromium()
  ;[app, server] = await Promise.all([
    launchApp(browser),
    startWsServer({
      onConnection: (ws) =>
        ws.on('message', (d: Buffer, binary) => {
          if (binary) received.push(Trade.toObject(Trade.decode(d), { longs: String, enums: String }))
          else if (String(d) === 'trades')
            for (const [symbol, price] of [
              ['BTC-USD', 64250.5],
              ['ETH-USD', 3120.25]
            ] as const)
              ws.send(encode({ symbol, price, qty: '9007199254740993', side: 'SELL', legs: [{ id: 1 }] }))
        })
    })
  ])
})
afterAll(async () => {
  await app?.stop()
  await browser?.close()
  await server?.close()
})

describe('Protobuf with an imported schema', () => {
  it('decodes rows as the type, filters by a field, and sends JSON as the type', async () => {
    const { page } = await app.open()
    await page.getByRole('tab', { name: 'Decoding' }).click()
    await page.locator('#proto-import').setInputFiles(PROTO)
    await expect.poll(() => page.getByTestId('proto-schema').textContent()).toMatch(/trading\.proto\s*· 3 message types/)
    // A file that is not a schema is refused in words, and the imported schema stays.
    await page.locator('#proto-import').setInputFiles({ name: 'bad.proto', mimeType: 'text/plain', buffer: Buffer.from('message { x') })
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'bad.proto' }).textContent())
      .toMatch(/^bad\.proto is not a \.proto file protobufjs can read: .* The schema was not changed\.$/)
    expect(await page.getByTestId('proto-schema').textContent()).toMatch(/trading\.proto/)
    await page.getByLabel('Decode received messages as').selectOption('protobuf:trading.Trade')
    await connectTo(page, server.url)
    await sendText(page, 'trades')
    const rows = page.locator('[aria-label="Message log"] .row.in')
    await expect.poll(() => rows.count()).toBe(2)
    await expect.poll(() => rows.first().locator('.codec').textContent()).toBe('pb:Trade')
    expect(await rows.first().locator('.preview').textContent()).toMatch(
      /^\{"symbol":"BTC-USD","price":64250\.5,"qty":9007199254740993n,"side":"SELL",/
    )
    await rows.first().click()
    const detail = page.getByRole('complementary', { name: 'Message detail' })
    await detail.getByRole('treeitem', { name: /^symbol: "BTC-USD"/ }).waitFor()
    // A 64-bit integer past 2^53 stays exact, shown as a big integer rather than a rounded number.
    await detail.getByRole('treeitem', { name: /^qty: 9007199254740993n/ }).waitFor()

    await page.getByRole('searchbox', { name: 'Filter messages' }).fill('$.symbol == "ETH-USD" && $.price > 3000')
    await expect.poll(() => rows.count()).toBe(1)
    expect(await rows.first().locator('.preview').textContent()).toMatch(/^\{"symbol":"ETH-USD"/)
    await page.getByRole('searchbox', { name: 'Filter messages' }).fill('')

    await page.getByRole('tab', { name: 'JSON' }).click()
    const editor = page.getByRole('textbox', { name: 'Message' })
    // JSON5 as people type it: a comment, unquoted keys, a trailing comma.
    await editor.fill('{ symbol: "SOL", // the order\n qty: "9223372036854775807", side: "BUY", legs: [{ id: 7 }], }')
    await page.getByLabel('Send JSON as').selectOption('protobuf:trading.Trade')
    await expect.poll(() => page.getByTestId('encoded-size').textContent()).toMatch(/ B as JSON → \d+ B as pb:Trade$/)
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await expect.poll(() => received.length).toBe(1)
    // The server's own reading of the bytes: the largest int64, exact.
    expect(received[0]).toMatchObject({ symbol: 'SOL', qty: '9223372036854775807', side: 'BUY', legs: [{ id: '7' }] })

    await editor.fill('{ "symbol": "SOL", "legs": [{ "id": "seven" }] }')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'legs[0].id' }).last().textContent())
      .toContain('trading.Trade cannot hold this value: legs[0].id: a whole number is expected, not "seven"')
    expect(received).toHaveLength(1)
    await page.context().close()
  })
})
