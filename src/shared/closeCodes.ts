/** Standard meanings of WebSocket close codes (RFC 6455 §7.4, IANA registry). */
const STANDARD: Record<number, string> = {
  1000: 'Normal closure',
  1001: 'Going away',
  1002: 'Protocol error',
  1003: 'Unsupported data',
  1004: 'Reserved',
  1005: 'No status received',
  1006: 'Abnormal closure (no close frame)',
  1007: 'Invalid payload data (e.g. bad UTF-8)',
  1008: 'Policy violation',
  1009: 'Message too big',
  1010: 'Mandatory extension missing',
  1011: 'Internal server error',
  1012: 'Service restart',
  1013: 'Try again later',
  1014: 'Bad gateway',
  1015: 'TLS handshake failure'
}

export function closeCodeMeaning(code: number): string {
  if (STANDARD[code]) return STANDARD[code]
  if (code >= 3000 && code <= 3999) return 'Registered (library/framework) code'
  if (code >= 4000 && code <= 4999) return 'Application-defined code'
  return 'Unknown or invalid code'
}

/** Codes a client may put in its own close frame. */
export function isSendableCloseCode(code: number): boolean {
  return code === 1000 || (code >= 3000 && code <= 4999)
}
