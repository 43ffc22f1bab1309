/** STOMP's module for the registry (shared/protocols/index.ts): what names it, its rows, its subscriptions, its payloads. */
import { describeStompFrame, encodeStompFrame, parseStompFrames, stompHeader, type StompFrame, type StompVersion } from './stomp'
import type { ProtocolModule } from './types'

/** The STOMP version a negotiated subprotocol names ("Use of STOMP over WebSocket": v10.stomp, v11.stomp, v12.stomp). */
export function stompVersionOf(subprotocol: string | null): StompVersion {
  return subprotocol === 'v10.stomp' ? '1.0' : subprotocol === 'v11.stomp' ? '1.1' : '1.2'
}

/** Does the URL's path have a `stomp` segment (`/stomp`, `/ws/stomp`)? */
export function looksLikeStomp(url: string): boolean {
  try {
    return new URL(url).pathname.split('/').some((s) => s.toLowerCase() === 'stomp')
  } catch {
    return false
  }
}

export const stompModule: ProtocolModule = {
  subprotocols: ['v12.stomp', 'v11.stomp', 'v10.stomp'],
  matchesUrl: looksLikeStomp,
  describe(frame, subprotocol) {
    try {
      return describeStompFrame(frame, stompVersionOf(subprotocol))
    } catch (e) {
      return { kind: 'invalid', text: `not readable as STOMP: ${(e as Error).message}`, keepAlive: false }
    }
  },
  // "SUBSCRIBE" / "UNSUBSCRIBE": a subscription runs from our SUBSCRIBE until our UNSUBSCRIBE with its id.
  startedBy(frame, subprotocol) {
    const f = firstFrame(frame, subprotocol)
    const id = f?.command === 'SUBSCRIBE' ? stompHeader(f, 'id') : undefined
    return f && id !== undefined ? { id, name: stompHeader(f, 'destination') ?? '(no destination)' } : null
  },
  endedBy(frame, subprotocol) {
    const f = firstFrame(frame, subprotocol)
    return f?.command === 'UNSUBSCRIBE' ? (stompHeader(f, 'id') ?? null) : null
  },
  // "MESSAGE" / "SEND": the body is the application's (content-type says what it is): the codecs may read it.
  payloadOf(frame, subprotocol) {
    const f = firstFrame(frame, subprotocol)
    return f && (f.command === 'MESSAGE' || f.command === 'SEND') && f.body.length ? f.body : null
  },
  stopFrame: (id, subprotocol) => encodeStompFrame({ command: 'UNSUBSCRIBE', headers: [['id', id]] }, stompVersionOf(subprotocol))
}

/** The first STOMP frame of a WebSocket frame, or undefined (the operations follow only our own single frames). */
function firstFrame(frame: string | Uint8Array, subprotocol: string | null): StompFrame | undefined {
  try {
    return parseStompFrames(frame, stompVersionOf(subprotocol)).frames[0]
  } catch {
    return undefined
  }
}
