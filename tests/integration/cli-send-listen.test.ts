/**
 * `sockscope send` and `sockscope listen` as child processes (the built out/main/cli.js) against real servers on
 * 127.0.0.1 started here: exit codes, replies as lines and as NDJSON, stdin lines, headers and subprotocols that
 * reach the server, profiles from a data folder, TLS flags, refusals with the engine's reason, bad flags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { IncomingMessage } from 'node:http'
import type { WebSocket } from 'ws'
import { closedPort, startWsServer, type RunningWs } from '../helpers/servers'
import { makeSelfSigned } from '../helpers/certs'
import { killStrayCli, requireBuiltCli, runCli, runInProcess, startCli } from '../helpers/cliChild'

let dir: string
let echo: RunningWs
/** Close codes the echo server received, in order. */
const closes: number[] = []

beforeAll(async () => {
  requireBuiltCli()
  dir = mkdtempSync(join(tmpdir(), 'sockscope-cli-'))
  echo = await startWsServer({
    ws: { handleProtocols: (offered: Set<string>) => (offered.has('chat.v2') ? 'chat.v2' : false) },
    onConnection: (ws: WebSocket, req: IncomingMessage) => {
      ws.on('close', (code) => closes.push(code))
      ws.on('message', (data, isBinary) => {
        const text = data.toString()
        if (!isBinary && text === 'close-4001') ws.close(4001, 'told to')
        else if (!isBinary && text === 'whoami') ws.send(`${req.headers['x-user'] ?? '-'} ${req.headers.authorization ?? '-'}`)
        else ws.send(data, { binary: isBinary })
      })
    }
  })
})

