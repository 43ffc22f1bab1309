/**
 * The scenario runner against real servers on 127.0.0.1 started here: scenarios that pass (echo, a broadcast chat
 * between two connections, extract and reuse), each kind of failure (wrong message, timeout, unexpected close,
 * expect-none seeing a message, a refused connection, the wrong close code), repeats, and what it reports.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import { closedPort, startWsServer, type RunningWs } from '../helpers/servers'
import { parseScenario } from '../../src/scenario/parse'
import { runScenario, runScenarios, type RunOptions } from '../../src/scenario/runner'
import type { ProfileLookup } from '../../src/scenario/connectionOptions'
import type { RunProgress, ScenarioResult, StepResult } from '../../src/scenario/types'
import { REPEAT_DETAIL_RUNS } from '../../src/scenario/format'
import { startSocketIoServer } from '../helpers/socketio'

const FIXTURES = join(__dirname, '..', 'fixtures', 'scenarios')

let server: RunningWs
/** What the server saw: the X-User of each connection that closed, and its close code. */
const closedByClient: Array<{ path: string; code: number }> = []

/**
 * One server, a behaviour per path: /echo (and anything else) echoes; /chat is a room (a welcome, `say` acked to the
 * sender with a numbered id and told to the others, `leave` closed with 4001); /silent never answers; /drop closes
 * with 1011 on the first message; /chatty speaks 60 ms after the first message; /except-n3 echoes all but "n3".
 */
function behave(ws: WebSocket, path: string, user: string, room: Set<{ ws: WebSocket; user: string }>): void {
  ws.on('close', (code) => closedByClient.push({ path, code }))
  if (path === '/chat') {
    const me = { ws, user }
    room.add(me)
    ws.on('close', () => room.delete(me))
    ws.send(JSON.stringify({ type: 'welcome', user }))
  }
  let said = 0
  ws.on('message', (data, isBinary) => {
    const text = data.toString()
    if (path === '/chat') {
      const msg = JSON.parse(text) as { type: string; text?: string; replyTo?: number }
      if (msg.type === 'leave') return ws.close(4001, 'left the room')
      const id = 100 + ++said
      ws.send(JSON.stringify({ type: 'ack', id }))
      const out = JSON.stringify({ type: 'said', from: user, text: msg.text, id, ...(msg.replyTo ? { replyTo: msg.replyTo } : {}) })
      for (const other of room) if (other.ws !== ws) other.ws.send(out)
    } else if (path === '/silent') return
    else if (path === '/drop') ws.close(1011, 'oops')
    else if (path === '/chatty') setTimeout(() => ws.send('surprise'), 60)
    else if (path === '/except-n3' && text === 'n3') ws.send('something else')
    else ws.send(data, { binary: isBinary })
  })
}

beforeAll(async () => {
  const room = new Set<{ ws: WebSocket; user: string }>()
  server = await startWsServer({
    onConnection: (ws, req) => behave(ws, (req.url ?? '/').split('?')[0], String(req.headers['x-user'] ?? ''), room)
  })
})
afterAll(() => server.close())

const opts = (): RunOptions => ({ vars: { url: server.url } })

function run(yaml: string, o: RunOptions = opts()): Promise<ScenarioResult> {
  return runScenario(parseScenario(yaml, 'inline.yaml', { vars: o.vars ?? {}, ...(o.profiles ? { profiles: o.profiles } : {}) }), o)
}

function runFixture(name: string): Promise<ScenarioResult> {
  return runScenario(parseScenario(readFileSync(join(FIXTURES, name), 'utf8'), name, { vars: { url: server.url } }), opts())
}

const failed = (r: ScenarioResult): StepResult => {
  const f = r.steps.find((s) => s.status === 'failed' && s.kind !== 'repeat')
  if (!f) throw new Error(`no step failed: ${JSON.stringify(r.steps.map((s) => [s.path, s.status]))}`)
  return f
}

