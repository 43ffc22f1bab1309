/**
 * The scripted server's side of the protocols core speaks (Socket.IO, GraphQL, STOMP, MQTT, SignalR), as little of
 * each as its handshake and keep-alive need, with the behaviour drawn: the handshake accepted, refused, late or never
 * answered; the server's own keep-alive at some interval or none; our keep-alive answered or not. Which protocol a
 * connection speaks is seen from its request path (Engine.IO speaks first) or its first frame. Timers come from the
 * caller (`later`), so they run on the model's fake clock and stop with the server.
 */

export interface ProtocolBehaviour {
  /** The protocol's handshake: accepted at once, refused, never answered, or accepted after this many ms. */
  handshake: 'accept' | 'refuse' | 'never' | number
  /** The server's own keep-alive (Engine.IO ping, STOMP heart-beat, GraphQL and SignalR ping) every this many ms. */
  serverPingMs: number | null
  /** Our keep-alive (PINGREQ, GraphQL ping; STOMP and Engine.IO need no answer) answered or not. */
  answersPings: boolean
}

export interface Responder {
  /** Right after the upgrade, with the request path: Engine.IO speaks first. */
  opened(path: string): void
  /** A text or binary frame from the client; true when it was the protocol's to answer. */
  frame(op: number, payload: Buffer): boolean
}

type Kind = 'socketio' | 'graphql' | 'stomp' | 'mqtt' | 'signalr'
const RS = '\u001e'

/** The MQTT protocol level of a CONNECT packet (MQTT 3.1.1 §3.1.2.2, 5.0 §3.1.2.2): 4 or 5. */
function mqttLevel(p: Buffer): number {
  let at = 1
  while (at < 5 && (p[at] & 0x80) !== 0) at++
  return p[at + 1 + 2 + 4] ?? 4 // past the remaining length, the name's length and "MQTT"
}

function kindOf(op: number, p: Buffer): Kind | null {
  if (op === 0x2) return p[0] === 0x10 ? 'mqtt' : null
  const text = p.toString('utf8')
  if (/^(CONNECT|STOMP)\n/.test(text)) return 'stomp'
  if (text.endsWith(RS) && text.includes('"protocol"')) return 'signalr'
  if (/"type"\s*:\s*"connection_init"/.test(text)) return 'graphql'
  return null
}

export function protocolResponder(
  b: ProtocolBehaviour,
  send: (op: number, payload: Buffer | string) => void,
  later: (ms: number, fn: () => void) => void,
  alive: () => boolean
): Responder {
  let kind: Kind | null = null
  let mqttV5 = false
  const text = (s: string): void => send(0x1, s)
  const bin = (...bytes: number[]): void => send(0x2, Buffer.from(bytes))

  const keepAlive = (beat: () => void): void => {
    const ms = b.serverPingMs
    if (ms === null) return
    const next = (): void => {
      if (!alive()) return
      beat()
      later(ms, next)
    }
    later(ms, next)
  }

  const answers: Record<Kind, { accept(): void; refuse(): void; beat(): void }> = {
    socketio: {
      accept: () => text('40{"sid":"model"}'),
      refuse: () => text('44{"message":"not authorized"}'),
      beat: () => text('2')
    },
    graphql: {
      accept: () => text('{"type":"connection_ack"}'),
      refuse: () => send(0x8, Buffer.concat([Buffer.from([0x11, 0x33]), Buffer.from('Forbidden')])), // 4403
      beat: () => text('{"type":"ping"}')
    },
    stomp: {
      accept: () => text(`CONNECTED\nversion:1.2\nheart-beat:${b.serverPingMs ?? 0},300\n\n\0`),
      refuse: () => text('ERROR\nmessage:bad login\n\n\0'),
      beat: () => text('\n')
    },
    mqtt: {
      accept: () => (mqttV5 ? bin(0x20, 0x03, 0x00, 0x00, 0x00) : bin(0x20, 0x02, 0x00, 0x00)),
      refuse: () => (mqttV5 ? bin(0x20, 0x03, 0x00, 0x87, 0x00) : bin(0x20, 0x02, 0x00, 0x05)),
      beat: () => undefined // MQTT's keep-alive is the client's alone
    },
    signalr: {
      accept: () => text(`{}${RS}`),
      refuse: () => text(`{"error":"Requested protocol 'json' is not available."}${RS}`),
      beat: () => text(`{"type":6}${RS}`)
    }
  }

  const handshake = (k: Kind): void => {
    const a = answers[k]
    const answer = (): void => {
      if (!alive()) return
      if (b.handshake === 'refuse') return a.refuse()
      a.accept()
      keepAlive(a.beat)
    }
    if (b.handshake === 'accept' || b.handshake === 'refuse') answer()
    else if (typeof b.handshake === 'number') later(b.handshake, answer)
  }

  return {
    opened(path) {
      if (!path.startsWith('/socket.io/')) return
      kind = 'socketio'
      text(`0{"sid":"model","upgrades":[],"pingInterval":${b.serverPingMs ?? 25_000},"pingTimeout":20000,"maxPayload":1000000}`)
    },
    frame(op, p) {
      if (!kind) {
        kind = kindOf(op, p)
        if (!kind) return false
        if (kind === 'mqtt') mqttV5 = mqttLevel(p) === 5
        handshake(kind)
        return true
      }
      const s = op === 0x1 ? p.toString('utf8') : ''
      if (kind === 'socketio' && s.startsWith('40')) {
        handshake('socketio')
        return true
      }
      const ourPing = (kind === 'mqtt' && op === 0x2 && p[0] === 0xc0) || (kind === 'graphql' && /"type"\s*:\s*"ping"/.test(s))
      if (ourPing && b.answersPings) {
        if (kind === 'mqtt') bin(0xd0, 0x00)
        else text('{"type":"pong"}')
      }
      const theirs = (kind === 'socketio' && s === '3') || (kind === 'stomp' && /^\n+$/.test(s)) || /"type"\s*:\s*"pong"/.test(s)
      return ourPing || theirs || (kind === 'signalr' && s.startsWith('{"type":6}'))
    }
  }
}
