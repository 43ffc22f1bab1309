/**
 * What each kind of step does on the live connections (live.ts). A step either returns what it sent or matched
 * (`seqs`) or throws a StepFailure saying what was expected and what came instead.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { ValidationError } from '../shared/schema'
import { encodeChain, parseChain } from '../shared/codecs'
import { base64 } from '../shared/wire'
import type { OutgoingMessage } from '../shared/options'
import type { MessageEvent } from '../shared/events'
import type { StepDiff } from '../shared/scenarioSteps'
import {
  formatDuration,
  type CloseStep,
  type ConnectStep,
  type ExpectCloseStep,
  type ExpectNoneStep,
  type ExpectPongStep,
  type ExpectStep,
  type ExtractStep,
  type MessageMatch,
  type Scenario,
  type SendStep,
  type Step
} from './format'
import { composeConnect, optionProblem, validateOptions, type ProfileLookup } from './connectionOptions'
import { compileMatch, messageLine, payloadText, readPath, type CompiledMatch } from './matchers'
import { closeWords, interrupted, type ConnectionPool, type LiveConnection } from './live'
import { isNoMessage, protocolMessages, receivedLine, trackProtocol, valuesOf } from './protocolTracker'
import { handshakeAnswered, protocolOutgoing } from './protocolSend'
import { protocolWord } from './protocolViews'
import { StepFailure, type RunVariables } from './variables'

export interface StepContext {
  scenario: Scenario
  pool: ConnectionPool
  vars: RunVariables
  profiles?: ProfileLookup
  interrupt?: AbortSignal
}

export interface StepOutcome {
  seqs?: number[]
}

type SimpleStep = Exclude<Step, { kind: 'repeat' }>

export async function runStep(step: SimpleStep, ctx: StepContext): Promise<StepOutcome> {
  switch (step.kind) {
    case 'connect':
      return connect(step, ctx)
    case 'close':
      return close(step, ctx)
    case 'wait':
      await sleep(step.ms, undefined, ctx.interrupt ? { signal: ctx.interrupt } : {}).catch(() => {
        throw interrupted(ctx.interrupt)
      })
      return {}
    case 'send':
      return send(step, ctx)
    case 'expect':
      return expect(step, ctx)
    case 'expect-none':
      return expectNone(step, ctx)
    case 'expect-close':
      return expectClose(step, ctx)
    case 'expect-pong':
      return expectPong(step, ctx)
    case 'extract':
      return extract(step, ctx)
  }
}

/** The connection a step is on; `mustBeOpen` for steps that send. */
function connection(ctx: StepContext, name: string, doing: string, mustBeOpen: boolean): LiveConnection {
  const conn = ctx.pool.get(name)
  if (!conn) throw new StepFailure(`${name} open to ${doing}`, `${name} was never opened (its connect step did not run)`)
  if (mustBeOpen && !conn.isOpen) throw new StepFailure(`${name} open to ${doing}`, conn.whyNotOpen())
  return conn
}

