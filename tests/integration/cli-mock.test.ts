/**
 * `sockscope mock` as a child process (the built out/main/cli.js): it prints its URL first, a client gets the
 * recorded replies, the log says what matched and what did not, Ctrl+C stops it with exit 0, and bad input exits
 * 2 with a sentence. Also: what `listen --ndjson` prints is a recording the mock serves, and the built command
 * never loads Electron.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createServer } from 'node:net'
import { WebSocket } from 'ws'
import { startWsServer } from '../helpers/servers'
import { CLI_JS, killStrayCli, requireBuiltCli, runCli, runInProcess, startCli } from '../helpers/cliChild'

let dir: string
let recording: string

/** A session as Sockscope records it: a greeting, a subscription answered twice (40 ms apart), a ping. */
function writeRecording(path: string): void {
  const t0 = 1_716_200_000_000
  let seq = 0
  const event = (ts: number, rest: object) => JSON.stringify({ id: 'conn-1', seq: ++seq, ts: t0 + ts, ...rest })
  const msg = (ts: number, dir: 'in' | 'out', data: string) =>
    event(ts, { type: 'message', dir, kind: 'text', size: Buffer.byteLength(data), data })
  const lines = [
    JSON.stringify({
      type: 'sockscope-recording',
      version: 1,
      url: 'ws://api.example/feed',
      startedAt: new Date(t0).toISOString(),
      connectionId: 'conn-1'
    }),
    event(0, { type: 'state', state: 'connecting', attempt: 1 }),
    event(5, { type: 'state', state: 'open', attempt: 1 }),
    msg(10, 'in', '{"type":"hello","server":"feed-1"}'),
    msg(20, 'out', '{"op":"subscribe","requestId":"r-1","topic":"eur"}'),
    msg(25, 'in', '{"requestId":"r-1","ok":true}'),
    msg(65, 'in', '{"topic":"eur","price":1.08}'),
    msg(80, 'out', 'ping'),
    msg(81, 'in', 'pong'),
    event(90, { type: 'close', code: 1000, reason: '', meaning: 'Normal closure', initiator: 'local', clean: true })
  ]
  writeFileSync(path, lines.join('\n') + '\n')
}

beforeAll(() => {
  requireBuiltCli()
  dir = mkdtempSync(join(tmpdir(), 'sockscope-cli-mock-'))
  recording = join(dir, 'feed.ndjson')
  writeRecording(recording)
})

