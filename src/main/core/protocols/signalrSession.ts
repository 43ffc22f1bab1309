/**
 * SignalR's session (JSON hub protocol, HubProtocol.md in dotnet/aspnetcore): the handshake sent at open, our Ping
 * every keepAliveMs so the hub does not drop a link whose user is only reading, a refused handshake and a Close with
 * an error said in words.
 */
import { handshakeRequest, parseSignalrFrame, ping } from '../../../shared/protocols/signalr'
import type { ProtocolProblem } from './session'
import { text, type ProtocolSession, type SessionFactory } from './session'

/**
 * The official clients' KeepAliveInterval: the server drops a client it heard nothing from for its
 * ClientTimeoutInterval (30 s by default), so a ping every 15 s keeps a quiet link.
 */
export const SIGNALR_KEEPALIVE_MS = 15_000

export const signalrSession: SessionFactory = ({ options, answerKeepAlive }): ProtocolSession => {
  // Read defensively: a stored profile may predate the schema's check; 0 sends no pings.
  const configured: unknown = options.protocol?.signalr?.keepAliveMs
  const keepAliveMs = typeof configured === 'number' && Number.isFinite(configured) && configured >= 0 ? configured : SIGNALR_KEEPALIVE_MS
  // Once the hub refused the handshake or said Close, it ends the link: no more pings.
  let over = false
  const end = (problem: ProtocolProblem) => {
    over = true
    return { problems: [problem], tickEveryMs: 0 }
  }
  return {
    // "Overview": the client's first message must be the HandshakeRequest, else the server closes the connection.
    opened: () => ({ send: [text(handshakeRequest())] }),
    holdsPreamble: true,
    // "Ping (aka Keep Alive)": either side may ping at any time. We ping every interval, even when the user sent
    // something meanwhile: a spare ping costs nothing, a late one costs the link.
    tickMs: answerKeepAlive ? keepAliveMs : 0,
    tick: () => (over ? {} : { send: [text(ping())] }),
    received(frame) {
      const f = parseSignalrFrame(frame)
      if ('invalid' in f) return {}
      // The hub's pings need no answer ("The receiving endpoint may choose to ignore the message"), and a Completion
      // with an error ends one invocation, not the link: its row shows it.
      let accepted = false
      for (const r of f.records) {
        if (r.type === 'handshake-response' && r.error !== undefined)
          return end({
            code: 'SIGNALR_HANDSHAKE_ERROR',
            message: `The SignalR hub refused the handshake: ${r.error}`,
            next: 'The hub may not speak the JSON hub protocol (MessagePack only?) or this is not a SignalR hub: check the URL and the server.'
          })
        if (r.type === 7 && r.error !== undefined)
          return end({
            code: 'SIGNALR_CLOSED',
            message: `The SignalR hub closed the connection: ${r.error}`,
            next: r.allowReconnect
              ? 'The hub allows a reconnect: reconnect.'
              : 'Look at what the hub says above (a client timeout wants a shorter SignalR ping interval), then reconnect.'
          })
        // "Overview": the hub takes messages once its HandshakeResponse said yes.
        if (r.type === 'handshake-response') accepted = true
        if (r.type === 7) {
          over = true
          return { tickEveryMs: 0 }
        }
      }
      return accepted ? { ready: true } : {}
    }
  }
}
