/** An HTTP CONNECT proxy and a SOCKS5 proxy, just enough to prove traffic passes through them. */
import net, { type AddressInfo } from 'node:net'

export interface RunningProxy {
  url: string
  /** host:port targets tunnelled so far. */
  tunnels: string[]
  close(): Promise<void>
}

function listen(server: net.Server, sockets: Set<net.Socket>, scheme: string, tunnels: string[]): Promise<RunningProxy> {
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => undefined)
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
        tunnels,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy()
            server.close(() => r())
          })
      })
    )
  )
}

function pipeTo(client: net.Socket, host: string, port: number, onReady: (upstream: net.Socket) => void, sockets: Set<net.Socket>): void {
  const upstream = net.connect(port, host, () => onReady(upstream))
  sockets.add(upstream)
  upstream.on('close', () => sockets.delete(upstream))
  upstream.on('error', () => client.destroy())
  client.on('error', () => upstream.destroy())
  client.on('close', () => upstream.destroy())
}

export function startConnectProxy(): Promise<RunningProxy> {
  const tunnels: string[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    let head = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      client.off('data', onData)
      const m = /^CONNECT ([^\s:]+):(\d+) HTTP\/1\.[01]/.exec(head.toString('latin1'))
      if (!m) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n')
        return
      }
      tunnels.push(`${m[1]}:${m[2]}`)
      pipeTo(
        client,
        m[1],
        Number(m[2]),
        (up) => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
          const rest = head.subarray(end + 4)
          if (rest.length) up.write(rest)
          client.pipe(up).pipe(client)
        },
        sockets
      )
    }
    client.on('data', onData)
  })
  return listen(server, sockets, 'http', tunnels)
}

export function startSocks5Proxy(): Promise<RunningProxy> {
  const tunnels: string[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    let buf = Buffer.alloc(0)
    let stage: 'greet' | 'request' | 'done' = 'greet'
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk])
      if (stage === 'greet') {
        if (buf.length < 2 || buf.length < 2 + buf[1]) return
        buf = buf.subarray(2 + buf[1])
        client.write(Buffer.from([5, 0])) // no authentication
        stage = 'request'
      }
      if (stage === 'request') {
        if (buf.length < 5) return
        const atyp = buf[3]
        let host: string
        let off: number
        if (atyp === 1) {
          if (buf.length < 10) return
          host = [...buf.subarray(4, 8)].join('.')
          off = 8
        } else if (atyp === 3) {
          const len = buf[4]
          if (buf.length < 5 + len + 2) return
          host = buf.subarray(5, 5 + len).toString()
          off = 5 + len
        } else {
          client.destroy()
          return
        }
        const port = buf.readUInt16BE(off)
        const rest = buf.subarray(off + 2)
        stage = 'done'
        client.off('data', onData)
        tunnels.push(`${host}:${port}`)
        pipeTo(
          client,
          host,
          port,
          (up) => {
            client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]))
            if (rest.length) up.write(rest)
            client.pipe(up).pipe(client)
          },
          sockets
        )
      }
    }
    client.on('data', onData)
  })
  return listen(server, sockets, 'socks5', tunnels)
}
