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

/** The event for a message `ws` received: text decoded once, binary copied out of `ws`'s buffer. */
export function incomingMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) {
  if (isBinary) {
    const bytes = asBytes(data).slice() // own copy: `ws` may hand out a view of a larger buffer
    return { type: 'message', dir: 'in', kind: 'binary', size: bytes.byteLength, data: bytes } as const
  }
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(asBytes(data))
  return { type: 'message', dir: 'in', kind: 'text', size: buf.byteLength, data: buf.toString('utf8') } as const
}
