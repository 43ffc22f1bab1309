/** A WebSocket server that speaks raw frames over `net`, so tests can break the protocol on purpose. */
import { createHash } from 'node:crypto'
import type net from 'node:net'
import { startTcpServer } from './servers'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64')
}

/** One unmasked server frame. */
export function frame(opcode: number, payload: Buffer | string, opts: { fin?: boolean; rsv?: number } = {}): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload
  const first = ((opts.fin ?? true) ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opcode
  let header: Buffer
  if (body.length < 126) header = Buffer.from([first, body.length])
  else if (body.length < 65536) {
    header = Buffer.alloc(4)
    header[0] = first
    header[1] = 126
    header.writeUInt16BE(body.length, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = first
    header[1] = 127
    header.writeBigUInt64BE(BigInt(body.length), 2)
  }
  return Buffer.concat([header, body])
}

/** Completes the upgrade by hand, then hands the raw socket to `onOpen`. */
export function startRawWsServer(onOpen: (s: net.Socket) => void) {
  return startTcpServer((s) => {
    let head = ''
    const onData = (c: Buffer): void => {
      head += c.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      s.off('data', onData)
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? ''
      s.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`
      )
      onOpen(s)
    }
    s.on('data', onData)
  })
}
