/**
 * The MQTT reference broker (`aedes`, MQTT 3.1 and 3.1.1) behind a `ws` WebSocketServer on 127.0.0.1 port 0 at
 * `/mqtt`, as the protocol tests use it: each socket becomes a stream handed to aedes (MQTT §6.0: binary frames, a
 * packet may span frames). It takes anonymous clients and `alice` with password `s3cret`; a wrong password gets
 * CONNACK "bad user name or password" (4), user `mallory` "not authorized" (5); a subscription to `forbidden/…` is
 * refused (SUBACK 0x80). It picks the `mqtt` subprotocol when offered.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Aedes, type AuthenticateError } from 'aedes'
import { createWebSocketStream, WebSocketServer } from 'ws'

export interface RunningMqttBroker {
  /** `ws://127.0.0.1:<port>/mqtt`. */
  url: string
  broker: Aedes
  close(): Promise<void>
}

const refusal = (returnCode: number, message: string): AuthenticateError => Object.assign(new Error(message), { returnCode })

export async function startMqttBroker(): Promise<RunningMqttBroker> {
  const broker = await Aedes.createBroker({
    authenticate(_client, username, password, done) {
      if (username === undefined) return done(null, true)
      if (username === 'mallory') return done(refusal(5, 'not authorized'), false)
      if (username === 'alice' && password?.toString() === 's3cret') return done(null, true)
      done(refusal(4, 'bad user name or password'), false)
    },
    authorizeSubscribe(_client, sub, done) {
      done(null, sub.topic.startsWith('forbidden/') ? null : sub)
    }
  })
  const http = createServer()
  const wss = new WebSocketServer({
    server: http,
    path: '/mqtt',
    handleProtocols: (offered) => (offered.has('mqtt') ? 'mqtt' : false)
  })
  wss.on('connection', (ws, req) => broker.handle(createWebSocketStream(ws), req))
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/mqtt`,
    broker,
    async close() {
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      await new Promise<void>((r) => http.close(() => r()))
      await new Promise<void>((r) => broker.close(() => r()))
    }
  }
}
