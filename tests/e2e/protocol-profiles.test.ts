/**
 * Issue 17, "Done means": a profile per protocol is saved, survives a restart of the app on the same data folder, and
 * reconnects, its protocol settings and secrets included. Browser mode keeps secrets in memory only, so after the
 * restart each profile asks for its secret by the name the Protocol settings give it; the desktop path keeps them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './harness'
import { launchApp } from './paths'
import { startSocketIoServer } from '../helpers/socketio'
import { startTransportWsServer, TOKEN } from '../helpers/graphqlServer'
import { startStompBroker } from '../helpers/stompServer'
import { startMqttBroker } from '../helpers/mqttBroker'
import { startSignalrServer } from '../helpers/signalrServer'

let browser: Browser
const dataDir = mkdtempSync(join(tmpdir(), 'sockscope-e2e-protocol-profiles-'))
const stops: Array<() => Promise<void>> = []

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  for (const stop of stops) await stop()
  await browser?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

interface ProtocolProfile {
  name: string
  url: string
  /** Fills the Protocol settings (the secret among them). */
  settings(page: Page): Promise<void>
  /** The secret as the Missing secrets form names it, and its value; none for SignalR. */
  secret?: [label: string, value: string]
  /** The row that says the server took the handshake. */
  accepted: RegExp
}

async function save(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Save profile' }).click()
  const dialog = page.getByRole('dialog', { name: 'Save profile' })
  await dialog.getByLabel('Name').fill(name)
  await dialog.getByRole('button', { name: 'Save', exact: true }).click()
  await page.getByRole('list', { name: 'Profiles' }).getByRole('listitem').filter({ hasText: name }).waitFor()
}

describe('a profile per protocol', () => {
  it('is saved, restarted and reconnected, with its protocol settings and secrets', async () => {
    const sio = await startSocketIoServer({ pingInterval: 250, pingTimeout: 250 })
    const gql = await startTransportWsServer({ keepAliveMs: 1000, initWaitMs: 2000 })
    const stomp = await startStompBroker({ heartBeatMs: 0, marginMs: 0, login: 'guest', passcode: 'st0mp' })
    const mqtt = await startMqttBroker()
    const hub = await startSignalrServer({ clientTimeoutMs: 5000, pingIntervalMs: 1000 })
    stops.push(sio.close, gql.close, stomp.close, mqtt.close, hub.close)
    const profiles: ProtocolProfile[] = [
      {
        name: 'Socket.IO admin',
        url: sio.url,
        settings: async (page) => {
          await page.getByLabel('Socket.IO namespace').fill('/admin')
          await page.getByLabel(/^Socket\.IO auth payload/).fill('{"token": "s3cret"}')
        },
        secret: ['the Socket.IO auth payload', '{"token": "s3cret"}'],
        accepted: /^event welcome \/admin$/
      },
      {
        name: 'GraphQL ticks',
        url: gql.url,
        settings: (page) => page.getByLabel(/^GraphQL connection params/).fill(`{"token": "${TOKEN}"}`),
        secret: ['the GraphQL connection params', `{"token": "${TOKEN}"}`],
        accepted: /^connection_ack$/
      },
      {
        name: 'STOMP broker',
        url: stomp.url,
        settings: async (page) => {
          await page.getByLabel('STOMP login').fill('guest')
          await page.getByLabel(/^STOMP passcode/).fill('st0mp')
        },
        secret: ['the STOMP passcode', 'st0mp'],
        accepted: /^CONNECTED 1\.1$/
      },
      {
        name: 'MQTT sensors',
        url: mqtt.url,
        settings: async (page) => {
          await page.locator('#protocol-kind').selectOption('mqtt')
          await page.getByLabel('MQTT user name').fill('alice')
          await page.getByLabel(/^MQTT password/).fill('s3cret')
        },
        secret: ['the MQTT password', 's3cret'],
        accepted: /^CONNACK Success/
      },
      { name: 'SignalR hub', url: hub.url, settings: async () => {}, accepted: /^handshake$/ }
    ]

    let app = await launchApp(browser, { dataDir })
    let { page } = await app.open()
    for (const p of profiles) {
      await page.getByRole('button', { name: 'New connection' }).click()
      await page.getByRole('textbox', { name: 'URL' }).fill(p.url)
      await page.getByRole('tab', { name: 'Protocol', exact: true }).click()
      await p.settings(page)
      await save(page, p.name)
    }
    await page.context().close()
    await app.stop()

    app = await launchApp(browser, { dataDir })
    ;({ page } = await app.open())
    for (const p of profiles) {
      await page.getByRole('list', { name: 'Profiles' }).getByRole('button', { name: p.name, exact: true }).click()
      const missing = page.getByRole('form', { name: 'Missing secrets' })
      if (p.secret && app.path === 'browser') {
        await missing.getByLabel(`Secret: ${p.secret[0]}`).fill(p.secret[1])
        await missing.getByRole('button', { name: 'Use' }).click()
      }
      await page.getByRole('button', { name: 'Connect', exact: true }).click()
      await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'Connected' }).waitFor()
      const rows = page.locator('[aria-label="Message log"] .row')
      await rows
        .filter({ has: page.locator('.codec', { hasText: p.accepted }) })
        .first()
        .waitFor()
      expect(await page.getByRole('region', { name: 'Connection error' }).count()).toBe(0)
      await page.getByRole('button', { name: 'Disconnect', exact: true }).click()
    }
    await page.context().close()
    await app.stop()
  })
})