afterAll(() => {
  killStrayCli()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function client(url: string) {
  const ws = new WebSocket(url)
  const got: string[] = []
  ws.on('message', (d) => got.push(d.toString()))
  const until = (n: number) =>
    expect
      .poll(() => got.length, { timeout: 3000 })
      .toBeGreaterThanOrEqual(n)
      .then(() => got.slice(0, n))
  return { ws, got, until, opened: new Promise((r, j) => (ws.once('open', r), ws.once('error', j))) }
}

describe('sockscope mock', () => {
  it('prints its URL first, serves the recording to a client, logs matched and unmatched messages, and stops on Ctrl+C with exit 0', async () => {
    const mock = startCli(['mock', 'feed.ndjson', '--timing', 'fast'], { dataDir: dir, cwd: dir })
    const [, url] = await mock.waitFor(/^(ws:\/\/127\.0\.0\.1:\d+)\n/)
    const c = client(url)
    await c.opened
    expect(await c.until(1)).toEqual(['{"type":"hello","server":"feed-1"}'])
    c.ws.send('{"op":"subscribe","requestId":"q-77","topic":"eur"}')
    expect(await c.until(3)).toEqual([
      '{"type":"hello","server":"feed-1"}',
      '{"requestId":"q-77","ok":true}',
      '{"topic":"eur","price":1.08}'
    ])
    c.ws.send('ping')
    await c.until(4)
    c.ws.send('one more')
    await mock.waitFor(/#1 ✗ message 3 .*the recording has only 2 client message\(s\); nothing sent/)
    expect(mock.stdout()).toMatch(
      /Serving feed\.ndjson: 2 client message\(s\) to match, 4 server message\(s\) to send; timing fast, match order\./
    )
    expect(mock.stdout()).toMatch(/#1 \+ connected from 127\.0\.0\.1/)
    expect(mock.stdout()).toMatch(/#1 ✓ message 1 matched recorded client message 1/)
    expect(mock.stdout()).toMatch(/#1 → sent \{"requestId":"q-77","ok":true\}/)
    c.ws.close()
    mock.child.kill('SIGINT')
    const r = await mock.exited
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Stopped: 2 matched, 0 differed, 1 unmatched\.\n$/)
    expect(r.stderr).toBe('')
  })

  it('content matching with the original gaps: a message out of order gets nothing, the recorded gap is kept', async () => {
    const mock = startCli(['mock', recording, '--match', 'content', '--port', '0'], { dataDir: dir })
    const [, url] = await mock.waitFor(/^(ws:\/\/127\.0\.0\.1:\d+)\n/)
    const c = client(url)
    await c.opened
    await c.until(1)
    c.ws.send('hello?')
    await mock.waitFor(/#1 ✗ message 1 matched no recorded client message left; nothing sent: hello\?/)
    const arrivedAt: number[] = []
    c.ws.on('message', () => arrivedAt.push(performance.now()))
    const asked = performance.now()
    c.ws.send('{"op":"subscribe","requestId":"x","topic":"eur"}')
    await c.until(3)
    // Recorded 5 and 45 ms after the subscribe. Measured from our own send, a timer can only make it later; the gap
    // between the two arrivals could shrink when this process is busy as the first one comes in.
    expect(arrivedAt[1] - asked).toBeGreaterThanOrEqual(40)
    c.ws.close()
    mock.child.kill('SIGINT')
    expect((await mock.exited).code).toBe(0)
  })

  it('serves what `sockscope listen --ndjson` printed', async () => {
    const server = await startWsServer({ onConnection: (ws) => (ws.send('first'), ws.send('second')) })
    try {
      const listened = await runCli(['listen', server.url, '--ndjson', '--count', '2'], { dataDir: dir })
      expect(listened.code).toBe(0)
      const path = join(dir, 'listened.ndjson')
      writeFileSync(path, listened.stdout)
      const mock = startCli(['mock', path, '--timing', 'fast'], { dataDir: dir })
      const [, url] = await mock.waitFor(/^(ws:\/\/127\.0\.0\.1:\d+)\n/)
      const c = client(url)
      expect(await c.until(2)).toEqual(['first', 'second'])
      c.ws.close()
      mock.child.kill('SIGINT')
      await mock.exited
    } finally {
      await server.close()
    }
  })

  // The same entry in this process: these differ only in the sentence, and a child each would cost most of the file's time.
  it.each([
    [['mock'], /sockscope mock: Give the RECORDING to serve/],
    [['mock', 'nowhere.ndjson'], /nowhere\.ndjson: cannot read the recording \(ENOENT\)/],
    [['mock', 'feed.ndjson', '--timing', 'slow'], /--timing takes one of original, fast \(got "slow"\)/],
    [['mock', 'feed.ndjson', '--match', 'fuzzy'], /--match takes one of order, content/],
    [
      ['mock', 'feed.ndjson', '--port', '70000'],
      /--port takes the port to listen on \(0 = any free port\): a whole number from 0 to 65535/
    ],
    [['mock', 'feed.ndjson', '--entry', '1', '--verbose'], /--verbose is not an option of sockscope mock/]
  ])('says what is wrong with bad input: %j', async (args, message) => {
    const r = await runInProcess(args, { dataDir: dir, cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
  })

  it('exits 2 with a sentence when the file is not a recording or the port is taken', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'not a recording\n')
    const taken = createServer()
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r))
    const port = (taken.address() as { port: number }).port
    try {
      const [notRecording, busy] = await Promise.all([
        runCli(['mock', 'notes.txt'], { dataDir: dir, cwd: dir }),
        runCli(['mock', 'feed.ndjson', '--port', String(port)], { dataDir: dir, cwd: dir })
      ])
      expect(notRecording.code).toBe(2)
      expect(notRecording.stderr).toMatch(/notes\.txt: is not a recording: neither Sockscope NDJSON, a \.sockrec file nor HAR/)
      expect(busy.code).toBe(2)
      expect(busy.stderr).toContain(`port ${port} on 127.0.0.1 is in use. Choose another with --port, or --port 0 for any free port.`)
    } finally {
      taken.close()
    }
  })
})

describe('the sockscope command', () => {
  it('prints usage: exit 2 with no command, 0 for help', async () => {
    const [none, help, mockHelp] = await Promise.all([
      runCli([], { dataDir: dir }),
      runInProcess(['--help'], { dataDir: dir }),
      runInProcess(['help', 'mock'], { dataDir: dir })
    ])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/^Usage: sockscope <command>/)
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/run FILE_OR_DIR…[\s\S]*send URL \[MESSAGE…\][\s\S]*listen URL[\s\S]*mock RECORDING/)
    expect(mockHelp.stdout).toMatch(/^Usage: sockscope mock RECORDING/)
  })

  it('never loads Electron: no module the built command imports names it', () => {
    const seen = new Set<string>()
    const visit = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      const code = readFileSync(file, 'utf8')
      expect(code, file).not.toMatch(/(from\s*|import\s*\(\s*|require\s*\(\s*)["']electron["']/)
      for (const [, spec] of code.matchAll(/(?:from\s*|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
        const next = resolve(dirname(file), spec)
        if (existsSync(next)) visit(next)
      }
    }
    visit(CLI_JS)
    expect(seen.size).toBeGreaterThan(0)
  })
})