async function connect(step: ConnectStep, ctx: StepContext): Promise<StepOutcome> {
  const old = ctx.pool.get(step.as)
  if (old && (old.state === 'open' || old.state === 'connecting'))
    throw new StepFailure(
      `${step.as} closed before it is opened again`,
      `${step.as} is still ${old.state}: close it first, or connect as: another name`
    )
  const composed = composeConnect(step.source, ctx.scenario.connections, ctx.profiles)
  const what = step.source.profile ? `the profile "${step.source.profile}"` : String(composed.url ?? step.as)
  const missingSecrets = step.source.profile ? (ctx.profiles?.find(step.source.profile)?.missingSecrets ?? []) : []
  const resolved = ctx.vars.fillJson(composed, `opening ${what}`) as Record<string, unknown>
  let conn: LiveConnection
  try {
    conn = ctx.pool.open(step.as, validateOptions(resolved, step.timeoutMs))
    trackProtocol(conn)
  } catch (e) {
    if (e instanceof ValidationError) throw new StepFailure(`valid options for ${what}`, optionProblem(e).message)
    throw e
  }
  // The engine's handshake timeout is the step's; the margin lets its own error (with its reason) arrive first.
  const r = await ctx.pool.until(conn, step.timeoutMs + 1000, () =>
    conn.state === 'open' ? 'open' : conn.state === 'closed' ? 'closed' : undefined
  )
  if (r === 'open') {
    await handshakeAnswered(conn, step.timeoutMs, what, ctx.pool)
    return {}
  }
  const expected = `${step.as} to open (${what})`
  const secretsNote = missingSecrets.length
    ? ` The profile's secret values (${missingSecrets.join(', ')}) are kept by the desktop app's keychain, which is not available here; give them in the scenario with {{variables}}.`
    : ''
  if (r === 'timeout') throw new StepFailure(expected, `it did not open within ${formatDuration(step.timeoutMs)}${secretsNote}`)
  const err = conn.lastError
  throw new StepFailure(expected, `${err ? `${err.message} ${err.next}` : conn.whyNotOpen()}${secretsNote}`.trim())
}

async function close(step: CloseStep, ctx: StepContext): Promise<StepOutcome> {
  const conn = connection(ctx, step.on, 'close', true)
  const reason = step.reason === undefined ? undefined : ctx.vars.fill(step.reason, 'the close reason')
  try {
    ctx.pool.close(conn, step.code, reason)
  } catch (e) {
    throw new StepFailure(`${step.on} to close`, (e as Error).message)
  }
  const r = await ctx.pool.until(conn, step.timeoutMs, () => (conn.state === 'closed' ? true : undefined))
  if (r === 'timeout')
    throw new StepFailure(`${step.on} to finish closing`, `it was still ${conn.state} after ${formatDuration(step.timeoutMs)}`)
  return {}
}

function outgoing(step: SendStep, ctx: StepContext): OutgoingMessage {
  const p = step.payload
  if ('protocol' in p) throw new Error('a protocol form is built by protocolOutgoing')
  if ('hex' in p) return { kind: 'binary', encoding: 'hex', data: ctx.vars.fill(p.hex, 'the message') }
  if ('base64' in p) return { kind: 'binary', encoding: 'base64', data: ctx.vars.fill(p.base64, 'the message') }
  const value = 'json' in p ? ctx.vars.fillJson(p.json, 'the message') : ctx.vars.fill(p.text, 'the message')
  if (!step.codec) return { kind: 'text', data: 'json' in p ? JSON.stringify(value) : (value as string) }
  let encoded: Uint8Array | string
  try {
    encoded = encodeChain(value, parseChain(step.codec))
  } catch (e) {
    throw new StepFailure(`the message encoded as ${step.codec}`, (e as Error).message)
  }
  return typeof encoded === 'string'
    ? { kind: 'text', data: encoded }
    : { kind: 'binary', encoding: 'base64', data: base64.encode(encoded) }
}

async function send(step: SendStep, ctx: StepContext): Promise<StepOutcome> {
  const conn = connection(ctx, step.on, 'send', true)
  const p = step.payload
  const message = 'protocol' in p ? await protocolOutgoing(p.protocol, step.codec, step.timeoutMs, conn, ctx) : outgoing(step, ctx)
  try {
    await ctx.pool.send(conn, message)
  } catch (e) {
    throw new StepFailure(`the message sent on ${step.on}`, (e as Error).message)
  }
  return conn.lastSentSeq !== undefined ? { seqs: [conn.lastSentSeq] } : {}
}

