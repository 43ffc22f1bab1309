/**
 * Each protocol through the UI in Chromium, against its reference server on 127.0.0.1 (Socket.IO has its own file,
 * socketio-ui.test.ts): the protocol is picked, its connect settings given in the Protocol settings, rows read as its
 * messages, the composer's form sends, and the link stays up past the server's keep-alive deadline with nobody typing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { connectTo, launchChromium } from './harness'
import { launchApp, type AppUnderTest } from './paths'
import { startSignalrServer } from '../helpers/signalrServer'
import { startStompBroker } from '../helpers/stompServer'
import { startMqttBroker } from '../helpers/mqttBroker'
import { startTransportWsServer, TOKEN } from '../helpers/graphqlServer'

let browser: Browser
let app: AppUnderTest

beforeAll(async () => {
  browser = await launchChromium()
  app = await launchApp(browser)
})
afterAll(async () => {
  await app?.stop()
  await browser?.close()
})

const rows = (page: Page) => page.locator('[aria-label="Message log"] .row')
const badge = (page: Page, text: RegExp) => rows(page).filter({ has: page.locator('.codec', { hasText: text }) })
const connected = (page: Page) => page.getByRole('status', { name: 'Connection state' }).textContent()
/** The log's close rows, to say why a connection that should have stayed up did not. */
const closes = async (page: Page): Promise<string> =>
  (await page.locator('[aria-label="Message log"] .row.close').allInnerTexts()).join(' | ') || 'no close row'

async function openProtocolSettings(page: Page, url: string): Promise<void> {
  await page.getByRole('textbox', { name: 'URL' }).fill(url)
  await page.getByRole('tab', { name: 'Protocol', exact: true }).click()
}

/** The composer's form for the connection's protocol, at an action. */
async function formAction(page: Page, protocolTab: string, action: string): Promise<ReturnType<Page['getByRole']>> {
  await page.getByRole('tab', { name: protocolTab, exact: true }).click()
  const form = page.getByRole('group', { name: 'Protocol message' })
  await form.getByLabel('Protocol action').selectOption(action)
  return form
}

