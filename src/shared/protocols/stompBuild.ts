/** The STOMP frames a user sends (the composer and the session build them here): text frames, absent or empty optional headers left out. */
import { encodeStompFrame, stompHeader, type StompFrame, type StompVersion } from './stomp'

function textFrame(command: string, headers: Record<string, string | undefined>, version: StompVersion = '1.2'): string {
  const present = Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
  return encodeStompFrame({ command, headers: present }, version) as string
}

/** CONNECT ("CONNECT or STOMP Frame"): every version offered, `heart-beat` both ways at `heartBeatMs` (0: none). */
export function stompConnect(o: { host: string; login?: string; passcode?: string; heartBeatMs?: number }): string {
  const hb = o.heartBeatMs ?? 10_000
  return textFrame('CONNECT', {
    'accept-version': '1.0,1.1,1.2',
    host: o.host,
    login: o.login,
    passcode: o.passcode,
    'heart-beat': `${hb},${hb}`
  })
}

export type StompAckMode = 'auto' | 'client' | 'client-individual'
type Receipt = { receipt?: string }

/** SUBSCRIBE ("SUBSCRIBE", "SUBSCRIBE ack Header"): `id` is required from 1.1 on. */
export const stompSubscribe = (o: { id: string; destination: string; ack?: StompAckMode } & Receipt, version?: StompVersion): string =>
  textFrame('SUBSCRIBE', { id: o.id, destination: o.destination, ack: o.ack, receipt: o.receipt }, version)

export const stompUnsubscribe = (o: { id: string } & Receipt, version?: StompVersion): string =>
  textFrame('UNSUBSCRIBE', { id: o.id, receipt: o.receipt }, version)

/** SEND ("SEND"): text when the body is text, bytes when it is bytes; `content-length` is added. */
export function stompSend(
  o: { destination: string; body?: string | Uint8Array; headers?: Record<string, string> } & Receipt,
  version: StompVersion = '1.2'
): string | Uint8Array {
  const headers: Array<[string, string]> = [['destination', o.destination], ...Object.entries(o.headers ?? {})]
  if (o.receipt) headers.push(['receipt', o.receipt])
  return encodeStompFrame({ command: 'SEND', headers, body: o.body ?? '' }, version)
}

/** The id to ACK or NACK a MESSAGE by: 1.2 its `ack` header, 1.1 and 1.0 its `message-id` (with its subscription). */
export function stompAckIdOf(message: StompFrame, version: StompVersion): { id: string; subscription?: string } {
  const id = (version === '1.2' ? stompHeader(message, 'ack') : undefined) ?? stompHeader(message, 'message-id') ?? ''
  return { id, subscription: stompHeader(message, 'subscription') }
}

type AckInput = { id: string; subscription?: string; transaction?: string } & Receipt

/** ACK and NACK ("ACK", "NACK"): 1.2 names the message by `id`, 1.1 by `message-id` and `subscription`, 1.0 by `message-id`. */
function ackFrame(command: 'ACK' | 'NACK', o: AckInput, version: StompVersion = '1.2'): string {
  const ids = version === '1.2' ? { id: o.id } : { 'message-id': o.id, subscription: version === '1.1' ? o.subscription : undefined }
  return textFrame(command, { ...ids, transaction: o.transaction, receipt: o.receipt }, version)
}
export const stompAck = (o: AckInput, version?: StompVersion): string => ackFrame('ACK', o, version)
/** NACK exists from 1.1 on. */
export const stompNack = (o: AckInput, version?: StompVersion): string => ackFrame('NACK', o, version)

/** DISCONNECT ("Graceful Disconnect"): with a receipt, the server's RECEIPT says everything before it was handled. */
export const stompDisconnect = (o: Receipt = {}, version?: StompVersion): string => textFrame('DISCONNECT', { receipt: o.receipt }, version)