/** A match with its variables filled in, compiled; a field expression made invalid by a variable fails the step. */
function compiled(m: MessageMatch, conn: LiveConnection, ctx: StepContext): CompiledMatch {
  const filled: MessageMatch = { ...m }
  if (m.contains !== undefined) filled.contains = ctx.vars.fill(m.contains, 'the expected text')
  if (m.equals !== undefined) filled.equals = ctx.vars.fill(m.equals, 'the expected text')
  if (m.match !== undefined) filled.match = ctx.vars.fill(m.match, 'the field expression')
  if (m.json !== undefined) filled.json = ctx.vars.fillJson(m.json, 'the expected JSON')
  if (m.regex?.source.includes('{{')) filled.regex = new RegExp(ctx.vars.fill(m.regex.source, 'the regular expression'), m.regex.flags)
  try {
    return compileMatch(filled, conn.options.decode?.in, conn.protocol === 'raw' ? undefined : protocolWord(conn.protocol))
  } catch (e) {
    throw new StepFailure('a valid match once variables are filled in', (e as Error).message)
  }
}

async function expect(step: ExpectStep, ctx: StepContext): Promise<StepOutcome> {
  const conn = connection(ctx, step.on, 'expect a message', false)
  const match = compiled(step.match, conn, ctx)
  const windowMs = step.withinMs ?? step.timeoutMs
  const passedOver: Array<{ m: MessageEvent; why: string }> = []
  type Found = { hit: MessageEvent } | { miss: MessageEvent; why: string } | { closed: true }
  const r = await ctx.pool.until<Found>(conn, windowMs, () => {
    while (conn.inbox.length) {
      const m = conn.inbox.shift()!
      // Part of a packet split over frames, or the protocol's handshake: not a message of its own.
      if (isNoMessage(conn, m)) continue
      const why = match.mismatch(m, protocolMessages(conn, m) ?? undefined)
      if (!why) return { hit: m }
      if (step.withinMs === undefined) return { miss: m, why }
      passedOver.push({ m, why })
    }
    return conn.closed || conn.state === 'closed' ? { closed: true } : undefined
  })
  const expected =
    step.withinMs === undefined
      ? `the next message on ${step.on} to be ${match.describe} (within ${formatDuration(windowMs)})`
      : `${match.describe} on ${step.on} within ${formatDuration(windowMs)}`
  if (r !== 'timeout' && 'hit' in r) {
    conn.lastMatched = r.hit
    return { seqs: [r.hit.seq] }
  }
  const line = (m: MessageEvent): string => receivedLine(conn, m, step.match.codec ?? conn.options.decode?.in)
  const diffWith = (m: MessageEvent): StepDiff | undefined => match.diff(m, protocolMessages(conn, m) ?? undefined) ?? undefined
  if (r !== 'timeout' && 'miss' in r) throw new StepFailure(expected, `${line(r.miss)}, but ${r.why}`, diffWith(r.miss))
  const last = passedOver.at(-1)
  const skipped = last
    ? `${passedOver.length} message${passedOver.length > 1 ? 's' : ''} arrived, none matching (the last: ${line(last.m)}, but ${last.why}); `
    : ''
  const diff = last && diffWith(last.m)
  if (r !== 'timeout')
    throw new StepFailure(
      expected,
      `${skipped}the connection closed first: ${conn.closed ? closeWords(conn.closed) : conn.whyNotOpen()}`,
      diff
    )
  throw new StepFailure(
    expected,
    skipped ? `${skipped}nothing else within ${formatDuration(windowMs)}` : `nothing arrived within ${formatDuration(windowMs)}`,
    diff
  )
}

async function expectNone(step: ExpectNoneStep, ctx: StepContext): Promise<StepOutcome> {
  const conn = connection(ctx, step.on, 'listen', false)
  const match = compiled(step.match, conn, ctx)
  const started = performance.now()
  let scanned = 0
  const r = await ctx.pool.until(conn, step.forMs, () => {
    for (; scanned < conn.inbox.length; scanned++) {
      const m = conn.inbox[scanned]
      if (!isNoMessage(conn, m) && !match.mismatch(m, protocolMessages(conn, m) ?? undefined)) return m
    }
    // Closed: nothing more can arrive, so the window is quiet.
    return conn.state === 'closed' ? null : undefined
  })
  if (r === 'timeout' || r === null) return {}
  const what = `no ${match.describe.replace(/^(any|an?) /, '')}`
  throw new StepFailure(
    `${what} on ${step.on} for ${formatDuration(step.forMs)}`,
    `${receivedLine(conn, r, step.match.codec ?? conn.options.decode?.in)} arrived after ${formatDuration(performance.now() - started)}`
  )
}

