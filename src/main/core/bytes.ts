import type { OutgoingMessage } from '../../shared/options'

export function hexToBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'))
}

export function base64ToBytes(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64.replace(/\s+/g, ''), 'base64'))
}

/** The bytes or text a validated outgoing message puts on the wire. */
export function outgoingPayload(msg: OutgoingMessage): string | Uint8Array {
  if (msg.kind === 'text') return msg.data
  return msg.encoding === 'hex' ? hexToBytes(msg.data) : base64ToBytes(msg.data)
}

/** A Uint8Array view of whatever `ws` handed us, without copying. */
export function asBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
