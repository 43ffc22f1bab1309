/** The names steps go by in reports when the file gives them none, made from what they do. */
import { formatDuration, type MessageMatch, type Step } from './format'
import { protocolSendWords } from './protocolForms'

/** The name a step goes by when it has none: `expect on alice: $.type == "ack"`. */
export function stepTitle(step: Step): string {
  if (step.name) return step.name
  const short = (s: string): string => (s.length > 60 ? `${s.slice(0, 59)}…` : s)
  switch (step.kind) {
    case 'connect': {
      const s = step.source
      const target = s.profile
        ? `profile "${s.profile}"`
        : typeof s.options.url === 'string'
          ? s.options.url
          : `connection "${s.definition}"`
      return `connect ${step.as} to ${short(target)}`
    }
    case 'close':
      return `close ${step.on}${step.code !== undefined ? ` with ${step.code}` : ''}`
    case 'wait':
      return `wait ${formatDuration(step.ms)}`
    case 'send': {
      const p = step.payload
      if ('protocol' in p) return `send on ${step.on}: ${short(protocolSendWords(p.protocol))}`
      const body = 'text' in p ? p.text : 'json' in p ? JSON.stringify(p.json) : 'hex' in p ? `0x${p.hex}` : `base64 ${p.base64}`
      return `send on ${step.on}: ${short(body)}`
    }
    case 'expect':
      return `expect on ${step.on}: ${short(matchWords(step.match))}${step.withinMs !== undefined ? ` within ${formatDuration(step.withinMs)}` : ''}`
    case 'expect-none':
      return `expect nothing${step.match.contains || step.match.json !== undefined || step.match.match || step.match.regex || step.match.equals ? ` like ${short(matchWords(step.match))}` : ''} on ${step.on} for ${formatDuration(step.forMs)}`
    case 'expect-close':
      return `expect ${step.on} to close${step.code !== undefined ? ` with ${step.code}` : ''}`
    case 'expect-pong':
      return `expect a pong on ${step.on} within ${formatDuration(step.withinMs)}`
    case 'extract':
      return `extract ${step.valuePath ?? String(step.regex)} from ${step.on} into ${step.into}`
    case 'repeat':
      return step.times !== undefined ? `repeat ${step.times} times` : `repeat for ${formatDuration(step.forMs ?? 0)}`
  }
}

function matchWords(m: MessageMatch): string {
  const parts = [
    m.match,
    m.contains !== undefined ? JSON.stringify(m.contains) : undefined,
    m.equals !== undefined ? `= ${JSON.stringify(m.equals)}` : undefined,
    m.regex ? String(m.regex) : undefined,
    m.json !== undefined ? JSON.stringify(m.json) : undefined
  ].filter((x): x is string => !!x)
  return parts.length ? parts.join(' and ') : 'any message'
}