async function expectClose(step: ExpectCloseStep, ctx: StepContext): Promise<StepOutcome> {
  const conn = connection(ctx, step.on, 'watch it close', false)
  const expected = `${step.on} to close${step.code !== undefined ? ` with ${step.code}` : ''}${step.reason !== undefined ? ` (reason containing "${step.reason}")` : ''} within ${formatDuration(step.timeoutMs)}`
  const r = await ctx.pool.until(conn, step.timeoutMs, () => conn.closed)
  if (r === 'timeout') throw new StepFailure(expected, `it was still ${conn.state} after ${formatDuration(step.timeoutMs)}`)
  const reason = step.reason === undefined ? undefined : ctx.vars.fill(step.reason, 'the expected reason')
  if ((step.code !== undefined && r.code !== step.code) || (reason !== undefined && !r.reason.includes(reason)))
    throw new StepFailure(expected, closeWords(r))
  return { seqs: [r.seq] }
}

let pingCount = 0

async function expectPong(step: ExpectPongStep, ctx: StepContext): Promise<StepOutcome> {
  const conn = connection(ctx, step.on, 'ping', true)
  // A pong echoes its ping's payload (RFC 6455 §5.5.3): a payload of our own tells our pong from others.
  const text = step.payload === undefined ? `sockscope-${process.pid}-${++pingCount}` : ctx.vars.fill(step.payload, 'the ping payload')
  const payload = new TextEncoder().encode(text)
  const from = conn.pongs.length
  ctx.pool.ping(conn, payload)
  const r = await ctx.pool.until(conn, step.withinMs, () => {
    const pong = conn.pongs.slice(from).find((p) => payloadText({ kind: 'binary', data: p.data }) === text)
    return pong ?? (conn.state === 'closed' ? null : undefined)
  })
  const expected = `a pong on ${step.on} within ${formatDuration(step.withinMs)}`
  if (r === 'timeout') throw new StepFailure(expected, `no pong answered the ping within ${formatDuration(step.withinMs)}`)
  if (r === null) throw new StepFailure(expected, conn.whyNotOpen())
  return { seqs: [r.seq] }
}

async function extract(step: ExtractStep, ctx: StepContext): Promise<StepOutcome> {
  const conn = connection(ctx, step.on, 'extract from', false)
  const source = conn.lastMatched ?? conn.lastReceived
  const what = step.valuePath ?? String(step.regex)
  const expected = `${what} in the last message on ${step.on}, kept as {{${step.into}}}`
  if (!source) throw new StepFailure(expected, `nothing has arrived on ${step.on} yet`)
  if (step.valuePath) {
    // On a protocol connection, the first of the frame's messages that has the path.
    const values = valuesOf(conn, source, conn.options.decode?.in)
    const found = values.flatMap((v) => (v.ok ? [readPath(v.value, step.valuePath!)] : [])).find((f) => f.found)
    if (found?.found) ctx.vars.set(step.into, found.value)
    else {
      const unread = values.find((v) => !v.ok)
      const why = unread && !unread.ok ? `, but ${unread.why}` : ` has no ${step.valuePath}`
      throw new StepFailure(expected, `${receivedLine(conn, source)}${why}`)
    }
  } else {
    const m = step.regex!.exec(payloadText(source))
    if (!m) throw new StepFailure(expected, `${messageLine('in', source)} does not match ${String(step.regex)}`)
    const value = typeof step.group === 'number' ? m[step.group] : m.groups?.[step.group]
    if (value === undefined)
      throw new StepFailure(expected, `${messageLine('in', source)} matches, but group ${step.group} took no part in the match`)
    ctx.vars.set(step.into, value)
  }
  return { seqs: [source.seq] }
}