async function sendForm(page: Page, body: string | null): Promise<void> {
  if (body !== null) await page.getByRole('textbox', { name: /^(Arguments|Query|Body|Payload)/ }).fill(body)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

describe('protocols in the UI', () => {
  it('SignalR: the hub handshake, an invoke whose Completion names it, and pings past the client timeout', async () => {
    const hub = await startSignalrServer({ clientTimeoutMs: 600, pingIntervalMs: 200 })
    try {
      const { page } = await app.open()
      await openProtocolSettings(page, hub.url)
      await expect.poll(() => page.getByLabel('Protocol', { exact: true }).locator('option').first().textContent()).toContain('SignalR')
      await page.getByLabel('SignalR ping interval (ms)').fill('150')
      await connectTo(page, hub.url)
      await badge(page, /^handshake$/)
        .first()
        .waitFor()

      const form = await formAction(page, 'SignalR', 'Invoke')
      await form.getByLabel('Method').fill('Echo')
      await sendForm(page, '"hello hub"')
      const done = badge(page, /^Completion #1 ← Echo$/)
      await done.first().waitFor()
      expect(await done.first().locator('.preview').textContent()).toContain('hello hub')
      expect(await badge(page, /^Invocation Echo #1$/).count()).toBe(1)

      // Three client timeouts with nobody typing: our pings keep the hub from dropping the link.
      await page.waitForTimeout(3 * 600)
      expect(await connected(page), await closes(page)).toContain('Connected')
      expect(hub.clients[0]?.closedWith).toBeUndefined()
      expect(
        await badge(page, /^Ping$/)
          .first()
          .getAttribute('class')
      ).toContain('keepalive')
      await page.context().close()
    } finally {
      await hub.close()
    }
  })

  it('STOMP: CONNECT with login and passcode, a subscription from the form receives a MESSAGE, heart-beats past the deadline', async () => {
    // stomp-broker-js drops a client that sends no heart-beat for about 750 ms.
    const broker = await startStompBroker({ heartBeatMs: 250, marginMs: 450, login: 'guest', passcode: 's3cret' })
    try {
      const { page } = await app.open()
      await openProtocolSettings(page, broker.url)
      await page.getByLabel('STOMP login').fill('guest')
      await page.getByLabel(/^STOMP passcode/).fill('s3cret')
      await page.getByLabel(/^STOMP heart-beat/).fill('200')
      await connectTo(page, broker.url)
      await badge(page, /^CONNECTED 1\.1$/)
        .first()
        .waitFor()
      // The CONNECT row keeps the passcode's mask.
      expect(await page.locator('[aria-label="Message log"]').textContent()).not.toContain('s3cret')

      const form = await formAction(page, 'STOMP', 'SUBSCRIBE')
      await form.getByLabel('Destination').fill('/topic/prices')
      await sendForm(page, null)
      await broker.subscribed('/topic/prices')
      await expect.poll(() => page.getByRole('button', { name: /^Running:/ }).textContent()).toContain('Running: 1')
      broker.publish('/topic/prices', 'EUR 1.08')
      const message = badge(page, /^MESSAGE \/topic\/prices$/)
      await message.first().waitFor()
      expect(await message.first().locator('.preview').textContent()).toBe('EUR 1.08')

      await page.waitForTimeout(3 * 750)
      expect(await connected(page), await closes(page)).toContain('Connected')
      expect(broker.disconnected).toEqual([])
      expect(
        await badge(page, /^heart-beat$/)
          .first()
          .getAttribute('class')
      ).toContain('keepalive')

      // Stop in the operations list sends the UNSUBSCRIBE for it.
      await page.getByRole('button', { name: /^Running:/ }).click()
      await page.getByRole('button', { name: 'Stop' }).click()
      await badge(page, /^UNSUBSCRIBE/)
        .first()
        .waitFor()
      await page.context().close()
    } finally {
      await broker.close()
    }
  })

  it('MQTT: CONNECT with credentials, the form subscribes and publishes at QoS 1, PINGREQ past the keep-alive deadline', async () => {
    const broker = await startMqttBroker()
    try {
      const { page } = await app.open()
      await openProtocolSettings(page, broker.url)
      await expect.poll(() => page.getByLabel('Protocol', { exact: true }).locator('option').first().textContent()).toContain('MQTT')
      await page.getByLabel('MQTT user name').fill('alice')
      await page.getByLabel(/^MQTT password/).fill('s3cret')
      // aedes drops a client silent for 1.5 × its keep-alive.
      await page.getByLabel(/^MQTT keep-alive/).fill('1')
      await connectTo(page, broker.url)
      await badge(page, /^CONNACK Success/)
        .first()
        .waitFor()

      let form = await formAction(page, 'MQTT', 'SUBSCRIBE')
      await form.getByLabel('Topic filter').fill('sensors/#')
      await form.getByLabel('QoS').selectOption('1')
      await sendForm(page, null)
      await badge(page, /^SUBACK Granted QoS 1/)
        .first()
        .waitFor()
      form = await formAction(page, 'MQTT', 'PUBLISH')
      await form.getByLabel('Topic', { exact: true }).fill('sensors/1')
      await form.getByLabel('QoS').selectOption('1')
      await sendForm(page, '21.5')
      // The broker delivers it back to our subscription; the session's PUBACK completes QoS 1 both ways.
      const delivered = page
        .locator('[aria-label="Message log"] .row.in')
        .filter({ has: page.locator('.codec', { hasText: /^PUBLISH sensors\/1 QoS1/ }) })
      await delivered.first().waitFor()
      await badge(page, /^PUBACK/)
        .first()
        .waitFor()

      await page.waitForTimeout(2500)
      expect(await connected(page), await closes(page)).toContain('Connected')
      expect(
        await badge(page, /^PINGREQ/)
          .first()
          .getAttribute('class')
      ).toContain('keepalive')
      await page.context().close()
    } finally {
      await broker.close()
    }
  })

  it('GraphQL: connection params, a subscription from the form ticks and completes, an operation error in the banner', async () => {
    // The server pings every 150 ms and closes a client whose pong is 750 ms late (250 ms lost the link once in CI
    // on a busy machine); its RFC 6455 pings every 750 ms end a socket that missed one.
    const server = await startTransportWsServer({ keepAliveMs: 750, initWaitMs: 2000, protocolPing: { everyMs: 150, deadlineMs: 750 } })
    try {
      const { page } = await app.open()
      await openProtocolSettings(page, server.url)
      await expect.poll(() => page.getByLabel('Protocol', { exact: true }).locator('option').first().textContent()).toContain('GraphQL')
      await page.getByLabel(/^GraphQL connection params/).fill(`{"token": "${TOKEN}"}`)
      // A /graphql URL offers the GraphQL subprotocols by itself: the server picks graphql-transport-ws.
      await connectTo(page, server.url)
      await badge(page, /^connection_ack$/)
        .first()
        .waitFor()

      const form = await formAction(page, 'GraphQL over WebSocket', 'Subscribe')
      await form.getByLabel('Variables').fill('{"n": 3}')
      await sendForm(page, 'subscription Ticks($n: Int!) { ticks(count: $n) }')
      await badge(page, /^complete Ticks #1$/)
        .first()
        .waitFor()
      expect(await badge(page, /^next Ticks #1$/).count()).toBe(3)
      expect(await page.getByRole('button', { name: /^Running:/ }).textContent()).toContain('Running: 0')

      await sendForm(page, 'subscription Boom { fails }')
      const banner = page.getByRole('region', { name: 'Connection error' })
      await expect.poll(() => banner.textContent()).toContain('GRAPHQL_ERROR')
      expect(await banner.textContent()).toContain('Boom #2')

      await page.waitForTimeout(3 * 750)
      expect(await connected(page), await closes(page)).toContain('Connected')
      await expect.poll(() => badge(page, /^pong$/).count()).toBeGreaterThan(2)
      await page.context().close()
    } finally {
      await server.close()
    }
  })
})