afterAll(async () => {
  killStrayCli()
  await echo?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const run = (args: string[], input?: string) => runCli(args, { dataDir: dir, ...(input !== undefined ? { input } : {}) })

describe('sockscope send', () => {
  it.concurrent(
    'sends each message, prints the replies as lines, closes with 1000 and exits 0; headers and the subprotocol reach the server',
    async () => {
      const before = echo.requests.length
      const r = await run([
        'send',
        echo.url,
        'one',
        '{"n":2}',
        '-H',
        'X-User: ada',
        '--header',
        'Authorization: Bearer t0k',
        '--subprotocol',
        'chat.v1,chat.v2',
        '--wait',
        '300'
      ])
      expect(r.stderr).toBe('')
      expect(r.stdout).toBe('one\n{"n":2}\n')
      expect(r.code).toBe(0)
      const req = echo.requests.slice(before).find((q) => q.headers['x-user'] === 'ada')!
      expect(req.headers.authorization).toBe('Bearer t0k')
      expect(req.headers['sec-websocket-protocol']?.split(/,\s*/)).toEqual(['chat.v1', 'chat.v2'])
    }
  )

  it.concurrent('sends the lines of stdin when no MESSAGE is given, in order', async () => {
    const r = await run(['send', echo.url, '--wait', '300'], 'first\nsecond\r\nthird')
    expect(r.stdout).toBe('first\nsecond\nthird\n')
    expect(r.code).toBe(0)
  })

  it.concurrent('prints one JSON event per line with --ndjson: the handshake, both directions, binary as bytes, the close', async () => {
    const r = await run(['send', echo.url, '0102ff', '--binary', 'hex', '--ndjson', '--wait', '300'])
    expect(r.code).toBe(0)
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; dir?: string; data?: unknown; code?: number; initiator?: string })
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['state', 'handshake', 'message', 'close']))
    const messages = events.filter((e) => e.type === 'message')
    expect(messages.map((m) => [m.dir, m.data])).toEqual([
      ['out', { $b: 'AQL/' }],
      ['in', { $b: 'AQL/' }]
    ])
    expect(events.find((e) => e.type === 'close')).toMatchObject({ code: 1000, initiator: 'local' })
  })

  it.concurrent('resolves {{variables}} in messages from --var', async () => {
    const r = await run(['send', echo.url, 'hello {{who}}', '--var', 'who=world', '--wait', '300'])
    expect(r.stdout).toBe('hello world\n')
  })

  it.concurrent('exits 1 with the engine class, code and next step when nothing listens', async () => {
    const port = await closedPort()
    const r = await run(['send', `ws://127.0.0.1:${port}`, 'x'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('(refused, ECONNREFUSED)')
    expect(r.stderr).toContain('Nothing is listening there')
  })

  it.concurrent('exits 1 and says the code when the server closes with an error code', async () => {
    const r = await run(['send', echo.url, 'close-4001', '--wait', '2000'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/the server closed the connection with 4001 .*told to/)
  })

  it('exits 2 with a sentence on bad input, before connecting', async () => {
    const before = echo.requests.length
    const [unknownFlag, webUrl] = await Promise.all([
      run(['send', echo.url, 'x', '--wiat', '5']),
      run(['send', echo.url.replace('ws:', 'http:'), 'x'])
    ])
    expect(unknownFlag.code).toBe(2)
    expect(unknownFlag.stderr).toMatch(
      /^sockscope send: --wiat is not an option of sockscope send\. Options of sockscope send: .*--wait MS.*\nRun "sockscope send --help" for its options\.\n$/
    )
    expect(webUrl.code).toBe(2)
    expect(webUrl.stderr).toMatch(/URL: http:\/\/ is for web pages, not WebSockets; use ws:\/\/127\.0\.0\.1:\d+\//)
    expect(echo.requests.length).toBe(before)
  })

  // The same entry in this process: these differ only in the sentence, and a child each would cost most of the file's time.
  it.each([
    [
      ['send', 'ws://127.0.0.1:9', 'x', '--wait', 'soon'],
      /--wait takes milliseconds to wait for replies: a whole number from 0 to 3600000 \(got "soon"\)/
    ],
    [['send', 'ws://127.0.0.1:9', 'x', '--wait'], /--wait needs a value \(MS\), e\.g\. --wait 2000/],
    [['send', 'ws://127.0.0.1:9', 'x', '-H', 'NoColon'], /--header takes NAME:VALUE/],
    [['send', 'ws://127.0.0.1:9', 'x', '--subprotocol', 'bad/proto'], /Subprotocol 1: "bad\/proto" is not a valid subprotocol/],
    [['send', 'ws://127.0.0.1:9', 'x', '--ca', 'missing.pem'], /--ca: cannot read .*missing\.pem \(ENOENT\)/],
    [['send', 'ws://127.0.0.1:9', 'x', '--protocol', 'smtp'], /--protocol takes one of auto, raw, socketio, graphql, stomp, mqtt, signalr/],
    [['send', 'ws://127.0.0.1:9', '{{nope}}'], /MESSAGE 1 uses \{\{nope\}\}, which no variable defines/],
    [['send', 'ws://127.0.0.1:9', 'zz', '--binary', 'hex'], /MESSAGE 1 is not hex/],
    [['send', 'ws://127.0.0.1:9', '-5'], /-5 is not an option\. To send a message that starts with "-", put -- before it/],
    [['send'], /Give the URL to connect to/],
    [['send', 'ws://127.0.0.1:9'], /Give a MESSAGE to send, or pipe lines into sockscope send/],
    [['listen', 'ws://127.0.0.1:9', 'extra'], /sockscope listen: takes one URL/],
    [['sned'], /"sned" is not a command/]
  ])('says what is wrong with bad input: %j', async (args, message) => {
    const r = await runInProcess(args, { dataDir: dir, cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).not.toMatch(/argument \d|\boptions\.\w|at .*\.js:\d+/)
  })
})

describe('sockscope send with a profile and TLS', () => {
  it('connects with a saved profile from --data-dir, its environment resolving {{variables}}; a missing keychain secret is refused unless given', async () => {
    const data = join(dir, 'profiles-data')
    rmSync(data, { recursive: true, force: true })
    const { mkdirSync } = await import('node:fs')
    mkdirSync(data)
    const now = new Date().toISOString()
    const profile = (id: string, name: string, headers: Array<{ name: string; value: string }>, secretPaths?: string[]) => ({
      id,
      name,
      folder: '',
      options: { url: `${echo.url}/{{path}}`, headers },
      savedMessages: [],
      environmentId: 'env-1',
      ...(secretPaths ? { secretPaths } : {}),
      updatedAt: now
    })
    writeFileSync(
      join(data, 'profiles.json'),
      JSON.stringify({
        schemaVersion: 2,
        folders: [],
        profiles: [
          profile('p1', 'Local echo', [{ name: 'X-User', value: '{{user}}' }]),
          profile('p2', 'Guarded', [{ name: 'Authorization', value: '' }], ['options.headers.0.value'])
        ],
        environments: [
          {
            id: 'env-1',
            name: 'Dev',
            variables: [
              { name: 'user', value: 'grace' },
              { name: 'path', value: 'room' }
            ]
          }
        ],
        settings: { persistInsecureSecrets: false }
      })
    )
    const [ok, refused, overridden, unknown] = await Promise.all([
      run(['send', '--profile', 'local echo', '--data-dir', data, 'whoami', '--wait', '300']),
      run(['send', '--profile', 'Guarded', '--data-dir', data, 'whoami']),
      run(['send', '--profile', 'Guarded', '--data-dir', data, 'whoami', '-H', 'Authorization: Bearer given', '--wait', '300']),
      run(['send', '--profile', 'Nope', '--data-dir', data, 'x'])
    ])
    expect(ok.stderr).toBe('')
    expect(ok.stdout).toBe('grace -\n')
    expect(echo.requests.some((q) => q.url === '/room' && q.headers['x-user'] === 'grace')).toBe(true)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain("Profile “Guarded” keeps the value of header “Authorization” in the desktop app's keychain")
    expect(overridden.stdout).toBe('- Bearer given\n')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('--profile: no profile is named “Nope”. Saved profiles: “Local echo”, “Guarded”.')
  })

  it('refuses a self-signed server with the TLS class and the flags to use, and connects with --ca FILE or --insecure', async () => {
    const pair = makeSelfSigned()
    const tls = await startWsServer({ tls: { cert: pair.cert, key: pair.key } })
    try {
      const ca = join(dir, 'server.pem')
      writeFileSync(ca, pair.cert)
      const [refused, trusted, insecure] = await Promise.all([
        run(['send', tls.url, 'x']),
        run(['send', tls.url, 'trusted', '--ca', ca, '--wait', '300']),
        run(['send', tls.url, 'anyway', '-k', '--wait', '300'])
      ])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(/\(tls, DEPTH_ZERO_SELF_SIGNED_CERT\)/)
      expect(refused.stderr).toMatch(/--ca FILE.*pass --insecure/)
      expect(trusted.stdout).toBe('trusted\n')
      expect(trusted.code).toBe(0)
      expect(insecure.stdout).toBe('anyway\n')
      expect(insecure.code).toBe(0)
    } finally {
      await tls.close()
    }
  })
})

describe('sockscope listen', () => {
  it('prints what arrives until Ctrl+C, then closes with 1000 and exits 0', async () => {
    const server = await startWsServer({
      onConnection: (ws) => {
        ws.on('close', (code) => closes.push(code))
        ws.send('tick 1')
        ws.send(Buffer.from([0xca, 0xfe]), { binary: true })
      }
    })
    try {
      const child = startCli(['listen', server.url], { dataDir: dir })
      await child.waitFor(/tick 1\n\[binary, 2 bytes\] cafe\n/)
      await child.waitFor(/Connected to ws:\/\/127\.0\.0\.1:\d+\//, 'stderr')
      const closesBefore = closes.length
      child.child.kill('SIGINT')
      const r = await child.exited
      expect(r.code).toBe(0)
      expect(r.stderr).toContain('Closed (1000 Normal closure)')
      await expect.poll(() => closes.slice(closesBefore)).toEqual([1000])
    } finally {
      await server.close()
    }
  })

  it('ends with the server: exit 0 on 1000 with --ndjson lines, exit 1 when the link drops without a close frame', async () => {
    const polite = await startWsServer({ onConnection: (ws) => (ws.send('{"bye":true}'), ws.close(1000, 'done')) })
    const rude = await startWsServer({ onConnection: (ws) => (ws.send('boom'), setTimeout(() => ws.terminate(), 50)) })
    try {
      const [a, b] = await Promise.all([run(['listen', polite.url, '--ndjson']), run(['listen', rude.url])])
      expect(a.code).toBe(0)
      const events = a.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; data?: string; code?: number; reason?: string })
      expect(events.find((e) => e.type === 'message')?.data).toBe('{"bye":true}')
      expect(events.find((e) => e.type === 'close')).toMatchObject({ code: 1000, reason: 'done' })
      expect(b.stdout).toBe('boom\n')
      expect(b.code).toBe(1)
      expect(b.stderr).toMatch(/dropped without a close frame \(1006/)
    } finally {
      await Promise.all([polite.close(), rude.close()])
    }
  })

  it('closes after --count messages', async () => {
    const chatty = await startWsServer({ onConnection: (ws) => ['a', 'b', 'c', 'd'].forEach((m) => ws.send(m)) })
    try {
      const r = await run(['listen', chatty.url, '--count', '2'])
      expect(r.stdout).toBe('a\nb\n')
      expect(r.code).toBe(0)
    } finally {
      await chatty.close()
    }
  })
})
