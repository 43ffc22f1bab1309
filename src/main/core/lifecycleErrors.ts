/** The errors the connection's own lifecycle reports (timeouts, floods, bugs caught), each with its next step. */
import type { Classified } from './classify'

export const handshakeTimeout = (limit: number): Classified => ({
  class: 'timeout',
  code: 'HANDSHAKE_TIMEOUT',
  message: `Opening handshake has timed out: no complete answer to the upgrade within ${limit} ms.`,
  next: 'The server accepted TCP but did not finish the upgrade: check the path and that it speaks WebSocket, or raise the handshake timeout.'
})

export const pongTimeout = (ms: number): Classified => ({
  class: 'timeout',
  code: 'PONG_TIMEOUT',
  message: `No pong within ${ms} ms of our ping: the link is dead and was terminated.`,
  next: 'Check the network or the server; reconnect is attempted if it is on.'
})

export const closeTimeout = (limit: number): Classified => ({
  class: 'timeout',
  code: 'CLOSE_TIMEOUT',
  message: `The server did not complete the closing handshake within ${limit} ms; the connection was terminated.`,
  next: 'Nothing to do; the server ignored our close frame.'
})

export const pingFlood = (limit: number): Classified => ({
  class: 'protocol',
  code: 'PING_FLOOD',
  message: `The server sends pings faster than it reads our pongs: ${limit} pongs are waiting to be written, so from now on only the latest ping is answered once they drain (RFC 6455 §5.5.3). The connection stays open.`,
  next: 'The server is not reading its socket, or pings in a loop: check it, or turn off automatic pongs for this connection.'
})

export const reconnectGaveUp = (max: number): Classified => ({
  class: 'network',
  code: 'RECONNECT_GAVE_UP',
  message: `Gave up after ${max} reconnect attempts.`,
  next: 'Press Connect to try again.'
})

export const preambleNotSent = (err: unknown): Classified => ({
  class: 'send',
  message: `Preamble message not sent: ${err instanceof Error ? err.message : String(err)}`,
  next: 'Check the preamble in Advanced.'
})

export const protocolAnswerNotSent = (err: unknown): Classified => ({
  class: 'send',
  message: `The protocol's answer (a keep-alive or the connect handshake) was not sent: ${err instanceof Error ? err.message : String(err)}`,
  next: 'The server may close the connection; reconnect if it does.'
})

export const internalError = (where: string, err: unknown): Classified => ({
  class: 'internal',
  code: 'INTERNAL',
  message: `Sockscope hit an internal error in ${where}: ${err instanceof Error ? err.message : String(err)}. This connection was closed; the rest of the app keeps running.`,
  next: 'Connect again. If it happens again, please report it with this message.'
})