describe('scenarios that pass', () => {
  it('echo: text, JSON subsets, field expressions, regex and extract, binary, a codec, repeat, quiet window, ping', async () => {
    const r = await runFixture('echo.yaml')
    expect(r.steps.filter((s) => s.status !== 'passed')).toEqual([])
    expect(r.status).toBe('passed')
    // Sends and matches carry the seq of their events, so the app can link a step to its log rows.
    const send = r.steps.find((s) => s.kind === 'send')!
    const exp = r.steps.find((s) => s.kind === 'expect')!
    expect(send.seqs?.length).toBe(1)
    expect(exp.seqs![0]).toBeGreaterThan(send.seqs![0])
    expect(r.steps.filter((s) => s.run !== undefined).map((s) => `${s.path}#${s.run}`)).toEqual([
      '17.1#1', '17.2#1', '17.1#2', '17.2#2', '17.1#3', '17.2#3'
    ]) // prettier-ignore
    expect(r.durationMs).toBeLessThan(3000)
  })
  it('chat: two connections talk through a broadcast server, and an id the server gave is reused', async () => {
    const r = await runFixture('chat.yaml')
    expect(r.steps.filter((s) => s.status !== 'passed')).toEqual([])
    expect(r.steps.map((s) => s.connection)).toContain('bob')
  })
  it('closes every connection it opened at the end', async () => {
    const before = closedByClient.length
    const r = await run('steps:\n  - connect: { url: "{{url}}/silent", as: a }\n  - connect: { url: "{{url}}/silent", as: b }\n')
    expect(r.status).toBe('passed')
    await expect.poll(() => closedByClient.slice(before).map((c) => c.code)).toEqual([1000, 1000])
  })
  it('keeps an extracted number a number in JSON, and fills {{$counter}} per run', async () => {
    const r = await run(
      [
        'steps:',
        '  - connect: "{{url}}/chat"',
        '  - expect: { json: { type: welcome } }',
        '  - send: { json: { type: say, text: x } }',
        '  - expect: { json: { type: ack } }',
        '  - extract: { path: $.id, into: id }',
        '  - connect: { url: "{{url}}/echo", as: echo }',
        '  - send: { on: echo, json: { id: "{{id}}", label: "id {{id}}" } }',
        '  - expect: { on: echo, equals: \'{"id":101,"label":"id 101"}\' }',
        '  - repeat:',
        '      for: 150ms',
        '      steps:',
        '        - send: { on: echo, text: "n{{$counter}}" }',
        '        - expect: { on: echo, equals: "n{{$counter}}" }'
      ].join('\n')
    )
    expect(r.steps.filter((s) => s.status !== 'passed')).toEqual([])
    const repeat = r.steps.find((s) => s.kind === 'repeat')!
    const runs = Number(/\((\d+) runs/.exec(repeat.name)?.[1])
    expect(runs).toBeGreaterThan(REPEAT_DETAIL_RUNS) // 150 ms of loopback round trips
    // Only the first runs are reported step by step; the repeat comes before its block in the list.
    expect(r.steps.filter((s) => s.run !== undefined)).toHaveLength(2 * REPEAT_DETAIL_RUNS)
    expect(r.steps.indexOf(repeat)).toBeLessThan(r.steps.findIndex((s) => s.run === 1))
    expect(repeat.durationMs).toBeGreaterThanOrEqual(140)
  })
  it('connects through a saved profile, with the step overriding its options', async () => {
    const profiles: ProfileLookup = {
      where: 'the test',
      names: () => ['Chat'],
      find: (name) =>
        name === 'Chat'
          ? { options: { url: `${server.url}/chat`, headers: [{ name: 'X-User', value: 'profiled' }] }, missingSecrets: [] }
          : undefined
    }
    const r = await run('steps:\n  - connect: { profile: Chat, headers: { X-User: carol } }\n  - expect: { json: { user: carol } }\n', {
      profiles
    })
    expect(r.steps.map((s) => s.status)).toEqual(['passed', 'passed'])
  })
})

describe('a protocol connection', () => {
  it('Socket.IO: core does the handshake, and the keep-alive pings never count as the next message', async () => {
    const sio = await startSocketIoServer({ pingInterval: 60, pingTimeout: 1000 })
    try {
      const r = await run(
        [
          'steps:',
          '  - connect: { url: "{{sio}}", protocol: { kind: socketio, namespace: /admin, auth: { token: s3cret } } }',
          '  - expect: { within: 2s, contains: \'["welcome",{"n":1}]\' }',
          '  - wait: 250ms',
          '  - send: \'42/admin,7["chat","hi"]\'',
          '  - expect: { regex: \'^43/admin,7\\[\\{"ok":true\' }'
        ].join('\n'),
        { vars: { sio: sio.url } }
      )
      expect(r.steps.filter((s) => s.status !== 'passed')).toEqual([])
    } finally {
      await sio.close()
    }
  })
})

describe('connect on a protocol', () => {
  it('ends once the server answered the protocol handshake, so a raw send right after it is not dropped', async () => {
    const sio = await startSocketIoServer({ pingInterval: 1000, pingTimeout: 1000 })
    try {
      // The namespace's auth check answers later than the socket opens: a send before its CONNECT is answered would
      // reach a namespace that does not know the client yet.
      const r = await run(
        [
          'steps:',
          '  - connect: { url: "{{sio}}", protocol: { kind: socketio, namespace: /admin, auth: { token: s3cret } } }',
          '  - send: \'42/admin,7["chat","hi"]\'',
          '  - expect: { within: 2s, regex: \'^43/admin,7\\[\\{"ok":true\' }'
        ].join('\n'),
        { vars: { sio: sio.url } }
      )
      expect(r.steps.filter((s) => s.status !== 'passed')).toEqual([])
    } finally {
      await sio.close()
    }
  })
})

describe('each kind of failure', () => {
  it('a wrong message: which step, at which line, what was expected, what came, the last messages; the rest skipped', async () => {
    const r = await runFixture('wrong-reply.yaml')
    expect(r.status).toBe('failed')
    expect(r.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'failed', 'skipped', 'skipped'])
    const f = failed(r)
    expect(f).toMatchObject({ path: '4', line: 7, kind: 'expect', connection: 'main' })
    expect(f.expected).toBe('the next message on main to be a message equal to "goodbye" (within 1 s)')
    expect(f.actual).toBe('↓ hello, but it is not exactly "goodbye"')
    expect(f.lastMessages).toEqual(['↑ hello', '↓ hello'])
    expect(f.diff).toMatchObject({ kind: 'text', at: 'column 1', expected: { lines: ['goodbye'] }, received: { lines: ['hello'] } })
    expect(f.durationMs).toBeLessThan(1000) // the wrong message fails at once; it does not wait out the 1 s timeout
  })
  it('a timeout: nothing arrives within it', async () => {
    const r = await run('steps:\n  - connect: "{{url}}/silent"\n  - send: anyone?\n  - expect: { contains: yes, timeout: 200ms }\n')
    const f = failed(r)
    expect(f.actual).toBe('nothing arrived within 200 ms')
    expect(f.durationMs).toBeGreaterThanOrEqual(195)
    expect(f.durationMs).toBeLessThan(1000)
  })
  it('an unexpected close: the server closes while a step waits, and the step fails at once', async () => {
    const r = await run('steps:\n  - connect: "{{url}}/drop"\n  - send: hi\n  - expect: { contains: hi, timeout: 5s }\n')
    const f = failed(r)
    expect(f.actual).toBe('the connection closed first: the server closed it with 1011 (Internal server error), reason "oops"')
    expect(f.lastMessages?.at(-1)).toMatch(/^✕ the server closed it with 1011/)
    expect(f.durationMs).toBeLessThan(4000) // at the close, not at the 5 s timeout
  })
  it('a send on a connection the server closed says so', async () => {
    const r = await run('steps:\n  - connect: "{{url}}/drop"\n  - send: hi\n  - wait: 100ms\n  - send: again\n')
    expect(failed(r)).toMatchObject({ path: '4', expected: 'main open to send' })
    expect(failed(r).actual).toMatch(/^main is closed: the server closed it with 1011/)
  })
  it('expect-none seeing a message in its window', async () => {
    const r = await run('steps:\n  - connect: "{{url}}/chatty"\n  - send: go\n  - expect-none: 3s\n')
    const f = failed(r)
    expect(f.expected).toBe('no message on main for 3 s')
    expect(f.actual).toMatch(/^↓ surprise arrived after \d+ ms$/)
    expect(f.durationMs).toBeLessThan(2500) // when the message came (60 ms in), not at the end of the window
  })
  it('expect-none with a match lets other messages by', async () => {
    const r = await run(
      'steps:\n  - connect: "{{url}}/chatty"\n  - send: go\n  - expect-none: { for: 150ms, contains: error }\n  - expect: surprise\n'
    )
    expect(r.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed'])
  })
  it('a refused connection, with the engine’s reason', async () => {
    const port = await closedPort()
    const r = await run(`steps:\n  - connect: ws://127.0.0.1:${port}/x\n  - send: hi\n`)
    const f = failed(r)
    expect(f.expected).toBe(`main to open (ws://127.0.0.1:${port}/x)`)
    expect(f.actual).toMatch(/refused/i)
    expect(r.steps[1].status).toBe('skipped')
  })
  it('the wrong close code', async () => {
    const r = await run('steps:\n  - connect: "{{url}}/chat"\n  - send: { json: { type: leave } }\n  - expect-close: 4002\n')
    expect(failed(r)).toMatchObject({
      expected: 'main to close with 4002 within 5 s',
      actual: 'the server closed it with 4001 (Application-defined code), reason "left the room"'
    })
  })
  it('within passes over other messages; without it, the next one must match', async () => {
    const yaml = (within: string) =>
      `steps:\n  - connect: "{{url}}/echo"\n  - send: one\n  - send: two\n  - expect: { contains: two${within}, timeout: 300ms }\n`
    expect((await run(yaml(', within: 300ms'))).status).toBe('passed')
    expect(failed(await run(yaml(''))).actual).toBe('↓ one, but it does not contain "two"')
  })
  it('a repeat stops at the failing run and says which', async () => {
    const r = await run(
      'steps:\n  - connect: "{{url}}/except-n3"\n  - repeat:\n      times: 5\n      steps:\n        - send: "n{{$counter}}"\n        - expect: "n{{$counter}}"\n'
    )
    expect(failed(r)).toMatchObject({ path: '2.2', run: 3, actual: '↓ something else, but it does not contain "n3"' })
    expect(r.steps.find((s) => s.kind === 'repeat')).toMatchObject({ status: 'failed', actual: 'run 3 failed' })
  })
  it('a variable that nothing defines at run time', async () => {
    const r = await run('steps:\n  - connect: "{{url}}/echo"\n  - send: "{{$counter}}"\n')
    expect(failed(r).actual).toBe('it uses {{$counter}}, but {{$counter}} counts the runs of a repeat, and this step is not inside one')
  })
  it('options made invalid by an extracted value are refused when the step runs, in the settings panel’s words', async () => {
    const r = await run(
      'steps:\n  - connect: "{{url}}/echo"\n  - send: "not a url"\n  - expect: url\n  - extract: { regex: ".*", group: 0, into: where }\n  - connect: { url: "{{where}}", as: b }\n'
    )
    expect(failed(r)).toMatchObject({ path: '5', expected: 'valid options for {{where}}' })
    expect(failed(r).actual).toMatch(/^URL: "not a url" is not a valid URL/)
  })
})

describe('reporting', () => {
  it('tells progress in order, and bail stops after the first failing scenario', async () => {
    const events: RunProgress[] = []
    const pass = parseScenario('name: p\nsteps:\n  - connect: "{{url}}/echo"\n', 'p.yaml', { vars: { url: server.url } })
    const fail = parseScenario(readFileSync(join(FIXTURES, 'wrong-reply.yaml'), 'utf8'), 'f.yaml', { vars: { url: server.url } })
    const result = await runScenarios([pass, fail, pass], { ...opts(), bail: true, onProgress: (p) => events.push(p) })
    expect(result).toMatchObject({ passed: 1, failed: 1 })
    expect(result.scenarios.map((s) => s.file)).toEqual(['p.yaml', 'f.yaml'])
    const told = (e: RunProgress): string =>
      e.type === 'step' ? `${e.result.path}:${e.result.status}` : e.type === 'step-start' ? `${e.path}…` : e.type
    // Each step is told when it starts and when it ends; skipped steps never start.
    expect(events.map(told)).toEqual([
      'scenario-start', '1…', '1:passed', 'scenario-end',
      'scenario-start', '1…', '1:passed', '2…', '2:passed', '3…', '3:passed', '4…', '4:failed', '5:skipped', '6:skipped', 'scenario-end'
    ]) // prettier-ignore
  })
})
