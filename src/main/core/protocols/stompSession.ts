/**
 * STOMP's session (1.0, 1.1, 1.2): CONNECT at open, our side of the heart-beat agreed in CONNECTED sent as EOLs, and
 * an ERROR frame said in words. Frames split across WebSocket frames are joined before they are read.
 */
import { StompReader, stompBodyText, stompHeader, type StompFrame } from '../../../shared/protocols/stomp'
import { stompConnect } from '../../../shared/protocols/stompBuild'
import { SECRET_MASK } from '../../../shared/secrets'
import { text, withSecret, type ProtocolProblem, type ProtocolReaction, type ProtocolSession, type SessionFactory } from './session'

const DEFAULT_HEART_BEAT_MS = 10_000

/** The options are validated on arrival (shared/protocolSchema.ts); read defensively all the same. */
const optionalText = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

function heartBeatMsOf(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : DEFAULT_HEART_BEAT_MS
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname
  } catch {
    return ''
  }
}

/**
 * "Heart-beating": we offered `cx` (we can send every cx ms) and the server's CONNECTED says `sx,sy` (it wants one
 * every sy ms); we send every max(cx, sy) when both are non-zero, else never. An absent or unreadable header is 0,0.
 */
export function clientHeartBeatMs(cx: number, connectedHeartBeat: string | undefined): number {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(connectedHeartBeat ?? '')
  const sy = m ? Number(m[2]) : 0
  return cx > 0 && sy > 0 ? Math.max(cx, sy) : 0
}

function errorProblem(f: StompFrame, connected: boolean): ProtocolProblem {
  const said = [stompHeader(f, 'message'), f.body.length > 0 ? stompBodyText(f.body) : undefined].filter(Boolean).join(' — ')
  return {
    code: 'STOMP_ERROR',
    message: `The STOMP server sent an ERROR${said ? `: ${said}` : ''}.`,
    // Before CONNECTED the ERROR refuses the CONNECT; after it, a frame of the user's (its receipt-id names which).
    next: connected
      ? 'Check the destination and headers of the frame you sent (the ERROR’s receipt-id names it when you asked for a receipt).'
      : 'Check the login, passcode and host in the Protocol settings, then reconnect.'
  }
}

export const stompSession: SessionFactory = ({ url, options, answerKeepAlive }): ProtocolSession => {
  const settings: Record<string, unknown> = { ...options.protocol?.stomp }
  const heartBeatMs = heartBeatMsOf(settings.heartBeatMs)
  const reader = new StompReader()
  let connected = false
  return {
    // "CONNECTED Frame": the server takes other frames once it has accepted the CONNECT.
    holdsPreamble: true,
    // "CONNECT or STOMP Frame": CONNECT rather than STOMP, which 1.0 servers do not know.
    opened() {
      const connect = (passcode: string | undefined) =>
        text(
          stompConnect({ host: optionalText(settings.host) ?? hostnameOf(url), login: optionalText(settings.login), passcode, heartBeatMs })
        )
      const passcode = optionalText(settings.passcode)
      // The passcode is a secret: the log and the recording keep its mask.
      return { send: [passcode === undefined ? connect(undefined) : withSecret(connect(passcode), connect(SECRET_MASK))] }
    },
    received(frame) {
      const reaction: ProtocolReaction = {}
      for (const f of reader.push(frame).frames) {
        if (f.command === 'CONNECTED') {
          connected = true
          reaction.ready = true
          if (answerKeepAlive) reaction.tickEveryMs = clientHeartBeatMs(heartBeatMs, stompHeader(f, 'heart-beat'))
        } else if (f.command === 'ERROR') {
          // "ERROR": the server closes the connection after it, so our heart-beat stops.
          ;(reaction.problems ??= []).push(errorProblem(f, connected))
          reaction.tickEveryMs = 0
        }
      }
      return reaction
    },
    // "Heart-beating": a heart-beat is an EOL; the driver ticks only at the agreed interval.
    tick: () => (answerKeepAlive ? { send: [text('\n')] } : {})
  }
}
