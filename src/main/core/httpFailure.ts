/** A handshake answered with plain HTTP instead of 101: read the first 64 KiB of the body and describe it. */
import type { IncomingMessage } from 'node:http'
import type { ErrorEvent } from '../../shared/events'
import { rawHeaderEntries } from './handshakeCapture'
import type { TimerSet } from './timers'

export const HTTP_BODY_LIMIT = 64 * 1024
const BODY_WAIT_MS = 2000

export type HttpFailure = Omit<ErrorEvent, 'id' | 'seq' | 'ts'>

function nextStep(status: number, location: string | undefined): string {
  if (status >= 300 && status < 400)
    return `The server redirects${location ? ` to ${location}` : ''}: use that URL, or turn on Follow redirects.`
  if (status === 401 || status === 403) return 'The server refused the credentials: check the Auth tab and headers.'
  if (status >= 500) return 'The server failed while handling the upgrade: check its logs.'
  return 'The server did not accept the WebSocket upgrade: check the path and headers.'
}

/** Reads the response (bounded in size and time) and calls `done` once with the error to report. */
export function readHttpFailure(res: IncomingMessage, timers: TimerSet, done: (e: HttpFailure) => void): void {
  const status = res.statusCode ?? 0
  const chunks: Buffer[] = []
  let got = 0
  let finished = false
  const finish = (): void => {
    if (finished) return
    finished = true
    timers.clear('http-body')
    if (status === 101) {
      // Node hands a 101 without `Upgrade: websocket` over as an ordinary response.
      done({
        type: 'error',
        class: 'protocol',
        code: 'HANDSHAKE_INVALID',
        message: 'The server answered 101 Switching Protocols without a valid "Upgrade: websocket" header.',
        next: 'The server answered the upgrade incorrectly; check the server or any proxy in between.'
      })
      return
    }
    done({
      type: 'error',
      class: 'http-status',
      code: `HTTP_${status}`,
      message: `Unexpected server response: ${status} ${res.statusMessage ?? ''}`.trim(),
      next: nextStep(status, res.headers.location),
      status,
      headers: rawHeaderEntries(res.rawHeaders, new Set(['set-cookie'])),
      body: Buffer.concat(chunks).subarray(0, HTTP_BODY_LIMIT).toString('utf8')
    })
  }
  timers.once('http-body', BODY_WAIT_MS, finish)
  res.on('data', (c: Buffer) => {
    if (got < HTTP_BODY_LIMIT) chunks.push(c)
    got += c.length
    if (got >= HTTP_BODY_LIMIT) finish()
  })
  res.on('end', finish)
  res.on('error', finish)
}
